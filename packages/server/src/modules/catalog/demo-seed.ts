import { localDateOf } from '@deeptravel/shared';
import type { Logger } from '../../app/logger.js';
import type { Clock } from '../../common/clock.js';
import type { Database, Sql } from '../../common/db/sql.js';

/** How many days of trips the demo seed schedules, from today. */
export const DEMO_TRIP_DAYS = 30;

interface RouteSeed {
  id: number;
  code: string;
  mode: 'BUS' | 'FERRY';
  origin: string;
  destination: string;
  operator: string;
  minutes: number;
  capacity: number;
  times: string[];
  productName: string;
  adult: number;
  child: number;
  refundRule: number;
}

const FERRY_TIMES = ['08:00', '09:30', '11:00', '13:00', '15:00', '17:00', '19:00'];
const BUS_TIMES = ['07:00', '08:30', '10:00', '12:00', '14:00', '16:00', '18:00', '20:00'];

const ROUTES: RouteSeed[] = [
  { id: 1, code: 'SK-SKP', mode: 'FERRY', origin: 'SZ-SHEKOU', destination: 'HK-SKYPIER', operator: 'CKS', minutes: 30, capacity: 200, times: FERRY_TIMES, productName: '蛇口 → 香港机场海天码头 船票', adult: 26000, child: 19500, refundRule: 1 },
  { id: 2, code: 'SKP-SK', mode: 'FERRY', origin: 'HK-SKYPIER', destination: 'SZ-SHEKOU', operator: 'CKS', minutes: 30, capacity: 200, times: FERRY_TIMES, productName: '香港机场海天码头 → 蛇口 船票', adult: 26000, child: 19500, refundRule: 1 },
  { id: 3, code: 'MO-HK', mode: 'FERRY', origin: 'MO-OUTER', destination: 'HK-SHEUNGWAN', operator: 'TURBOJET', minutes: 60, capacity: 300, times: FERRY_TIMES, productName: '澳门外港 → 香港上环 船票', adult: 17500, child: 13000, refundRule: 1 },
  { id: 4, code: 'HK-MO', mode: 'FERRY', origin: 'HK-SHEUNGWAN', destination: 'MO-OUTER', operator: 'TURBOJET', minutes: 60, capacity: 300, times: FERRY_TIMES, productName: '香港上环 → 澳门外港 船票', adult: 17500, child: 13000, refundRule: 1 },
  { id: 5, code: 'SZB-HKJ', mode: 'BUS', origin: 'SZ-BAY', destination: 'HK-JORDAN', operator: 'CTB-XB', minutes: 70, capacity: 50, times: BUS_TIMES, productName: '深圳湾口岸 → 香港佐敦 跨境巴士', adult: 8000, child: 5000, refundRule: 2 },
  { id: 6, code: 'HKJ-SZB', mode: 'BUS', origin: 'HK-JORDAN', destination: 'SZ-BAY', operator: 'CTB-XB', minutes: 70, capacity: 50, times: BUS_TIMES, productName: '香港佐敦 → 深圳湾口岸 跨境巴士', adult: 8000, child: 5000, refundRule: 2 },
  { id: 7, code: 'GZT-HKJ', mode: 'BUS', origin: 'GZ-TIANHE', destination: 'HK-JORDAN', operator: 'CTB-XB', minutes: 180, capacity: 50, times: BUS_TIMES, productName: '广州天河 → 香港佐敦 跨境巴士', adult: 18000, child: 12000, refundRule: 2 },
  { id: 8, code: 'HKJ-GZT', mode: 'BUS', origin: 'HK-JORDAN', destination: 'GZ-TIANHE', operator: 'CTB-XB', minutes: 180, capacity: 50, times: BUS_TIMES, productName: '香港佐敦 → 广州天河 跨境巴士', adult: 18000, child: 12000, refundRule: 2 },
];

/** Seeds the demo Greater Bay Area network once, when the catalog is empty. Returns true if it seeded. */
export async function seedDemoIfEmpty(db: Database, clock: Clock, opts: { devTravellers: boolean; log: Logger }): Promise<boolean> {
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM city');
  if (row.n > 0) return false;
  await db.tx(async (sql) => {
    await seedDemo(sql, localDateOf(clock.now()), opts.devTravellers);
  });
  opts.log.info('seeded the demo network');
  return true;
}

/** Writes the demo data: cities, stations, operators, routes, fares, trips, packages, travellers. */
export async function seedDemo(sql: Sql, today: string, devTravellers: boolean): Promise<void> {
  await sql.query(`INSERT INTO city (id, code, name_zh, name_en, pinyin, is_hot, sort_order) VALUES
    (1, 'HKG', '香港', 'Hong Kong', 'xianggang', true, 1),
    (2, 'SZX', '深圳', 'Shenzhen', 'shenzhen', true, 2),
    (3, 'CAN', '广州', 'Guangzhou', 'guangzhou', true, 3),
    (4, 'MFM', '澳门', 'Macau', 'aomen', true, 4),
    (5, 'ZUH', '珠海', 'Zhuhai', 'zhuhai', false, 5)`);
  await sql.query(`INSERT INTO station (id, code, city_id, name_zh, name_en) VALUES
    (1, 'HK-SKYPIER', 1, '香港国际机场海天客运码头', 'HKIA SkyPier'),
    (2, 'HK-SHEUNGWAN', 1, '香港上环港澳码头', 'Hong Kong-Macau Ferry Terminal'),
    (3, 'HK-JORDAN', 1, '香港佐敦（港铁站旁）', 'Jordan, Kowloon'),
    (4, 'SZ-SHEKOU', 2, '深圳蛇口邮轮中心', 'Shekou Cruise Center'),
    (5, 'SZ-BAY', 2, '深圳湾口岸', 'Shenzhen Bay Port'),
    (6, 'GZ-TIANHE', 3, '广州天河客运站', 'Guangzhou Tianhe Coach Terminal'),
    (7, 'MO-OUTER', 4, '澳门外港客运码头', 'Macau Outer Harbour Ferry Terminal')`);
  await sql.query(`INSERT INTO merchant (id, code, name, kind) VALUES
    (1, 'CKS', '蛇口邮轮', 'FERRY_OPERATOR'),
    (2, 'TURBOJET', '喷射飞航 TurboJET', 'FERRY_OPERATOR'),
    (3, 'CTB-XB', '中港通跨境巴士', 'BUS_OPERATOR'),
    (4, 'CITYBUS', '城巴 Citybus', 'BUS_OPERATOR'),
    (5, 'NP360', '昂坪360', 'ATTRACTION'),
    (6, 'LUGGAGE', '港澳行李寄存中心', 'SERVICE')`);
  await sql.query(`INSERT INTO refund_rule (id, name, tiers, change_allowed, change_min_hours_before, summary_zh) VALUES
    (1, '船票标准退改', '[{"minHoursBefore":48,"feePercent":0},{"minHoursBefore":24,"feePercent":10},{"minHoursBefore":2,"feePercent":30}]', true, 2,
        '开船前48小时以上免费退；24–48小时收10%手续费；2–24小时收30%；2小时内不可退。可改签一次（开船前2小时以上）。'),
    (2, '巴士标准退改', '[{"minHoursBefore":24,"feePercent":0},{"minHoursBefore":2,"feePercent":20}]', true, 2,
        '发车前24小时以上免费退；2–24小时收20%手续费；2小时内不可退。'),
    (3, '套票退改', '[{"minHoursBefore":24,"feePercent":0},{"minHoursBefore":0,"feePercent":20}]', false, 0,
        '生效前24小时以上免费退；之后未使用可退，收20%手续费；已核销项目不可退；共享权益仅随整单退。')`);
  for (const r of ROUTES) {
    const originCode = r.origin;
    await sql.query(
      `INSERT INTO route (id, code, mode, origin_id, destination_id, operator_id, duration_minutes)
       SELECT $1, $2, $3, o.id, d.id, m.id, $7 FROM station o, station d, merchant m WHERE o.code = $4 AND d.code = $5 AND m.code = $6`,
      [r.id, r.code, r.mode, originCode, r.destination, r.operator, r.minutes],
    );
    await sql.query(
      `INSERT INTO product (id, kind, name, route_id, refund_rule_id, currency) VALUES ($1, 'TICKET', $2, $1, $3, 'CNY')`,
      [r.id, r.productName, r.refundRule],
    );
    // Group fares: parties of 4 or more pay 10 % less per adult.
    const group = Math.round((r.adult * 0.9) / 100) * 100;
    await sql.query(
      `INSERT INTO fare_tier (product_id, passenger_type, min_qty, max_qty, unit_price) VALUES
        ($1, 'ADULT', 1, 3, $2), ($1, 'ADULT', 4, NULL, $3), ($1, 'CHILD', 1, NULL, $4), ($1, 'SENIOR', 1, NULL, $4)`,
      [r.id, r.adult, group, r.child],
    );
    await sql.query(
      `INSERT INTO trip (route_id, product_id, departure_at, arrival_at, capacity)
       SELECT $1, $1, dep, dep + make_interval(mins => $4), $5
         FROM generate_series($2::date, $2::date + $6::int, interval '1 day') AS d,
              unnest($3::text[]) AS t,
              LATERAL (SELECT ((d::date + t::time)::timestamp - interval '8 hours') AT TIME ZONE 'UTC' AS dep) x
        ORDER BY dep`,
      [r.id, today, r.times, r.minutes, r.capacity, DEMO_TRIP_DAYS],
    );
  }
  await sql.query(`INSERT INTO package_template (id, name, validity_days, description) VALUES
    (1, '3-in-1 Transport Pass', 3, '一次船票 + 一次巴士 + 一次昂坪360缆车，外加全单共享的行李寄存一次'),
    (2, 'HK–Macau 2-Day Pass', 2, '港澳船票一次 + 城巴一日乘车')`);
  await sql.query(`INSERT INTO entitlement_line (template_id, name, merchant_id, scope, uses, sort_order) VALUES
    (1, '港澳船票（单程一次）', 2, 'PER_PASSENGER', 1, 1),
    (1, '城巴乘车（一次）', 4, 'PER_PASSENGER', 1, 2),
    (1, '昂坪360缆车（入场一次）', 5, 'PER_PASSENGER', 1, 3),
    (1, '行李寄存（全单共享一次）', 6, 'SHARED', 1, 4),
    (2, '港澳船票（单程一次）', 2, 'PER_PASSENGER', 1, 1),
    (2, '城巴一日乘车（两次）', 4, 'PER_PASSENGER', 2, 2)`);
  await sql.query(`INSERT INTO product (id, kind, name, template_id, city_id, refund_rule_id, currency, daily_quota, description) VALUES
    (101, 'PACKAGE', '3-in-1 Transport Pass', 1, 1, 3, 'CNY', 500, '船票 + 巴士 + 昂坪360，三日内有效'),
    (102, 'PACKAGE', 'HK–Macau 2-Day Pass', 2, 1, 3, 'CNY', 300, '港澳船票 + 城巴一日乘车，两日内有效')`);
  await sql.query(`INSERT INTO fare_tier (product_id, passenger_type, min_qty, max_qty, unit_price) VALUES
    (101, 'ADULT', 1, 3, 4200), (101, 'ADULT', 4, NULL, 3800), (101, 'CHILD', 1, NULL, 2100), (101, 'SENIOR', 1, NULL, 2100),
    (102, 'ADULT', 1, 3, 6800), (102, 'ADULT', 4, NULL, 6200), (102, 'CHILD', 1, NULL, 3400), (102, 'SENIOR', 1, NULL, 3400)`);
  await sql.query(`INSERT INTO blackout_date (product_id, date, reason) VALUES (102, $1::date + 20, '澳门码头设施检修，当日停售')`, [today]);
  await sql.query(`INSERT INTO setting (key, value) VALUES
    ('lockDurationMinutes', '10'), ('maxPassengersPerOrder', '9'), ('orderCompletedNotification', 'false')`);
  if (devTravellers) {
    await sql.query(`INSERT INTO traveller (dev_token, nickname) VALUES ('user123', '演示旅客 小明'), ('user456', '演示旅客 小红')`);
  }
  // Explicit ids above: move the sequences past them.
  for (const table of ['city', 'station', 'merchant', 'refund_rule', 'route', 'product', 'package_template']) {
    await sql.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), 1000)`);
  }
}
