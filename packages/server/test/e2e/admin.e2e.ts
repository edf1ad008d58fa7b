import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { hkDate, startTestServer, type TestServer } from '../support/harness.js';
import { staffLogin } from '../support/redemption-fixtures.js';

/** Issue 7: admin configuration that takes effect at once, roles, audit, metrics. */
describe('admin API', () => {
  let s: TestServer;
  let admin: string;
  let operator: string;
  beforeAll(async () => {
    s = await startTestServer();
    const login = async (u: string, p: string) =>
      (await s.gql(`mutation($u: String!, $p: String!) { adminLogin(username: $u, password: $p) { token role } }`, { u, p }, null)).data.adminLogin.token as string;
    admin = await login('admin', 'admin12345');
    operator = await login('operator', 'operator12345');
  });
  afterAll(async () => {
    await s?.close();
  });

  const as = (token: string) => (q: string, v?: Record<string, unknown>) => s.gql(q, v, token);

  it('refuses a wrong password, a traveller, no token, and an operator writing', async () => {
    const wrong = await s.gql(`mutation { adminLogin(username: "admin", password: "nope-nope-nope") { token } }`, {}, null);
    expect(wrong.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    const ops = [
      `{ adminCities { id } }`, `{ adminProducts { id } }`, `{ adminTrips { total } }`, `{ adminMetrics { from } }`, `{ adminAuditLog { total } }`,
      `{ adminOrders { total } }`, `{ adminSettings { lockDurationMinutes } }`, `mutation { adminUpdateSettings(input: { lockDurationMinutes: 5 }) { lockDurationMinutes } }`,
      `mutation { adminAddBlackoutDate(date: "2099-01-01") }`,
    ];
    for (const q of ops) {
      expect((await s.gql(q, {}, 'user123')).errors?.[0].extensions.code).toBe('FORBIDDEN');
      expect((await s.gql(q, {}, null)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    }
    expect((await as(operator)(`{ adminCities { code } }`)).data.adminCities.length).toBeGreaterThan(0);
    expect((await as(operator)(`mutation { adminAddBlackoutDate(date: "2099-01-01") }`)).errors?.[0].extensions.code).toBe('FORBIDDEN');
  });

  it('a new city, station, route, product, fares and a schedule are searchable at once', async () => {
    const a = as(admin);
    const city = (await a(`mutation { adminUpsertCity(input: { code: "ZHO", nameZh: "中山", nameEn: "Zhongshan", pinyin: "zhongshan", isHot: false }) }`)).data.adminUpsertCity;
    const station = (await a(`mutation($c: ID!) { adminUpsertStation(input: { code: "ZS-PORT", cityId: $c, nameZh: "中山港", nameEn: "Zhongshan Port" }) }`, { c: city })).data.adminUpsertStation;
    const route = (await a(`mutation($o: ID!) { adminUpsertRoute(input: { code: "ZS-HK", mode: "FERRY", originId: $o, destinationId: "2", operatorId: "2", durationMinutes: 90, enabled: true }) }`, { o: station })).data.adminUpsertRoute;
    const product = (await a(`mutation($r: ID!) { adminUpsertProduct(input: { kind: "TICKET", name: "中山港 → 香港上环 船票", routeId: $r, refundRuleId: "1", enabled: true }) }`, { r: route })).data.adminUpsertProduct;
    const fares = await a(`mutation($p: ID!) { adminSetFareTiers(productId: $p, tiers: [{ passengerType: ADULT, minQty: 1, maxQty: null, unitPrice: 21000 }, { passengerType: CHILD, minQty: 1, unitPrice: 15000 }]) }`, { p: product });
    expect(fares.errors).toBeUndefined();
    const date = hkDate(3);
    const gen = await a(`mutation($r: ID!, $d: String!) { adminGenerateTrips(input: { routeId: $r, fromDate: $d, toDate: $d, times: ["09:00", "15:30"], capacity: 120 }) { created existing } }`, { r: route, d: date });
    expect(gen.data.adminGenerateTrips).toEqual({ created: 2, existing: 0 });
    const again = await a(`mutation($r: ID!, $d: String!) { adminGenerateTrips(input: { routeId: $r, fromDate: $d, toDate: $d, times: ["09:00", "15:30"], capacity: 120 }) { created existing } }`, { r: route, d: date });
    expect(again.data.adminGenerateTrips).toEqual({ created: 0, existing: 2 });

    const search = await s.gql(`query($d: String!) { searchOffers(input: { origin: "zhongshan", destination: "HKG", date: $d, passengers: [{ type: ADULT, count: 1 }, { type: CHILD, count: 1 }] }) { offers { productName totalPrice available trip { departureAt } } } }`, { d: date });
    expect(search.errors).toBeUndefined();
    expect(search.data.searchOffers.offers.filter((o: any) => o.trip)).toHaveLength(2);
    expect(search.data.searchOffers.offers[0]).toMatchObject({ totalPrice: 36000, available: 120 });
  });

  it('a price change is seen by the next search but not by an existing order', async () => {
    const date = hkDate(4);
    const q = `query($d: String!) { searchOffers(input: { origin: "MFM", destination: "HKG", date: $d }) { offers { trip { tripId } totalPrice productId } } }`;
    const before = (await s.gql(q, { d: date })).data.searchOffers.offers.find((o: any) => o.productId === '3');
    const order = (await s.rest('POST', '/orders', { items: [{ product_id: 3, trip_id: Number(before.trip.tripId), qty: 1 }] })).body;
    const set = await as(admin)(`mutation { adminSetFareTiers(productId: "3", tiers: [{ passengerType: ADULT, minQty: 1, unitPrice: 19900 }, { passengerType: CHILD, minQty: 1, unitPrice: 9900 }]) }`);
    expect(set.errors).toBeUndefined();
    const after = (await s.gql(q, { d: date })).data.searchOffers.offers.find((o: any) => o.productId === '3');
    expect(after.totalPrice).toBe(19900);
    expect((await s.rest('GET', `/orders/${order.order_id}`)).body.total_amount).toBe(before.totalPrice);
  });

  it('validation: tier gaps, a promotion ending before it starts, capacity below what is sold', async () => {
    const a = as(admin);
    const gap = await a(`mutation { adminSetFareTiers(productId: "1", tiers: [{ passengerType: ADULT, minQty: 1, maxQty: 2, unitPrice: 100 }, { passengerType: ADULT, minQty: 5, unitPrice: 90 }]) }`);
    expect(gap.errors?.[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'tiers' });
    expect(gap.errors?.[0].extensions.problems.map((p: any) => p.code)).toContain('TIER_GAP');
    const promo = await a(`mutation { adminUpsertPromotion(input: { code: "BAD1", name: "x", kind: "PERCENT", value: 10, startsAt: "2027-01-02T00:00:00Z", endsAt: "2027-01-01T00:00:00Z", productIds: [], enabled: true }) }`);
    expect(promo.errors?.[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'endsAt' });
    // A trip from tomorrow on: the first trip of today may have departed already, depending on the hour the test runs.
    const trips = await a(`query($from: String!) { adminTrips(routeId: "1", fromDate: $from, limit: 1) { items { id capacity } total } }`, { from: hkDate(1) });
    const tripId = trips.data.adminTrips.items[0].id;
    const ordered = await s.rest('POST', '/orders', { items: [{ product_id: 1, trip_id: Number(tripId), qty: 3 }] });
    expect(ordered.status).toBe(200);
    const cap = await a(`mutation($id: ID!) { adminUpsertTrip(input: { id: $id, routeId: "1", departureAt: "2099-01-01T00:00:00Z", capacity: 2 }) }`, { id: tripId });
    expect(cap.errors?.[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'capacity' });
  });

  it('templates, packages, blackouts and promotions take effect at once', async () => {
    const a = as(admin);
    const tpl = await a(`mutation { adminUpsertPackageTemplate(input: { name: "港岛一日通", validityDays: 1, lines: [{ name: "城巴乘车（两次）", merchantId: "4", scope: "PER_PASSENGER", uses: 2 }, { name: "行李寄存（全单共享）", merchantId: "6", scope: "SHARED", uses: 1 }] }) }`);
    const pkg = await a(`mutation($t: ID!) { adminUpsertProduct(input: { kind: "PACKAGE", name: "港岛一日通", templateId: $t, cityId: "1", refundRuleId: "3", enabled: true, dailyQuota: 50 }) }`, { t: tpl.data.adminUpsertPackageTemplate });
    await a(`mutation($p: ID!) { adminSetFareTiers(productId: $p, tiers: [{ passengerType: ADULT, minQty: 1, unitPrice: 3000 }]) }`, { p: pkg.data.adminUpsertProduct });
    const date = hkDate(6);
    const q = `query($d: String!) { searchOffers(input: { origin: "SZX", destination: "HKG", date: $d }) { blackout offers { productName available entitlements { name scope } } } }`;
    const found = (await s.gql(q, { d: date })).data.searchOffers.offers.find((o: any) => o.productName === '港岛一日通');
    expect(found).toMatchObject({ available: 50, entitlements: [{ name: '城巴乘车（两次）', scope: 'PER_PASSENGER' }, { name: '行李寄存（全单共享）', scope: 'SHARED' }] });

    const bo = await a(`mutation($d: String!, $p: ID!) { adminAddBlackoutDate(date: $d, productId: $p, reason: "维护") }`, { d: date, p: pkg.data.adminUpsertProduct });
    expect(bo.errors).toBeUndefined();
    expect((await s.gql(q, { d: date })).data.searchOffers.offers.some((o: any) => o.productName === '港岛一日通')).toBe(false);
    await a(`mutation($id: ID!) { adminRemoveBlackoutDate(id: $id) }`, { id: bo.data.adminAddBlackoutDate });
    expect((await s.gql(q, { d: date })).data.searchOffers.offers.some((o: any) => o.productName === '港岛一日通')).toBe(true);

    const now = Date.now();
    const promo = await a(`mutation($s: DateTimeISO!, $e: DateTimeISO!) { adminUpsertPromotion(input: { code: "WELCOME5", name: "新客立减5元", kind: "AMOUNT", value: 500, startsAt: $s, endsAt: $e, productIds: [101], usageCap: 100, enabled: true }) }`,
      { s: new Date(now - 60_000).toISOString(), e: new Date(now + 86_400_000).toISOString() });
    expect(promo.errors).toBeUndefined();
    const order = await s.gql(`mutation { createOrder(input: { items: [{ productId: "101" }], promotionCode: "welcome5" }) { totalAmount discountAmount } }`);
    expect(order.data.createOrder).toEqual({ totalAmount: 3700, discountAmount: 500 });
  });

  it('settings change the next order (seat hold of 5 minutes), and the audit log shows every change', async () => {
    const a = as(admin);
    const set = await a(`mutation { adminUpdateSettings(input: { lockDurationMinutes: 5 }) { lockDurationMinutes maxPassengersPerOrder } }`);
    expect(set.data.adminUpdateSettings).toEqual({ lockDurationMinutes: 5, maxPassengersPerOrder: 9 });
    const bad = await a(`mutation { adminUpdateSettings(input: { lockDurationMinutes: 0 }) { lockDurationMinutes } }`);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'lockDurationMinutes' });
    const o = (await s.rest('POST', '/orders', { items: [{ product_id: 102, qty: 1 }] })).body;
    const holdMs = new Date(o.lock_expire_at).getTime() - Date.now();
    expect(holdMs).toBeGreaterThan(4.5 * 60_000);
    expect(holdMs).toBeLessThan(5.5 * 60_000);
    await a(`mutation { adminUpdateSettings(input: { lockDurationMinutes: 10 }) { lockDurationMinutes } }`);

    const audit = await a(`{ adminAuditLog(limit: 200) { total items { actor action entityType entityId before after } } }`);
    const entries = audit.data.adminAuditLog.items;
    expect(entries.some((e: any) => e.entityType === 'setting' && e.before.lockDurationMinutes === 10 && e.after.lockDurationMinutes === 5)).toBe(true);
    expect(entries.some((e: any) => e.entityType === 'product' && e.action === 'set_fares' && e.entityId === '3')).toBe(true);
    expect(entries.some((e: any) => e.entityType === 'city' && e.action === 'create' && e.after.code === 'ZHO')).toBe(true);
    expect(entries.every((e: any) => e.actor === 'admin')).toBe(true);
  });

  it('adminMetrics counts what happened', async () => {
    const before = (await as(operator)(`{ adminMetrics { ordersByStatus { key count } conversion { created paid } salesByDay { amount } } }`)).data.adminMetrics;
    const o = (await s.rest('POST', '/orders', { items: [{ product_id: 101, qty: 2 }] })).body;
    await s.rest('POST', '/payments/notify', { order_id: o.order_id, gateway_txn_id: `ADM-${Date.now()}`, status: 'SUCCESS', amount: o.total_amount }, null);
    const after = (await as(operator)(`{ adminMetrics { ordersByStatus { key count } ticketsByStatus { key count } conversion { created paid rate } salesByDay { date amount orders } salesByProduct { productId amount } outbox { pending dead } paymentAnomalies } }`)).data.adminMetrics;
    expect(after.conversion.created).toBe(before.conversion.created + 1);
    expect(after.conversion.paid).toBe(before.conversion.paid + 1);
    const sum = (rows: any[]) => rows.reduce((x, r) => x + r.amount, 0);
    expect(sum(after.salesByDay)).toBe(sum(before.salesByDay) + o.total_amount);
    expect(after.ticketsByStatus.find((t: any) => t.key === 'ACTIVE').count).toBeGreaterThanOrEqual(3);
    expect(after.salesByProduct.find((p: any) => p.productId === '101').amount).toBeGreaterThanOrEqual(o.total_amount);
    // The same counters on Prometheus /metrics, with GraphQL latency by operation.
    const text = await fetch(`${s.url}/metrics`).then((r) => r.text());
    const paid = after.ordersByStatus.find((x: any) => x.key === 'PAID').count;
    expect(text).toMatch(new RegExp(`deeptravel_orders\\{status="PAID"\\} ${paid}`));
    expect(text).toContain('graphql_operation_duration_seconds_bucket');
    expect(text).toMatch(/deeptravel_tickets\{status="ACTIVE"\} \d+/);
  });

  it('merchants, terminals and staff: a new terminal works with its one-time key; disabling it ends its tokens at once', async () => {
    const a = as(admin);
    const m = await a(`mutation { adminUpsertMerchant(code: "PEAKTRAM", name: "山顶缆车", kind: "ATTRACTION") }`);
    const merchantId = m.data.adminUpsertMerchant;
    const t = await a(`mutation($m: ID!) { adminRegisterTerminal(merchantId: $m, code: "PEAK-GATE1", name: "山顶闸口1") { id code key } }`, { m: merchantId });
    expect(t.data.adminRegisterTerminal.key.length).toBeGreaterThanOrEqual(16);
    const staff = await a(`mutation($m: ID!) { adminCreateStaff(merchantId: $m, username: "peak-staff", displayName: "阿明", role: "STAFF", password: "peak-pass-1") }`, { m: merchantId });
    expect(staff.errors).toBeUndefined();
    const token = await staffLogin(s, 'peak-staff', 'PEAK-GATE1', 'peak-pass-1', t.data.adminRegisterTerminal.key);
    expect((await s.gql(`{ staffMe { merchantName terminalCode } }`, {}, token)).data.staffMe).toEqual({ merchantName: '山顶缆车', terminalCode: 'PEAK-GATE1' });
    await a(`mutation($id: ID!) { adminSetTerminalEnabled(id: $id, enabled: false) }`, { id: t.data.adminRegisterTerminal.id });
    const after = await s.gql(`{ staffMe { merchantName } }`, {}, token);
    expect(['UNAUTHENTICATED', 'TERMINAL_DISABLED']).toContain(after.errors?.[0].extensions.code);
    const list = await as(operator)(`query($m: ID!) { adminTerminals(merchantId: $m) { code enabled } adminStaff(merchantId: $m) { username role } }`, { m: merchantId });
    expect(list.data).toEqual({ adminTerminals: [{ code: 'PEAK-GATE1', enabled: false }], adminStaff: [{ username: 'peak-staff', role: 'STAFF' }] });
    expect((await as(operator)(`mutation { adminUpsertMerchant(code: "NOPE", name: "x", kind: "ATTRACTION") }`)).errors?.[0].extensions.code).toBe('FORBIDDEN');
  });
});
