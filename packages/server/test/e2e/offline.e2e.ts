import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { applyOfflineBundle, checkOfflineCode, openOfflineBundle } from '@deeptravel/shared';
import { applyOfflineBundle as apply, checkOfflineTicketCode } from '@deeptravel/shared';
import { hkDate, startTestServer, type TestServer } from '../support/harness.js';
import { buyPaid, qrOf, redeem, scan, STAFF_LOGIN, staffLogin } from '../support/redemption-fixtures.js';

const ENROL_CODE = `mutation($id: ID!) { adminCreateEnrolmentCode(terminalId: $id) { terminalId terminalCode code qrPayload expiresAt } }`;
const ENROL = `mutation($code: String!) { enrolTerminal(code: $code) { terminalId terminalCode terminalName merchantName terminalKey publicKeys { keyId publicKey } } }`;
const BUNDLE = `query($since: Float) { offlineBundle(since: $since) { payload signature keyId version full ticketCount revokedCount truncated } }`;
const SYNC = `mutation($items: [OfflineRedemptionInput!]!, $refusals: [OfflineRefusalInput!]) {
  syncOfflineRedemptions(items: $items, refusals: $refusals) { scanNonce lineId status replayed displaced redemptionId conflictId code message }
}`;
const CONFLICTS = `query($status: String) { redemptionConflicts(status: $status) {
  id scannedAt status reason terminalCode staffUsername ticketCode lineName winnerAt winnerTerminalCode resolutionNote resolvedBy } }`;
const RESOLVE = `mutation($id: ID!, $note: String!) { resolveRedemptionConflict(id: $id, note: $note) { id status resolutionNote resolvedBy } }`;

/** Issue 13: terminal enrolment, the signed offline bundle, offline sync with conflicts, manual code entry. */
describe('offline redemption', () => {
  let s: TestServer;
  let admin: string;
  const tok: Record<string, string> = {};
  beforeAll(async () => {
    s = await startTestServer();
    admin = (await s.gql(`mutation { adminLogin(username: "admin", password: "admin12345") { token } }`, {}, null)).data.adminLogin.token;
    tok.t1 = await staffLogin(s, 'turbojet-staff', 'TURBOJET-T1');
    tok.t2 = await staffLogin(s, 'turbojet-manager', 'TURBOJET-T2');
    tok.citybus = await staffLogin(s, 'citybus-staff', 'CITYBUS-T1');
  });
  afterAll(async () => {
    await s?.close();
  });

  /** The TurboJET line of a 3-in-1 ticket. */
  async function turbojetLine(t1 = tok.t1) {
    const { tickets, orderNo } = await buyPaid(s);
    const code = tickets[0].ticket_code as string;
    const sc = await scan(s, t1, await qrOf(s, code));
    const ticket = sc.data.scanCode.tickets[0];
    const line = ticket.lines.find((l: any) => l.own);
    return { code, orderNo, ticketId: ticket.id as string, lineId: line.id as string };
  }

  function item(ticketId: string, lineId: string, ref: string, scannedAt: Date, extra: Record<string, unknown> = {}) {
    return { scanNonce: randomUUID(), ticketId, lineId, scannedAt: scannedAt.toISOString(), qrRef: ref, qrStep: Math.floor(scannedAt.getTime() / 30_000), ...extra };
  }

  it('enrols a terminal once with a short-lived code; the device key replaces the registration key', async () => {
    const reg = await s.gql(`mutation { adminRegisterTerminal(merchantId: 2, code: "TURBOJET-GATE9", name: "9号闸机") { id code key } }`, {}, admin);
    const terminalId = reg.data.adminRegisterTerminal.id;
    // Only admins (or the merchant's manager) make codes.
    expect((await s.gql(ENROL_CODE, { id: terminalId }, tok.t1)).errors?.[0].extensions.code).toBe('FORBIDDEN');
    const made = (await s.gql(ENROL_CODE, { id: terminalId }, admin)).data.adminCreateEnrolmentCode;
    expect(made.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(made.qrPayload).toBe(`DTE1.${made.code}`);

    const enrolled = (await s.gql(ENROL, { code: made.qrPayload }, null)).data.enrolTerminal;
    expect(enrolled).toMatchObject({ terminalCode: 'TURBOJET-GATE9', terminalName: '9号闸机', merchantName: '喷射飞航 TurboJET' });
    expect(enrolled.publicKeys[0].publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // One-time: the code died on use (typed in lower case with spaces: still the same code).
    const again = await s.gql(ENROL, { code: made.code.toLowerCase().replace(/-/g, ' ') }, null);
    expect(again.errors?.[0].extensions.code).toBe('ENROLMENT_CODE_INVALID');

    const login = (terminalKey: string) =>
      s.gql(STAFF_LOGIN, { input: { username: 'turbojet-staff', password: 'demo1234', terminalCode: 'TURBOJET-GATE9', terminalKey } }, null);
    expect((await login(reg.data.adminRegisterTerminal.key)).errors?.[0].extensions.code).toBe('INVALID_CREDENTIALS');
    expect((await login(enrolled.terminalKey)).data.staffLogin.staff.terminalCode).toBe('TURBOJET-GATE9');

    // Short-lived: 16 minutes later a fresh code no longer works; a newer code replaces an older one.
    const late = (await s.gql(ENROL_CODE, { id: terminalId }, admin)).data.adminCreateEnrolmentCode;
    const newer = (await s.gql(ENROL_CODE, { id: terminalId }, admin)).data.adminCreateEnrolmentCode;
    expect((await s.gql(ENROL, { code: late.code }, null)).errors?.[0].extensions.code).toBe('ENROLMENT_CODE_INVALID');
    s.clock.advance(16 * 60_000);
    try {
      expect((await s.gql(ENROL, { code: newer.code }, null)).errors?.[0].extensions.code).toBe('ENROLMENT_CODE_INVALID');
    } finally {
      s.clock.advance(-16 * 60_000);
    }

    // The merchant's manager makes codes for their own terminals only.
    const mgr = await s.gql(`mutation($id: ID!) { createTerminalEnrolmentCode(terminalId: $id) { code } }`, { id: terminalId }, tok.t2);
    expect(mgr.data.createTerminalEnrolmentCode.code).toMatch(/-/);
    const [citybusTerminal] = await s.app.db.query<{ id: number }>(`SELECT id FROM terminal WHERE code = 'CITYBUS-T1'`);
    const other = await s.gql(`mutation($id: ID!) { createTerminalEnrolmentCode(terminalId: $id) { code } }`, { id: String(citybusTerminal.id) }, tok.t2);
    expect(other.errors?.[0].extensions.code).toBe('NOT_FOUND');
  });

  it('serves a signed bundle of this merchant only, verified with the pure-JS verifier, and deltas since a version', async () => {
    const { code, ticketId } = await turbojetLine();
    const keys = { k1: Object.values(s.app.qr.publicKeys())[0] };
    const b = (await s.gql(BUNDLE, {}, tok.t1)).data.offlineBundle;
    expect(b).toMatchObject({ full: true, truncated: false, keyId: 'k1' });
    const opened = openOfflineBundle(b, keys)!;
    expect(opened).not.toBeNull();
    // Tampering breaks the signature.
    expect(openOfflineBundle({ ...b, payload: b.payload.replace('"usesLeft":1', '"usesLeft":2') }, keys)).toBeNull();
    const mine = opened.tickets.find((t) => t.code === code)!;
    expect(mine.lines).toHaveLength(1);
    expect(mine.lines[0]).toMatchObject({ name: expect.stringMatching(/渡轮|船|ferry|Ferry|TurboJET/i), usesLeft: 1 });
    expect(Object.keys(opened.orders).length).toBeGreaterThan(0);

    // The app checks the traveller's live code offline with it; a forged one is refused.
    const state = applyOfflineBundle(null, opened);
    const live = await qrOf(s, code);
    expect(checkOfflineCode(state, live, [], Date.now())).toMatchObject({ ok: true, allowed: true });
    const [h, c, , r] = live.split('.');
    expect(checkOfflineCode(state, `${h}.${c}.${'A'.repeat(86)}.${r}`, [], Date.now())).toMatchObject({ ok: false, refusal: 'QR_BAD_SIGNATURE' });

    // Citybus's bundle has the same ticket with Citybus's line only.
    const cb = openOfflineBundle((await s.gql(BUNDLE, {}, tok.citybus)).data.offlineBundle, keys)!;
    expect(cb.tickets.find((t) => t.code === code)!.lines.map((l) => l.name)).not.toContain(mine.lines[0].name);

    // A delta: a redemption online and a refund in flight show up; nothing else needed to change.
    const sc = await scan(s, tok.t1, await qrOf(s, code));
    expect((await redeem(s, tok.t1, sc.data.scanCode.scanNonce, ticketId, mine.lines[0].id)).errors).toBeUndefined();
    const other = await turbojetLine();
    await s.app.db.query(`UPDATE ticket SET status = 'REFUNDING', updated_at = now() WHERE id = $1`, [other.ticketId]);
    const d = (await s.gql(BUNDLE, { since: b.version }, tok.t1)).data.offlineBundle;
    expect(d.full).toBe(false);
    const delta = openOfflineBundle(d, keys)!;
    expect(delta.tickets.find((t) => t.code === code)!.lines[0]).toMatchObject({ usesLeft: 0, lastRedeemedTerminal: 'TURBOJET-T1' });
    expect(delta.revoked).toContainEqual({ code: other.code, reason: 'REFUND_IN_PROGRESS' });
    expect(delta.tickets.length).toBeLessThan(opened.tickets.length + 2);
    const merged = applyOfflineBundle(state, delta);
    expect(merged.revoked[other.code]).toBe('REFUND_IN_PROGRESS');
    await s.app.db.query(`UPDATE ticket SET status = 'ACTIVE', updated_at = now() WHERE id = $1`, [other.ticketId]);
  });

  it('two terminals offline on one line: one redemption and one conflict, first by scan time wins; a replay changes nothing', async () => {
    const { code, ticketId, lineId } = await turbojetLine();
    const t0 = s.clock.now().getTime() - 60_000;
    const early = item(ticketId, lineId, code, new Date(t0 + 5_000));
    const late = item(ticketId, lineId, code, new Date(t0 + 10_000));
    // The later scan syncs first and counts for now…
    const a = (await s.gql(SYNC, { items: [late] }, tok.t2)).data.syncOfflineRedemptions;
    expect(a).toMatchObject([{ status: 'APPLIED', replayed: false, displaced: false }]);
    // …then the earlier scan arrives and takes its place: the later one becomes the conflict.
    const b = (await s.gql(SYNC, { items: [early] }, tok.t1)).data.syncOfflineRedemptions;
    expect(b).toMatchObject([{ status: 'APPLIED', displaced: true, redemptionId: a[0].redemptionId }]);

    const reds = await s.app.db.query<any>(`SELECT r.*, t.code AS terminal FROM redemption r JOIN terminal t ON t.id = r.terminal_id WHERE ticket_line_id = $1`, [lineId]);
    expect(reds).toHaveLength(1);
    expect(reds[0]).toMatchObject({ terminal: 'TURBOJET-T1', scan_nonce: `off:${early.scanNonce}` });
    expect(new Date(reds[0].at).getTime()).toBe(t0 + 5_000);
    const [line] = await s.app.db.query<any>(`SELECT uses_left FROM ticket_line WHERE id = $1`, [lineId]);
    expect(line.uses_left).toBe(0);
    const conflicts = (await s.gql(CONFLICTS, { status: 'OPEN' }, tok.t2)).data.redemptionConflicts.filter((c: any) => c.ticketCode === code);
    expect(conflicts).toMatchObject([{ reason: 'ALREADY_REDEEMED', terminalCode: 'TURBOJET-T2', staffUsername: 'turbojet-manager', winnerTerminalCode: 'TURBOJET-T1' }]);

    // Replaying both syncs (the app lost the answers) changes nothing and answers the truth.
    const countBefore = await s.app.db.query<any>(`SELECT (SELECT count(*) FROM redemption)::int AS r, (SELECT count(*) FROM redemption_conflict)::int AS c, (SELECT count(*) FROM redemption_log)::int AS l`);
    const again = (await s.gql(SYNC, { items: [late, early] }, tok.t1)).data.syncOfflineRedemptions;
    expect(again).toMatchObject([{ status: 'CONFLICT', replayed: true }, { status: 'APPLIED', replayed: true }]);
    const countAfter = await s.app.db.query<any>(`SELECT (SELECT count(*) FROM redemption)::int AS r, (SELECT count(*) FROM redemption_conflict)::int AS c, (SELECT count(*) FROM redemption_log)::int AS l`);
    expect(countAfter).toEqual(countBefore);

    // A third terminal's later scan: simply a conflict (the winner stays).
    const third = item(ticketId, lineId, code, new Date(t0 + 20_000));
    expect((await s.gql(SYNC, { items: [third] }, tok.t2)).data.syncOfflineRedemptions).toMatchObject([{ status: 'CONFLICT', code: 'REDEMPTION_CONFLICT' }]);

    // Managers resolve; staff cannot even see the list.
    expect((await s.gql(CONFLICTS, {}, tok.t1)).errors?.[0].extensions.code).toBe('FORBIDDEN');
    const resolved = (await s.gql(RESOLVE, { id: conflicts[0].id, note: '同一旅客，两闸机重复扫码，已核实' }, tok.t2)).data.resolveRedemptionConflict;
    expect(resolved).toMatchObject({ status: 'RESOLVED', resolvedBy: 'turbojet-manager' });
    expect((await s.gql(RESOLVE, { id: conflicts[0].id, note: 'again' }, tok.t2)).errors?.[0].extensions.code).toBe('NOT_FOUND');
  });

  it('applies a batch in scan order; refused scans are logged once; refunds after the scan become conflicts', async () => {
    const a = await turbojetLine();
    const b = await turbojetLine();
    const now = s.clock.now().getTime();
    const ia = item(a.ticketId, a.lineId, a.code, new Date(now - 30_000));
    // An order QR reference is fine too.
    const ib = item(b.ticketId, b.lineId, b.orderNo, new Date(now - 20_000));
    const refusal = { scanNonce: randomUUID(), scannedAt: new Date(now - 10_000).toISOString(), reason: 'QR_BAD_SIGNATURE', qrRef: 'TKT-FORGED' };
    const res = await s.gql(SYNC, { items: [ib, ia], refusals: [refusal] }, tok.t1);
    expect(res.errors).toBeUndefined();
    const out = res.data.syncOfflineRedemptions;
    expect(out.map((o: any) => o.status)).toEqual(['APPLIED', 'APPLIED']);
    await s.gql(SYNC, { items: [], refusals: [refusal] }, tok.t1);
    const logged = await s.app.db.query<any>(`SELECT * FROM redemption_log WHERE scan_nonce = $1`, [`off:${refusal.scanNonce}`]);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ action: 'SCAN', result: 'DENIED', reason: 'QR_BAD_SIGNATURE' });
    // The live feed and the log saw the offline redemptions like any other.
    const log = await s.app.db.query<any>(`SELECT * FROM redemption_log WHERE scan_nonce = $1 AND action = 'REDEEM'`, [`off:${ia.scanNonce}`]);
    expect(log[0]).toMatchObject({ result: 'ALLOWED' });
    expect(log[0].detail.offline).toBe(true);

    const c = await turbojetLine();
    await s.app.db.query(`UPDATE ticket SET status = 'REFUNDED', updated_at = now() WHERE id = $1`, [c.ticketId]);
    const refunded = (await s.gql(SYNC, { items: [item(c.ticketId, c.lineId, c.code, new Date(now - 5_000))] }, tok.t1)).data.syncOfflineRedemptions;
    expect(refunded).toMatchObject([{ status: 'CONFLICT' }]);
    const [conflict] = await s.app.db.query<any>(`SELECT reason FROM redemption_conflict WHERE id = $1`, [refunded[0].conflictId]);
    expect(conflict.reason).toBe('TICKET_REFUNDED');

    // Another merchant's line, a future scan time: rejected, nothing written.
    const other = (await s.gql(SYNC, { items: [item(a.ticketId, a.lineId, a.code, new Date(now - 1_000))] }, tok.citybus)).data.syncOfflineRedemptions;
    expect(other).toMatchObject([{ status: 'REJECTED', code: 'OTHER_MERCHANT' }]);
    const future = (await s.gql(SYNC, { items: [item(b.ticketId, b.lineId, b.code, new Date(now + 3600_000))] }, tok.t1)).data.syncOfflineRedemptions;
    expect(future).toMatchObject([{ status: 'REJECTED', code: 'BAD_USER_INPUT' }]);
  });

  it("the bundle carries each ticket's departure: at a gate boarding another sailing the app refuses it offline, as the server does online", async () => {
    const deps = (await s.gql(`query($d: String) { departures(date: $d) { tripId routeCode departureAt } }`, { d: hkDate(1) }, tok.t1)).data.departures;
    const [a, b] = deps.filter((d: any) => d.routeCode === 'HK-MO');
    const order = await s.rest('POST', '/orders', { items: [{ product_id: 4, trip_id: Number(a.tripId), qty: 1 }] }, 'user123');
    await s.rest('POST', '/payments/notify', { order_id: order.body.order_id, gateway_txn_id: `T-off-dep-${Date.now()}`, status: 'SUCCESS', amount: order.body.total_amount }, null);
    const code = (await s.rest('GET', '/my/tickets', undefined, 'user123')).body.tickets.find((t: any) => t.order_id === order.body.order_id).ticket_code;
    const keys = { k1: Object.values(s.app.qr.publicKeys())[0] };
    const opened = openOfflineBundle((await s.gql(BUNDLE, {}, tok.t1)).data.offlineBundle, keys)!;
    const t = opened.tickets.find((x) => x.code === code)!;
    expect(t).toMatchObject({ tripId: Number(a.tripId), departureAt: a.departureAt });
    const state = apply(null, opened);
    const live = await qrOf(s, code);
    expect(checkOfflineCode(state, live, [], Date.now(), { departureTripId: Number(b.tripId) })).toMatchObject({ ok: true, allowed: false, reason: 'WRONG_DEPARTURE' });
    expect(checkOfflineTicketCode(state, code, [], Date.now(), { departureTripId: Number(b.tripId) })).toMatchObject({ allowed: false, reason: 'WRONG_DEPARTURE' });
    // Its own sailing: the only thing left against it is the day (tomorrow's ticket).
    expect(checkOfflineCode(state, live, [], Date.now(), { departureTripId: Number(a.tripId) })).toMatchObject({ reason: 'NOT_YET_VALID' });
    // Typed online at the other gate: the same verdict.
    const typed = await s.gql(`mutation($c: String!, $t: ID) { scanTicketCode(code: $c, tripId: $t) { allowed reason departureTripId tickets { departureAt } } }`, { c: code, t: b.tripId }, tok.t1);
    expect(typed.data.scanTicketCode).toMatchObject({ allowed: false, reason: 'WRONG_DEPARTURE', departureTripId: b.tripId, tickets: [{ departureAt: a.departureAt }] });
  });

  it('a revoked (disabled) terminal cannot sync or fetch a bundle', async () => {
    const { code, ticketId, lineId } = await turbojetLine();
    const [t] = await s.app.db.query<{ id: number }>(`SELECT id FROM terminal WHERE code = 'TURBOJET-T1'`);
    const off = await s.gql(`mutation($id: ID!) { setTerminalEnabled(terminalId: $id, enabled: false) { enabled } }`, { id: String(t.id) }, tok.t2);
    expect(off.errors).toBeUndefined();
    try {
      const r = await s.gql(SYNC, { items: [item(ticketId, lineId, code, new Date(Date.now() - 1000))] }, tok.t1);
      expect(r.errors?.[0].extensions.code).toBe('TERMINAL_DISABLED');
      expect((await s.gql(BUNDLE, {}, tok.t1)).errors?.[0].extensions.code).toBe('TERMINAL_DISABLED');
      const [n] = await s.app.db.query<any>(`SELECT count(*)::int AS n FROM redemption WHERE ticket_line_id = $1`, [lineId]);
      expect(n.n).toBe(0);
    } finally {
      await s.gql(`mutation($id: ID!) { setTerminalEnabled(terminalId: $id, enabled: true) { enabled } }`, { id: String(t.id) }, tok.t2);
    }
  });

  it('a typed ticket code scans like its QR (logged as manual) and redeems', async () => {
    const { tickets } = await buyPaid(s);
    const code = tickets[0].ticket_code as string;
    const r = await s.gql(`mutation($c: String!) { scanTicketCode(code: $c) { scanNonce allowed tickets { id code lines { id own redeemable } } } }`, { c: ` ${code.toLowerCase()} ` }, tok.citybus);
    expect(r.data.scanTicketCode).toMatchObject({ allowed: true, tickets: [{ code }] });
    const line = r.data.scanTicketCode.tickets[0].lines.find((l: any) => l.own);
    expect((await redeem(s, tok.citybus, r.data.scanTicketCode.scanNonce, r.data.scanTicketCode.tickets[0].id, line.id)).errors).toBeUndefined();
    const [log] = await s.app.db.query<any>(`SELECT detail FROM redemption_log WHERE scan_nonce = $1 AND action = 'SCAN'`, [r.data.scanTicketCode.scanNonce]);
    expect(log.detail.manual).toBe(true);
    const none = await s.gql(`mutation { scanTicketCode(code: "TKT-NOPE000000") { scanNonce } }`, {}, tok.citybus);
    expect(none.errors?.[0].extensions.code).toBe('TICKET_NOT_FOUND');
  });
});
