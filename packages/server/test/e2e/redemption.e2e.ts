import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, sign } from 'node:crypto';
import { assembleQrToken, parseQrToken, qrSignedPart } from '@deeptravel/shared';
import { WebSocket } from 'ws';
import pg from 'pg';
import { createClient } from 'graphql-ws';
import { hkDate, startTestServer, type TestServer } from '../support/harness.js';
import { redeemTxOptions } from '../../src/modules/redemption/redemption.service.js';
import { redemptionRepository } from '../../src/modules/redemption/redemption.repository.js';
import { waitFor } from '../support/lb-cluster.js';
import {
  buyPaid, DEMO_PASSWORD, SCAN, DEMO_TERMINAL_KEY, LOGS, qrOf, redeem, scan, scanAndRedeem, STAFF_LOGIN, staffLogin, subscribeFeed,
} from '../support/redemption-fixtures.js';

/** Issue 6: merchant staff and terminals, scan, item-by-item redeem, logs and the live feed, over HTTP and WebSocket. */
describe('merchant redemption', () => {
  let s: TestServer;
  const tok: Record<string, string> = {};
  beforeAll(async () => {
    s = await startTestServer();
    tok.turbojet = await staffLogin(s, 'turbojet-staff', 'TURBOJET-T1');
    tok.turbojetMgr = await staffLogin(s, 'turbojet-manager', 'TURBOJET-T2');
    tok.citybus = await staffLogin(s, 'citybus-staff', 'CITYBUS-T1');
    tok.np360 = await staffLogin(s, 'np360-staff', 'NP360-T1');
    tok.luggage = await staffLogin(s, 'luggage-staff', 'LUGGAGE-T1');
  });
  afterAll(async () => {
    await s?.close();
  });

  const logRows = (where: string, params: unknown[] = []) => s.app.db.query<any>(`SELECT * FROM redemption_log WHERE ${where} ORDER BY id`, params);

  it('logs staff in only on a registered terminal of their own merchant, with the right password', async () => {
    const login = (input: Record<string, string>) =>
      s.gql(STAFF_LOGIN, { input: { username: 'turbojet-staff', terminalCode: 'TURBOJET-T1', password: DEMO_PASSWORD, terminalKey: DEMO_TERMINAL_KEY, ...input } }, null);
    expect((await login({ password: 'wrong' })).errors?.[0].extensions.code).toBe('INVALID_CREDENTIALS');
    expect((await login({ username: 'nobody' })).errors?.[0].extensions.code).toBe('INVALID_CREDENTIALS');
    expect((await login({ terminalKey: 'stolen-phone' })).errors?.[0].extensions.code).toBe('INVALID_CREDENTIALS');
    expect((await login({ terminalCode: 'CITYBUS-T1' })).errors?.[0].extensions.code).toBe('FORBIDDEN');
    const ok = await login({ username: 'TurboJet-Staff ' });
    expect(ok.data.staffLogin.staff).toMatchObject({ username: 'turbojet-staff', role: 'STAFF', merchantId: '2', terminalCode: 'TURBOJET-T1' });
    expect(ok.data.staffLogin.token).toMatch(/^v1\./);
    // The password is stored as an scrypt hash, never in clear.
    const [row] = await s.app.db.query<{ password_hash: string }>(`SELECT password_hash FROM merchant_staff WHERE username = 'turbojet-staff'`);
    expect(row.password_hash).toMatch(/^scrypt\$/);

    const me = await s.gql('{ staffMe { username merchantName terminalCode role } }', {}, tok.turbojetMgr);
    expect(me.data.staffMe).toEqual({ username: 'turbojet-manager', merchantName: '喷射飞航 TurboJET', terminalCode: 'TURBOJET-T2', role: 'MANAGER' });
    // A traveller is not staff, and staff are not travellers.
    expect((await s.gql('{ staffMe { username } }', {}, 'user123')).errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await s.gql('{ myTickets { code } }', {}, tok.turbojet)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('3-in-1 pass: each line is redeemed by its own merchant; the ticket becomes REDEEMED and the order COMPLETED', async () => {
    const { orderId, tickets } = await buyPaid(s);
    const [main, shared] = tickets;
    const payload = await qrOf(s, main.ticket_code);

    // TurboJET sees its own line with its usage, and the others by name only.
    const sc = await scan(s, tok.turbojet, payload);
    expect(sc.errors).toBeUndefined();
    const r = sc.data.scanCode;
    expect(r).toMatchObject({ kind: 'TICKET', ref: main.ticket_code, allowed: true, reason: null });
    expect(r.tickets).toHaveLength(1);
    expect(r.tickets[0]).toMatchObject({ code: main.ticket_code, status: 'ACTIVE', passengerName: '旅客1', redeemable: true });
    expect(r.tickets[0].lines.map((l: any) => [l.merchantName, l.own, l.usesLeft, l.redeemable, l.reason])).toEqual([
      ['喷射飞航 TurboJET', true, 1, true, null],
      ['城巴 Citybus', false, null, false, 'OTHER_MERCHANT'],
      ['昂坪360', false, null, false, 'OTHER_MERCHANT'],
    ]);
    const ferryLine = r.tickets[0].lines[0];
    const red = await redeem(s, tok.turbojet, r.scanNonce, r.tickets[0].id, ferryLine.id);
    expect(red.errors).toBeUndefined();
    expect(red.data.redeem).toMatchObject({
      ticketCode: main.ticket_code, lineName: '港澳船票（单程一次）', usesLeft: 0, usesTotal: 1, ticketStatus: 'ACTIVE',
      terminalCode: 'TURBOJET-T1', staffUsername: 'turbojet-staff', replayed: false, passengerName: '旅客1', productName: '3-in-1 Transport Pass',
    });

    // Citybus and Ngong Ping redeem theirs (the same live code, shown again a moment later).
    expect(await scanAndRedeem(s, tok.citybus, await qrOf(s, main.ticket_code))).toMatchObject({ lineName: '城巴乘车（一次）', ticketStatus: 'ACTIVE' });
    const last = await scanAndRedeem(s, tok.np360, await qrOf(s, main.ticket_code));
    expect(last).toMatchObject({ lineName: '昂坪360缆车（入场一次）', usesLeft: 0, ticketStatus: 'REDEEMED' });
    const [t] = await s.app.db.query<any>('SELECT status FROM ticket WHERE code = $1', [main.ticket_code]);
    expect(t.status).toBe('REDEEMED');
    const history = await s.app.db.query<any>(`SELECT from_state, to_state, actor, reason FROM state_transition WHERE entity_type = 'ticket' AND entity_id = $1`, [r.tickets[0].id]);
    expect(history).toEqual([expect.objectContaining({ from_state: 'ACTIVE', to_state: 'REDEEMED', reason: 'ALL_LINES_USED', actor: expect.stringMatching(/^staff:\d+@NP360-T1$/) })]);

    // The shared luggage entitlement (共享权益) at the luggage counter: the last ticket of the order.
    const lug = await scanAndRedeem(s, tok.luggage, await qrOf(s, shared.ticket_code));
    expect(lug).toMatchObject({ lineName: '行李寄存（全单共享一次）', ticketStatus: 'REDEEMED', passengerName: null });
    const [o] = await s.app.db.query<any>('SELECT status FROM orders WHERE id = $1', [orderId]);
    expect(o.status).toBe('COMPLETED');

    // Each redemption left one row, one ALLOWED log entry and one outbox event for the traveller's notification.
    const uses = await s.app.db.query<any>('SELECT count(*)::int AS n FROM redemption WHERE ticket_id = ANY($1::int[])', [[r.tickets[0].id]]);
    expect(uses[0].n).toBe(3);
    const events = await s.app.db.query<any>(`SELECT payload FROM outbox_event WHERE topic = 'redemption.recorded' AND payload->>'ticketCode' = $1 ORDER BY id`, [main.ticket_code]);
    expect(events.map((e: any) => [e.payload.merchantName, e.payload.lineName, e.payload.terminal])).toEqual([
      ['喷射飞航 TurboJET', '港澳船票（单程一次）', 'TURBOJET-T1'],
      ['城巴 Citybus', '城巴乘车（一次）', 'CITYBUS-T1'],
      ['昂坪360', '昂坪360缆车（入场一次）', 'NP360-T1'],
    ]);
    expect(events[0].payload.travellerId).toEqual(expect.any(Number));
  });

  it('two last lines of a ticket in two transactions at once: the second reads "other lines left" after the first commits, so the ticket ends REDEEMED', async () => {
    // Concurrent redeems over HTTP usually share one group transaction; this drives two transactions
    // directly, the way two groups in flight would meet. The second waits on the order lock its BEGIN
    // took (redeemTxOptions) and only then reads the ticket's other lines: without that lock first it
    // would wait on the ticket row instead, with a snapshot from before the first commit, and count
    // the first line as still open.
    const { tickets } = await buyPaid(s);
    const code = tickets[0].ticket_code;
    const [t] = await s.app.db.query<any>('SELECT id FROM ticket WHERE code = $1', [code]);
    const lines = await s.app.db.query<any>(
      `SELECT l.id, l.merchant_id, (SELECT id FROM terminal WHERE merchant_id = l.merchant_id ORDER BY id LIMIT 1) AS terminal_id,
              (SELECT id FROM merchant_staff WHERE merchant_id = l.merchant_id ORDER BY id LIMIT 1) AS staff_id
         FROM ticket_line l WHERE l.ticket_id = $1 ORDER BY l.id`,
      [t.id],
    );
    expect(lines).toHaveLength(3);
    const job = (l: any, nonce: string) => ({
      k: 0, ticketId: Number(t.id), lineId: Number(l.id), merchantId: Number(l.merchant_id), terminalId: Number(l.terminal_id), staffId: Number(l.staff_id),
      now: new Date(), ref: code, codes: [], tripId: null, scanNonce: nonce, qrStep: 0, qrTyp: 'T', event: {},
    });
    const options = redeemTxOptions([Number(t.id)]);
    const first = await s.app.db.tx((sql) => redemptionRepository.redeemAndRecord(sql, [job(lines[0], 'tx-first')], null), options);
    expect(first[0]).toMatchObject({ usesLeft: 0, otherLinesLeft: 2 });

    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let tookA!: () => void;
    const aTook = new Promise<void>((r) => (tookA = r));
    const a = s.app.db.tx(async (sql) => {
      const rows = await redemptionRepository.redeemAndRecord(sql, [job(lines[1], 'tx-a')], null);
      tookA();
      await held;
      return rows;
    }, options);
    await aTook;
    const b = s.app.db.tx((sql) => redemptionRepository.redeemAndRecord(sql, [job(lines[2], 'tx-b')], null), options);
    await waitFor('the second transaction to wait for a lock', async () => {
      const [w] = await s.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
      return w.n > 0;
    }, 10_000);
    release();
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra[0]).toMatchObject({ usesLeft: 0, otherLinesLeft: 1 });
    expect(rb[0]).toMatchObject({ usesLeft: 0, otherLinesLeft: 0 });
  });

  it('refuses the wrong merchant, even with a valid code and the right ids in hand', async () => {
    const { tickets } = await buyPaid(s);
    const payload = await qrOf(s, tickets[0].ticket_code);
    const turbo = (await scan(s, tok.turbojet, payload)).data.scanCode;
    const ferryLineId = turbo.tickets[0].lines.find((l: any) => l.own).id;
    // Citybus scans the same code, then tries to redeem TurboJET's line with its own scan.
    const city = (await scan(s, tok.citybus, payload)).data.scanCode;
    const wrong = await redeem(s, tok.citybus, city.scanNonce, city.tickets[0].id, ferryLineId);
    expect(wrong.errors?.[0].extensions.code).toBe('OTHER_MERCHANT');
    // Nor can it use TurboJET's scan nonce (scans belong to the terminal that made them).
    const stolen = await redeem(s, tok.citybus, turbo.scanNonce, turbo.tickets[0].id, ferryLineId);
    expect(stolen.errors?.[0].extensions.code).toBe('SCAN_NOT_FOUND');
    const [line] = await s.app.db.query<any>('SELECT uses_left FROM ticket_line WHERE id = $1', [ferryLineId]);
    expect(line.uses_left).toBe(1);
    // A code whose tickets hold no line of this merchant: nothing to redeem, no passenger name.
    const lug = (await scan(s, tok.turbojet, await qrOf(s, tickets[1].ticket_code))).data.scanCode;
    expect(lug).toMatchObject({ allowed: false, reason: 'OTHER_MERCHANT' });
    expect(lug.tickets[0]).toMatchObject({ passengerName: null, redeemable: false, reason: 'OTHER_MERCHANT' });
    const denied = await logRows(`action = 'REDEEM' AND result = 'DENIED' AND reason = 'OTHER_MERCHANT'`);
    expect(denied.length).toBeGreaterThanOrEqual(1);
  });

  it('refuses forged, tampered, unknown-key, malformed and stale codes with a coded reason, and logs each', async () => {
    const { tickets } = await buyPaid(s);
    const good = await qrOf(s, tickets[0].ticket_code);
    const parsed = parseQrToken(good)!;
    const [prefix, claims, signature, rotating] = good.split('.');
    const codeOf = async (payload: string) => (await scan(s, tok.turbojet, payload)).errors?.[0].extensions.code;

    // Tampered: the claims now name another ticket, the signature is the original one.
    const otherClaims = qrSignedPart({ ...parsed.claims, ref: 'TKT-AAAAAAAAAA' }).split('.')[1];
    expect(await codeOf([prefix, otherClaims, signature, rotating].join('.'))).toBe('QR_BAD_SIGNATURE');
    // Forged: well-formed claims signed with a key that is not ours, under our key id.
    const { privateKey } = generateKeyPairSync('ed25519');
    const signedPart = qrSignedPart(parsed.claims);
    const forged = assembleQrToken(signedPart, new Uint8Array(sign(null, Buffer.from(signedPart), privateKey)), rotating);
    expect(await codeOf(forged)).toBe('QR_BAD_SIGNATURE');
    // A key id we do not hold.
    const unknownKid = qrSignedPart({ ...parsed.claims, kid: 'k-old' });
    expect(await codeOf(assembleQrToken(unknownKid, new Uint8Array(sign(null, Buffer.from(unknownKid), privateKey)), rotating))).toBe('QR_UNKNOWN_KEY');
    expect(await codeOf('TKT-NOT-A-QR')).toBe('QR_MALFORMED');
    expect(await codeOf([prefix, claims, signature, 'AAAAAAAA'].join('.'))).toBe('QR_STALE');
    // A screenshot from three minutes ago: the rotating part is stale.
    s.clock.advance(3 * 60_000);
    try {
      expect(await codeOf(good)).toBe('QR_STALE');
    } finally {
      s.clock.advance(-3 * 60_000);
    }
    const denied = await logRows(`action = 'SCAN' AND result = 'DENIED' AND reason LIKE 'QR_%'`);
    const reasons = denied.map((d: any) => d.reason);
    expect(reasons.sort()).toEqual(['QR_BAD_SIGNATURE', 'QR_BAD_SIGNATURE', 'QR_MALFORMED', 'QR_STALE', 'QR_STALE', 'QR_UNKNOWN_KEY']);
    // A refused code gets no scan nonce: nothing can be redeemed with it.
    expect(denied.every((d: any) => d.scan_nonce === null && d.staff_id && d.terminal_id)).toBe(true);
    // The valid code still works afterwards.
    expect((await scan(s, tok.turbojet, await qrOf(s, tickets[0].ticket_code))).data.scanCode.allowed).toBe(true);
  });

  it('a repeat with the same scan nonce returns the first result; a replayed screenshot cannot use a line twice', async () => {
    // Product 102: the Citybus line has two uses (城巴一日乘车（两次）).
    const { tickets } = await buyPaid(s, { productId: 102 });
    const code = tickets[0].ticket_code;
    const payload = await qrOf(s, code);
    const first = (await scan(s, tok.citybus, payload)).data.scanCode;
    const line = first.tickets[0].lines.find((l: any) => l.own);
    expect(line).toMatchObject({ usesTotal: 2, usesLeft: 2, redeemable: true });

    const a = await redeem(s, tok.citybus, first.scanNonce, first.tickets[0].id, line.id);
    // The gate's network dropped: the app sends the very same request again, five times at once.
    const again = await Promise.all(Array.from({ length: 5 }, () => redeem(s, tok.citybus, first.scanNonce, first.tickets[0].id, line.id)));
    expect(a.data.redeem).toMatchObject({ usesLeft: 1, replayed: false });
    for (const r of again) expect(r.data.redeem).toMatchObject({ id: a.data.redeem.id, usesLeft: 1, replayed: true });
    const [row] = await s.app.db.query<any>('SELECT uses_left FROM ticket_line WHERE id = $1', [line.id]);
    expect(row.uses_left).toBe(1);

    // The same code scanned again (a screenshot passed on): that line is refused as replayed.
    const replay = (await scan(s, tok.citybus, payload)).data.scanCode;
    expect(replay.tickets[0].lines.find((l: any) => l.own)).toMatchObject({ usesLeft: 1, redeemable: false, reason: 'REPLAYED_CODE' });
    const refused = await redeem(s, tok.citybus, replay.scanNonce, replay.tickets[0].id, line.id);
    expect(refused.errors?.[0].extensions.code).toBe('REPLAYED_CODE');

    // Thirty seconds later the traveller's live code has rotated: the second ride is fine.
    s.clock.advance(31_000);
    const second = (await scan(s, tok.citybus, await qrOf(s, code))).data.scanCode;
    const ok = await redeem(s, tok.citybus, second.scanNonce, second.tickets[0].id, line.id);
    expect(ok.data.redeem).toMatchObject({ usesLeft: 0, replayed: false });
    // And a third: ALREADY_REDEEMED, naming when and where.
    s.clock.advance(31_000);
    const third = (await scan(s, tok.citybus, await qrOf(s, code))).data.scanCode;
    const own = third.tickets[0].lines.find((l: any) => l.own);
    expect(own).toMatchObject({ reason: 'ALREADY_REDEEMED', lastRedeemedTerminal: 'CITYBUS-T1' });
    const no = await redeem(s, tok.citybus, third.scanNonce, third.tickets[0].id, line.id);
    expect(no.errors?.[0].extensions).toMatchObject({ code: 'ALREADY_REDEEMED', terminalCode: 'CITYBUS-T1', redeemedAt: ok.data.redeem.at });
    expect(no.errors?.[0].message).toMatch(/Already redeemed at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(HKT\) on CITYBUS-T1/);
  });

  it('queued redeems are committed as a group: one transaction for several uses, each with its log row and its event', async () => {
    // Groups are made to form deterministically: the first blocker's transaction waits on a held order
    // row; the second blocker does not take the free slot as a group of one (fewer than 16 wait while
    // a group is in flight), and the next redeems queue up behind it; all go together once it is done.
    const blocked = await buyPaid(s, { qty: 2 });
    const queued = await buyPaid(s, { qty: 6 });
    const scanned = async (tickets: any[]) => {
      const out = [];
      for (const t of tickets.filter((x: any) => !x.shared)) {
        const sc = (await scan(s, tok.turbojet, await qrOf(s, t.ticket_code))).data.scanCode;
        out.push({ code: t.ticket_code as string, nonce: sc.scanNonce as string, ticketId: sc.tickets[0].id, lineId: sc.tickets[0].lines.find((l: any) => l.own).id });
      }
      return out;
    };
    const blockers = await scanned(blocked.tickets);
    const rest = await scanned(queued.tickets);
    expect(blockers).toHaveLength(2);
    expect(rest).toHaveLength(6);
    const holder = new pg.Client({ connectionString: s.config.DATABASE_URL });
    await holder.connect();
    let answers: any[];
    let blockerResults: any[];
    let grouping: { groups: number; groupedJobs: number; alone: number };
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM orders WHERE id = $1 FOR UPDATE', [blocked.orderId]);
      const blockerAnswers = Promise.all(blockers.map((b) => redeem(s, tok.turbojet, b.nonce, b.ticketId, b.lineId)));
      await waitFor('a redeem waiting on the held order row', async () => {
        const [{ n }] = await s.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
        return n === 1;
      }, 20_000);
      await waitFor('the second blocker queued, not started alone', async () => s.app.services.redemption.redeemsAwaitingGroupCommit === 1, 20_000);
      const restAnswers = Promise.all(rest.map((b) => redeem(s, tok.turbojet, b.nonce, b.ticketId, b.lineId)));
      await waitFor('7 redeems queued for a group commit', async () => s.app.services.redemption.redeemsAwaitingGroupCommit === 7, 20_000);
      const before = s.app.services.redemption.redeemGroupCommitStats;
      await holder.query('COMMIT');
      blockerResults = await blockerAnswers;
      answers = await restAnswers;
      const after = s.app.services.redemption.redeemGroupCommitStats;
      grouping = { groups: after.groups - before.groups, groupedJobs: after.groupedJobs - before.groupedJobs, alone: after.alone - before.alone };
    } finally {
      await holder.end();
    }
    expect(answers.map((a) => a.errors ?? null)).toEqual(rest.map(() => null));
    expect(blockerResults.map((a) => a.errors ?? null)).toEqual([null, null]);
    // (The first blocker had started alone before.) The second went with the six queued behind it, in one group.
    expect(grouping).toEqual({ groups: 1, groupedJobs: 7, alone: 0 });
    // Operators see the same counters on /metrics.
    const metrics = await fetch(`${s.url}/metrics`).then((r) => r.text());
    const grouped = Number(/^deeptravel_group_commit_jobs_total\{committer="redeems",mode="grouped"\} (\d+)$/m.exec(metrics)?.[1]);
    expect(grouped).toBeGreaterThanOrEqual(7);
    expect(metrics).toMatch(/^deeptravel_group_commit_transactions_total\{committer="orders",result="committed"\} \d+$/m);
    const ids = answers.map((a) => Number(a.data.redeem.id));
    // One transaction for the queued uses: their rows share xmin.
    const groups = await s.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM redemption WHERE id = ANY($1::int[]) GROUP BY xmin::text`, [ids]);
    expect(groups).toEqual([{ n: 6 }]);
    const logs = await s.app.db.query<any>(`SELECT redemption_id FROM redemption_log WHERE redemption_id = ANY($1::int[]) AND result = 'ALLOWED'`, [ids]);
    expect(logs.map((l: any) => l.redemption_id).sort()).toEqual([...ids].sort());
    const events = await s.app.db.query<any>(
      `SELECT payload FROM outbox_event WHERE topic = 'redemption.recorded' AND (payload->>'redemptionId')::int = ANY($1::int[])`, [ids],
    );
    const byId = new Map(events.map((e: any) => [e.payload.redemptionId, e.payload]));
    expect(events).toHaveLength(6);
    answers.forEach((a, i) => {
      expect(byId.get(ids[i])).toMatchObject({
        ticketCode: rest[i].code, lineId: Number(rest[i].lineId), orderId: queued.orderId, usesLeft: 0, terminal: 'TURBOJET-T1', merchantName: '喷射飞航 TurboJET',
      });
    });
  }, 60_000);

  it('20 concurrent redeems of one line from two terminals: exactly one success, the rest ALREADY_REDEEMED', async () => {
    const { tickets } = await buyPaid(s);
    const payload = await qrOf(s, tickets[0].ticket_code);
    const tokens = Array.from({ length: 20 }, (_, i) => (i % 2 ? tok.turbojetMgr : tok.turbojet));
    const scans = [];
    for (const t of tokens) scans.push((await scan(s, t, payload)).data.scanCode);
    const ticketId = scans[0].tickets[0].id;
    const lineId = scans[0].tickets[0].lines.find((l: any) => l.own).id;
    const results = await Promise.all(scans.map((sc, i) => redeem(s, tokens[i], sc.scanNonce, ticketId, lineId)));
    const ok = results.filter((r) => r.data?.redeem);
    const refused = results.filter((r) => r.errors);
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(19);
    const winner = ok[0].data.redeem;
    for (const r of refused) {
      expect(r.errors![0].extensions).toMatchObject({ code: 'ALREADY_REDEEMED', terminalCode: winner.terminalCode, redeemedAt: winner.at });
    }
    const [line] = await s.app.db.query<any>('SELECT uses_left FROM ticket_line WHERE id = $1', [lineId]);
    expect(line.uses_left).toBe(0);
    const uses = await s.app.db.query<any>('SELECT count(*)::int AS n FROM redemption WHERE ticket_line_id = $1', [lineId]);
    expect(uses[0].n).toBe(1);
    const attempts = await logRows(`action = 'REDEEM' AND ticket_id = $1 AND ticket_line_id = $2`, [ticketId, lineId]);
    expect(attempts.filter((a: any) => a.result === 'ALLOWED')).toHaveLength(1);
    expect(attempts.filter((a: any) => a.result === 'DENIED' && a.reason === 'ALREADY_REDEEMED')).toHaveLength(19);
  });

  it('ferry gate: departures with expected/boarded counts, another trip refused (WRONG_DEPARTURE), counts live and exact under concurrency', async () => {
    const DEPARTURES = `query($d: String) { departures(date: $d) { tripId routeCode mode originZh destinationZh departureAt expected boarded } }`;
    const day = hkDate(1);
    const list = async (token: string) => (await s.gql(DEPARTURES, { d: day }, token)).data.departures as any[];
    const deps = await list(tok.turbojet);
    // TurboJET's two routes, 7 sailings each, earliest first; nothing of another operator.
    expect(deps).toHaveLength(14);
    expect(new Set(deps.map((d) => d.routeCode))).toEqual(new Set(['MO-HK', 'HK-MO']));
    expect(deps.map((d) => d.departureAt)).toEqual([...deps.map((d) => d.departureAt)].sort());
    const hkMo = deps.filter((d) => d.routeCode === 'HK-MO');
    const [a, b] = [hkMo[1], hkMo[2]]; // 09:30 and 11:00
    expect(a).toMatchObject({ mode: 'FERRY', originZh: '香港上环港澳码头', expected: 0, boarded: 0 });
    expect((await list(tok.citybus)).some((d) => d.tripId === a.tripId)).toBe(false);
    expect((await s.gql(DEPARTURES, { d: 'tomorrow' }, tok.turbojet)).errors?.[0].extensions.code).toBe('BAD_USER_INPUT');

    const buy = async (tripId: string, qty: number) => {
      const order = await s.rest('POST', '/orders', { items: [{ product_id: 4, trip_id: Number(tripId), qty }] }, 'user123');
      if (order.status !== 200) throw new Error(JSON.stringify(order.body));
      await s.rest('POST', '/payments/notify', { order_id: order.body.order_id, gateway_txn_id: `T-dep-${tripId}-${Date.now()}`, status: 'SUCCESS', amount: order.body.total_amount }, null);
      const mine = await s.rest('GET', '/my/tickets', undefined, 'user123');
      return mine.body.tickets.filter((t: any) => t.order_id === order.body.order_id).map((t: any) => t.ticket_code as string);
    };
    const onA = await buy(a.tripId, 4);
    const [onB] = await buy(b.tripId, 1);
    const { tickets: pass } = await buyPaid(s, { travelDate: day });
    expect((await list(tok.turbojet)).find((d) => d.tripId === a.tripId)).toMatchObject({ expected: 4, boarded: 0 });
    // Another merchant's departure cannot be picked.
    const other = await s.gql(`query($t: ID!) { departure(tripId: $t) { tripId } }`, { t: a.tripId }, tok.citybus);
    expect(other.errors?.[0].extensions.code).toBe('TRIP_NOT_FOUND');

    // The morning of the sailing (09:00 HKT tomorrow): new shift tokens.
    const shift = new Date(`${day}T09:00:00+08:00`).getTime() - s.clock.now().getTime();
    s.clock.advance(shift);
    try {
      const t1 = await staffLogin(s, 'turbojet-staff', 'TURBOJET-T1');
      const t2 = await staffLogin(s, 'turbojet-manager', 'TURBOJET-T2');
      const SCAN_AT = `mutation($p: String!, $t: ID) { scanCode(payload: $p, tripId: $t) {
        scanNonce allowed reason departureTripId tickets { id code tripId departureAt redeemable reason lines { id own redeemable reason } } } }`;
      const scanAt = async (token: string, code: string, tripId: string | null) => {
        const r = await s.gql(SCAN_AT, { p: await qrOf(s, code), t: tripId }, token);
        if (r.errors) throw new Error(JSON.stringify(r.errors));
        return r.data.scanCode;
      };
      // The live count of departure A, from a second terminal of the merchant.
      const ws = createClient({ url: s.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${t2}` }, retryAttempts: 0 });
      const counts: any[] = [];
      const stop = ws.subscribe(
        { query: `subscription($t: ID!) { departureBoarding(tripId: $t) { tripId expected boarded } }`, variables: { t: a.tripId } },
        { next: (v) => counts.push(v.data?.departureBoarding ?? v.errors), error: (e) => counts.push(e), complete: () => undefined },
      );
      const until = async (ok: () => boolean) => {
        for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
        expect(ok()).toBe(true);
      };
      await until(() => counts.length >= 1);
      expect(counts[0]).toEqual({ tripId: a.tripId, expected: 4, boarded: 0 });

      // B's ticket at A's gate: refused, saying when its own sailing leaves.
      const wrong = await scanAt(t1, onB, a.tripId);
      expect(wrong).toMatchObject({ allowed: false, reason: 'WRONG_DEPARTURE', departureTripId: a.tripId });
      expect(wrong.tickets[0]).toMatchObject({ tripId: b.tripId, departureAt: b.departureAt, redeemable: false, reason: 'WRONG_DEPARTURE' });
      const lineB = wrong.tickets[0].lines[0];
      const refused = await redeem(s, t1, wrong.scanNonce, wrong.tickets[0].id, lineB.id);
      expect(refused.errors?.[0].extensions).toMatchObject({ code: 'WRONG_DEPARTURE', departureTime: '11:00', departureAt: b.departureAt });
      expect(refused.errors?.[0].message).toMatch(/11:00 departure/);
      // A scan made without a departure, redeemed naming one: refused the same; the batch says why per item.
      const plain = (await scan(s, t1, await qrOf(s, onB))).data.scanCode;
      const batch = await s.gql(
        `mutation($n: String!, $items: [RedeemItemInput!]!, $t: ID) { redeemBatch(scanNonce: $n, items: $items, tripId: $t) { redemption { id } error { code departureTime } } }`,
        { n: plain.scanNonce, items: [{ ticketId: plain.tickets[0].id, lineId: lineB.id }], t: a.tripId }, t1,
      );
      expect(batch.data.redeemBatch[0]).toEqual({ redemption: null, error: { code: 'WRONG_DEPARTURE', departureTime: '11:00' } });
      const [lineRow] = await s.app.db.query<any>('SELECT uses_left FROM ticket_line WHERE id = $1', [lineB.id]);
      expect(lineRow.uses_left).toBe(1);
      expect((await logRows(`reason = 'WRONG_DEPARTURE' AND result = 'DENIED'`)).map((r: any) => r.action)).toEqual(['SCAN', 'REDEEM', 'REDEEM']);
      // An unknown or another merchant's departure is refused before anything is read.
      const ctbTrip = (await list(await staffLogin(s, 'ctb-xb-staff', 'CTB-XB-T1')))[0].tripId;
      expect((await s.gql(SCAN_AT, { p: await qrOf(s, onA[0]), t: ctbTrip }, t1)).errors?.[0].extensions.code).toBe('TRIP_NOT_FOUND');
      // A pass (no trip) boards any departure.
      expect((await scanAt(t1, pass[0].ticket_code, a.tripId)).allowed).toBe(true);

      // A's four tickets, each redeemed at once from both terminals (8 requests): 4 boarded, never more.
      const scans = [];
      for (const code of onA) for (const token of [t1, t2]) scans.push({ token, sc: await scanAt(token, code, a.tripId) });
      expect(scans.every(({ sc }) => sc.allowed)).toBe(true);
      const results = await Promise.all(scans.map(({ token, sc }) => redeem(s, token, sc.scanNonce, sc.tickets[0].id, sc.tickets[0].lines[0].id)));
      expect(results.filter((r) => r.data?.redeem)).toHaveLength(4);
      expect(results.filter((r) => r.errors?.[0].extensions.code === 'ALREADY_REDEEMED')).toHaveLength(4);
      // Each use has one notification event naming it (a redeem group writes them with the redemptions).
      const usedIds = results.filter((r) => r.data?.redeem).map((r) => Number(r.data.redeem.id)).sort((x, y) => x - y);
      const usedEvents = await s.app.db.query<any>(
        `SELECT payload FROM outbox_event WHERE topic = 'redemption.recorded' AND (payload->>'redemptionId')::int = ANY($1::int[]) ORDER BY (payload->>'redemptionId')::int`, [usedIds],
      );
      expect(usedEvents.map((e: any) => e.payload.redemptionId)).toEqual(usedIds);
      expect(usedEvents.every((e: any) => onA.includes(e.payload.ticketCode) && typeof e.payload.travellerId === 'number' && e.payload.usesLeft === 0)).toBe(true);
      await until(() => counts.some((c) => c.boarded === 4));
      expect(counts.every((c) => c.boarded <= 4 && c.expected === 4)).toBe(true);
      expect((await list(t1)).find((d) => d.tripId === a.tripId)).toMatchObject({ expected: 4, boarded: 4 });
      expect((await list(t1)).find((d) => d.tripId === b.tripId)).toMatchObject({ expected: 1, boarded: 0 });
      stop();
      await ws.dispose();
    } finally {
      s.clock.advance(-shift);
    }
  });

  it('an order QR lists every ticket; a batch redeems the group at the gate', async () => {
    const { orderId, tickets } = await buyPaid(s, { qty: 3 });
    const q = await s.gql(`query O($id: ID!) { order(id: $id) { qr { payload } } }`, { id: String(orderId) });
    const sc = (await scan(s, tok.turbojet, q.data.order.qr.payload)).data.scanCode;
    expect(sc.kind).toBe('ORDER');
    expect(sc.tickets.map((t: any) => t.code).sort()).toEqual(tickets.map((t: any) => t.ticket_code).sort());
    const items = sc.tickets.filter((t: any) => t.redeemable).map((t: any) => ({ ticketId: t.id, lineId: t.lines.find((l: any) => l.own).id }));
    expect(items).toHaveLength(3);
    const batch = await s.gql(
      `mutation B($n: String!, $items: [RedeemItemInput!]!) { redeemBatch(scanNonce: $n, items: $items) { ticketId lineId redemption { usesLeft replayed } error { code terminalCode } } }`,
      { n: sc.scanNonce, items: [...items, items[0]] },
      tok.turbojet,
    );
    expect(batch.errors).toBeUndefined();
    const out = batch.data.redeemBatch;
    expect(out.slice(0, 3).map((o: any) => o.redemption?.usesLeft)).toEqual([0, 0, 0]);
    // The repeated item (same scan nonce and line) replays the first result.
    expect(out[3].redemption).toMatchObject({ usesLeft: 0, replayed: true });
  });

  it('refuses a ticket with a refund in progress, and one not valid yet', async () => {
    const { tickets } = await buyPaid(s);
    const payload = await qrOf(s, tickets[0].ticket_code);
    await s.app.db.query(`UPDATE ticket SET status = 'REFUNDING' WHERE code = $1`, [tickets[0].ticket_code]);
    const sc = (await scan(s, tok.turbojet, payload)).data.scanCode;
    expect(sc).toMatchObject({ allowed: false, reason: 'REFUND_IN_PROGRESS' });
    const own = sc.tickets[0].lines.find((l: any) => l.own);
    expect((await redeem(s, tok.turbojet, sc.scanNonce, sc.tickets[0].id, own.id)).errors?.[0].extensions.code).toBe('REFUND_IN_PROGRESS');
    await s.app.db.query(`UPDATE ticket SET status = 'ACTIVE' WHERE code = $1`, [tickets[0].ticket_code]);

    const later = await buyPaid(s, { travelDate: hkDate(2, s.clock.now()) });
    const sc2 = (await scan(s, tok.turbojet, await qrOf(s, later.tickets[0].ticket_code))).data.scanCode;
    expect(sc2).toMatchObject({ allowed: false, reason: 'NOT_YET_VALID' });
    const line = sc2.tickets[0].lines.find((l: any) => l.own);
    expect((await redeem(s, tok.turbojet, sc2.scanNonce, sc2.tickets[0].id, line.id)).errors?.[0].extensions.code).toBe('NOT_YET_VALID');
  });

  it('logs: managers see their merchant, staff their own terminal; filters, paging, CSV; no other merchant', async () => {
    const mgr = await s.gql(LOGS, { first: 500 }, tok.turbojetMgr);
    expect(mgr.errors).toBeUndefined();
    const entries = mgr.data.redemptionLogs.entries;
    expect(new Set(entries.map((e: any) => e.terminalCode))).toEqual(new Set(['TURBOJET-T1', 'TURBOJET-T2']));
    const staff = await s.gql(LOGS, { first: 500 }, tok.turbojet);
    expect(staff.data.redemptionLogs.entries.every((e: any) => e.terminalCode === 'TURBOJET-T1')).toBe(true);
    expect(staff.data.redemptionLogs.entries.length).toBeLessThan(entries.length);
    const otherTerminal = await s.gql(LOGS, { filter: { terminalId: entries.find((e: any) => e.terminalCode === 'TURBOJET-T2').terminalId } }, tok.turbojet);
    expect(otherTerminal.errors?.[0].extensions.code).toBe('FORBIDDEN');
    // Denied attempts are there, with their reason; another merchant's lines are never named.
    const denied = await s.gql(LOGS, { filter: { result: 'DENIED', action: 'REDEEM' }, first: 500 }, tok.turbojetMgr);
    expect(denied.data.redemptionLogs.entries.every((e: any) => e.result === 'DENIED' && e.action === 'REDEEM')).toBe(true);
    expect(denied.data.redemptionLogs.entries.map((e: any) => e.reason)).toContain('ALREADY_REDEEMED');
    const citybus = await s.gql(LOGS, { first: 500 }, tok.citybus);
    expect(citybus.data.redemptionLogs.entries.every((e: any) => e.terminalCode === 'CITYBUS-T1')).toBe(true);
    const otherLine = citybus.data.redemptionLogs.entries.find((e: any) => e.reason === 'OTHER_MERCHANT');
    expect(otherLine).toMatchObject({ lineId: null, lineName: null });

    // Paging: newest first, a cursor to the next page, nothing repeated or lost.
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: any = await s.gql(LOGS, { first: 7, after }, tok.turbojetMgr);
      seen.push(...page.data.redemptionLogs.entries.map((e: any) => e.id));
      after = page.data.redemptionLogs.nextCursor;
    } while (after);
    expect(seen).toEqual(entries.map((e: any) => e.id));
    // A date range that ends before everything: nothing.
    const none = await s.gql(LOGS, { filter: { to: '2020-01-01T00:00:00Z' } }, tok.turbojetMgr);
    expect(none.data.redemptionLogs.entries).toEqual([]);

    // CSV, by GraphQL and by REST with the staff token.
    const csv = await s.gql('query C($f: RedemptionLogFilter) { redemptionLogsCsv(filter: $f) }', { f: { result: 'ALLOWED', action: 'REDEEM' } }, tok.turbojetMgr);
    const lines = csv.data.redemptionLogsCsv.trim().split('\r\n');
    expect(lines[0]).toBe('log_id,time_hkt,time_utc,merchant,terminal,terminal_name,staff,action,result,reason,ticket_code,product,line,qr_type,qr_ref,redemption_id');
    expect(lines.length - 1).toBe(entries.filter((e: any) => e.result === 'ALLOWED' && e.action === 'REDEEM').length);
    expect(lines[1]).toMatch(/^\d+,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,.*,喷射飞航 TurboJET,TURBOJET-T[12],.*,REDEEM,ALLOWED,,TKT-/);
    const res = await fetch(`${s.url}/merchant/redemptions.csv?from=${hkDate(-1)}&to=${hkDate(1)}&result=ALLOWED&action=REDEEM`, { headers: { authorization: `Bearer ${tok.turbojetMgr}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="redemptions-\d{4}-\d\d-\d\d\.csv"$/);
    const body = await res.text();
    expect(body.replace(/^\uFEFF/, '')).toBe(csv.data.redemptionLogsCsv);
    expect((await s.rest('GET', '/merchant/redemptions.csv', undefined, 'user123')).status).toBe(403);
    expect((await s.rest('GET', '/merchant/redemptions.csv', undefined, null)).status).toBe(401);
    expect((await s.rest('GET', '/merchant/redemptions.csv?result=MAYBE', undefined, tok.turbojet)).status).toBe(400);
  });

  it('live feed: a console receives its own merchant redemptions as they happen, and nobody else gets them', async () => {
    const turboFeed = await subscribeFeed(s, tok.turbojetMgr);
    const t1Feed = await subscribeFeed(s, tok.turbojet);
    const cityFeed = await subscribeFeed(s, tok.citybus);
    const travellerFeed = await subscribeFeed(s, 'user123');
    try {
      const { tickets } = await buyPaid(s);
      const payload = await qrOf(s, tickets[0].ticket_code);
      const mine = await scanAndRedeem(s, tok.turbojetMgr, payload);
      const [event] = await turboFeed.waitFor(1);
      expect(event).toMatchObject({ id: mine.id, terminalCode: 'TURBOJET-T2', staffUsername: 'turbojet-manager', ticketCode: tickets[0].ticket_code, usesLeft: 0 });
      await scanAndRedeem(s, tok.citybus, payload);
      await cityFeed.waitFor(1);
      await new Promise((r) => setTimeout(r, 200));
      // The manager's console got TurboJET's only; the T1 staff sees their own terminal's only (none here).
      expect(turboFeed.events).toHaveLength(1);
      expect(t1Feed.events).toHaveLength(0);
      expect(cityFeed.events.map((e: any) => e.terminalCode)).toEqual(['CITYBUS-T1']);
      expect(travellerFeed.events).toHaveLength(0);
      expect(JSON.stringify(travellerFeed.errors)).toContain('"code":"FORBIDDEN"');
    } finally {
      await Promise.all([turboFeed.close(), t1Feed.close(), cityFeed.close(), travellerFeed.close()]);
    }
  });

  it('concurrent staff requests share their session reads, and each still gets its own staff and terminal', async () => {
    const expected: Array<[string, string, string]> = [
      ['turbojet', 'turbojet-staff', 'TURBOJET-T1'], ['turbojetMgr', 'turbojet-manager', 'TURBOJET-T2'], ['citybus', 'citybus-staff', 'CITYBUS-T1'],
      ['np360', 'np360-staff', 'NP360-T1'], ['luggage', 'luggage-staff', 'LUGGAGE-T1'],
    ];
    const asked = Array.from({ length: 60 }, (_, i) => expected[(i * 7) % expected.length]);
    const before = (s.app.db as { stats?: { statements: number } }).stats?.statements;
    const answers = await Promise.all(asked.map(([key]) => s.gql('{ staffMe { username terminalCode } }', {}, tok[key])));
    answers.forEach((r, i) => expect(r.data?.staffMe).toEqual({ username: asked[i][1], terminalCode: asked[i][2] }));
    // 60 requests arrived together: far fewer than 60 session reads went to PostgreSQL.
    const after = (s.app.db as { stats?: { statements: number } }).stats?.statements;
    if (before !== undefined && after !== undefined) expect(after - before).toBeLessThan(60);
  });

  it('a disabled terminal or staff account is refused at once, also with tokens issued before', async () => {
    const terminals = await s.gql('{ merchantTerminals { id code enabled } }', {}, tok.turbojetMgr);
    const t1 = terminals.data.merchantTerminals.find((t: any) => t.code === 'TURBOJET-T1');
    expect((await s.gql('{ merchantTerminals { id } }', {}, tok.turbojet)).errors?.[0].extensions.code).toBe('FORBIDDEN');

    const off = await s.gql('mutation($id: ID!) { setTerminalEnabled(terminalId: $id, enabled: false) { code enabled } }', { id: t1.id }, tok.turbojetMgr);
    expect(off.data.setTerminalEnabled).toEqual({ code: 'TURBOJET-T1', enabled: false });
    expect((await s.gql('{ staffMe { username } }', {}, tok.turbojet)).errors?.[0].extensions.code).toBe('TERMINAL_DISABLED');
    expect((await s.rest('GET', '/merchant/redemptions.csv', undefined, tok.turbojet)).body.error.code).toBe('TERMINAL_DISABLED');
    const again = await s.gql(STAFF_LOGIN, { input: { username: 'turbojet-staff', terminalCode: 'TURBOJET-T1', password: DEMO_PASSWORD, terminalKey: DEMO_TERMINAL_KEY } }, null);
    expect(again.errors?.[0].extensions.code).toBe('TERMINAL_DISABLED');
    // The manager on T2 is unaffected; switching T1 back on revives the old token.
    expect((await s.gql('{ staffMe { username } }', {}, tok.turbojetMgr)).data.staffMe.username).toBe('turbojet-manager');
    await s.gql('mutation($id: ID!) { setTerminalEnabled(terminalId: $id, enabled: true) { enabled } }', { id: t1.id }, tok.turbojetMgr);
    expect((await s.gql('{ staffMe { username } }', {}, tok.turbojet)).data.staffMe.username).toBe('turbojet-staff');

    const members = (await s.gql('{ merchantStaffMembers { id username role enabled } }', {}, tok.turbojetMgr)).data.merchantStaffMembers;
    const staffId = members.find((m: any) => m.username === 'turbojet-staff').id;
    await s.gql('mutation($id: ID!) { setStaffEnabled(staffId: $id, enabled: false) { enabled } }', { id: staffId }, tok.turbojetMgr);
    expect((await s.gql('{ staffMe { username } }', {}, tok.turbojet)).errors?.[0].extensions.code).toBe('STAFF_DISABLED');
    await s.gql('mutation($id: ID!) { setStaffEnabled(staffId: $id, enabled: true) { enabled } }', { id: staffId }, tok.turbojetMgr);
    expect((await s.gql('{ staffMe { username } }', {}, tok.turbojet)).data.staffMe.username).toBe('turbojet-staff');
    // Another merchant's terminal is out of reach.
    const city = await s.app.db.query<any>(`SELECT id FROM terminal WHERE code = 'CITYBUS-T1'`);
    const foreign = await s.gql('mutation($id: ID!) { setTerminalEnabled(terminalId: $id, enabled: false) { enabled } }', { id: String(city[0].id) }, tok.turbojetMgr);
    expect(foreign.errors?.[0].extensions.code).toBe('NOT_FOUND');
    const history = await s.app.db.query<any>(`SELECT to_state FROM state_transition WHERE entity_type = 'terminal' AND entity_id = $1 ORDER BY id`, [Number(t1.id)]);
    expect(history.map((h: any) => h.to_state)).toEqual(['DISABLED', 'ENABLED']);
  });

  it('locks an account after five wrong passwords', async () => {
    const login = (password: string) =>
      s.gql(STAFF_LOGIN, { input: { username: 'cks-staff', terminalCode: 'CKS-T1', password, terminalKey: DEMO_TERMINAL_KEY } }, null);
    for (let i = 0; i < 5; i++) expect((await login('guess')).errors?.[0].extensions.code).toBe('INVALID_CREDENTIALS');
    const locked = await login(DEMO_PASSWORD);
    expect(locked.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    s.clock.advance(16 * 60_000);
    expect((await login(DEMO_PASSWORD)).data.staffLogin.staff.username).toBe('cks-staff');
  });

  it('refuses an expired ticket (validity over, even before the expiry job ran)', async () => {
    const { tickets } = await buyPaid(s);
    s.clock.advance(4 * 86_400_000);
    // Staff tokens last a shift (12 h): log in again four days later.
    const token = await staffLogin(s, 'turbojet-staff', 'TURBOJET-T1');
    expect((await s.gql('{ staffMe { username } }', {}, tok.turbojet)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    tok.turbojet = token;
    const sc = (await scan(s, tok.turbojet, await qrOf(s, tickets[0].ticket_code))).data.scanCode;
    expect(sc).toMatchObject({ allowed: false, reason: 'TICKET_EXPIRED' });
    const line = sc.tickets[0].lines.find((l: any) => l.own);
    expect((await redeem(s, tok.turbojet, sc.scanNonce, sc.tickets[0].id, line.id)).errors?.[0].extensions.code).toBe('TICKET_EXPIRED');
  });

  it('redeem(ticketId, lineId) without a nonce uses the latest scan on this terminal; with no scan it is refused', async () => {
    const { tickets } = await buyPaid(s);
    const code = tickets.find((t: any) => !t.shared).ticket_code;
    const scanned = await s.gql(SCAN, { payload: await qrOf(s, code) }, tok.turbojet);
    const line = scanned.data.scanCode.tickets[0].lines.find((l: any) => l.own);
    const ticketId = scanned.data.scanCode.tickets[0].id;
    const noNonce = await s.gql(`mutation($t: ID!, $l: ID!) { redeem(ticketId: $t, lineId: $l) { usesLeft lineName } }`, { t: ticketId, l: line.id }, tok.turbojet);
    expect(noNonce.errors).toBeUndefined();
    expect(noNonce.data.redeem.usesLeft).toBe(0);
    const { tickets: other } = await buyPaid(s);
    const otherCode = other.find((t: any) => !t.shared).ticket_code;
    const [row] = await s.app.db.query<{ id: number; lineId: number }>(
      `SELECT t.id, l.id AS "lineId" FROM ticket t JOIN ticket_line l ON l.ticket_id = t.id WHERE t.code = $1 AND l.merchant_id = 2`, [otherCode],
    );
    const unscanned = await s.gql(`mutation($t: ID!, $l: ID!) { redeem(ticketId: $t, lineId: $l) { usesLeft } }`, { t: String(row.id), l: String(row.lineId) }, tok.turbojet);
    expect(unscanned.errors?.[0].extensions.code).toBe('SCAN_NOT_FOUND');
  });
});
