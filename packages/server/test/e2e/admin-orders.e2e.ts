import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from '../support/harness.js';
import { addTrip } from '../support/fixtures.js';
import { qrOf, scanAndRedeem, staffLogin, ticketsOf } from '../support/redemption-fixtures.js';
import type { MockPaymentGateway } from '../../src/modules/payments/mock/mock-gateway.js';

const ORDERS = `query($search: String, $kind: String, $sort: String, $status: String) {
  adminOrders(search: $search, searchKind: $kind, sort: $sort, status: $status, limit: 50) { total searchKind items { id orderNo totalAmount createdAt } } }`;
const DETAIL = `query($id: ID, $no: String) { adminOrder(id: $id, orderNo: $no) {
  order { id orderNo status totalAmount } traveller { id nickname openid }
  items { productName qty unitPrice subtotal } passengers { name phone }
  payments { gatewayTxnId amount status } refunds { id refundNo status failureReason ticketCodes requestedBy }
  tickets { id code status lines { id name merchantName usesTotal usesLeft } }
  redemptions { ticketCode lineName merchantName terminalCode staffUsername offline }
  conflicts { id status reason ticketCode terminalCode resolutionNote resolvedBy }
  notifications { id kind status reason }
  history { entityType entityId fromState toState actor reason at } } }`;
const AUDIT = `query($t: String, $id: String) { adminAuditLog(entityType: $t, entityId: $id) { total items { actor action before after } } }`;

/** Issue 14: the admin order search and page, and the operator actions (each with a reason, audited, ADMIN only). */
describe('admin orders and operator actions', () => {
  let s: TestServer;
  let admin: string;
  let operator: string;
  let n = 0;
  beforeAll(async () => {
    s = await startTestServer();
    const login = async (u: string, p: string) =>
      (await s.gql(`mutation($u: String!, $p: String!) { adminLogin(username: $u, password: $p) { token } }`, { u, p }, null)).data.adminLogin.token as string;
    admin = await login('admin', 'admin12345');
    operator = await login('operator', 'operator12345');
  });
  afterAll(async () => {
    await s?.close();
  });

  /** A paid package order (product 101) whose payment has a WeChat-shaped transaction id; a passenger with a phone. */
  const paidPackage = async (token = 'user123') => {
    const txn = `4200002${String(Date.now()).slice(-10)}${String(++n).padStart(11, '0')}`;
    const o = await s.rest('POST', '/orders', { items: [{ product_id: 101, qty: 1 }], passengers: [{ name: '陈小明', passenger_type: 'ADULT', phone: '13800138000' }] }, token);
    expect(o.status).toBe(200);
    const paid = await s.rest('POST', '/payments/notify', { order_id: o.body.order_id, gateway_txn_id: txn, status: 'SUCCESS', amount: o.body.total_amount }, null);
    expect(paid.status).toBe(200);
    return { orderId: o.body.order_id as number, orderNo: o.body.out_trade_no as string, txn, tickets: await ticketsOf(s, o.body.order_id, token) };
  };

  it('finds an order by order number, WeChat transaction id, ticket code and traveller; sorts on the server', async () => {
    const { orderId, orderNo, txn, tickets } = await paidPackage();
    await s.app.db.query(`UPDATE traveller SET nickname = '海风小陈', openid = COALESCE(openid, 'o-admin-search') WHERE id = (SELECT traveller_id FROM orders WHERE id = $1)`, [orderId]);
    const find = async (search: string, kind?: string) => (await s.gql(ORDERS, { search, kind }, operator)).data.adminOrders;
    expect(await find(orderNo)).toMatchObject({ total: 1, searchKind: 'ORDER_NO', items: [{ orderNo }] });
    expect(await find(orderNo.toLowerCase())).toMatchObject({ total: 1, searchKind: 'ORDER_NO' });
    expect(await find(txn)).toMatchObject({ total: 1, searchKind: 'TRANSACTION_ID', items: [{ orderNo }] });
    expect(await find(tickets[0].ticket_code)).toMatchObject({ total: 1, searchKind: 'TICKET_CODE', items: [{ orderNo }] });
    expect((await find('海风')).items.map((o: any) => o.orderNo)).toContain(orderNo);
    expect((await find('13800138000')).items.map((o: any) => o.orderNo)).toContain(orderNo);
    expect((await find('13800138000', 'ORDER_NO')).total).toBe(0);
    expect(await find('TKT-NOPE2345')).toMatchObject({ total: 0, searchKind: 'TICKET_CODE' });
    // Sorting by amount, both ways, and a bad sort refused on its field.
    await paidPackage();
    const asc = (await s.gql(ORDERS, { sort: 'totalAmount:ASC' }, operator)).data.adminOrders.items.map((o: any) => o.totalAmount);
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    const desc = (await s.gql(ORDERS, { sort: 'totalAmount:DESC' }, operator)).data.adminOrders.items.map((o: any) => o.totalAmount);
    expect(desc).toEqual([...asc].reverse().sort((a, b) => b - a));
    expect((await s.gql(ORDERS, { sort: 'password:ASC' }, operator)).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'sort' });
    expect((await s.gql(ORDERS, { search: orderNo }, 'user123')).errors?.[0].extensions.code).toBe('FORBIDDEN');
  });

  it('the order page: lines, passengers, payments, tickets with lines, redemptions and the history of every transition', async () => {
    const { orderId, orderNo, txn, tickets } = await paidPackage();
    const staff = await staffLogin(s, 'turbojet-staff', 'TURBOJET-T1');
    await scanAndRedeem(s, staff, await qrOf(s, tickets[0].ticket_code));
    const byNo = (await s.gql(DETAIL, { no: orderNo }, operator)).data.adminOrder;
    const d = (await s.gql(DETAIL, { id: String(orderId) }, operator)).data.adminOrder;
    expect(byNo).toEqual(d);
    expect(d.order).toMatchObject({ orderNo, status: 'PAID' });
    expect(d.items[0]).toMatchObject({ qty: 1 });
    expect(d.passengers[0]).toMatchObject({ name: '陈小明', phone: '13800138000' });
    expect(d.payments).toEqual([expect.objectContaining({ gatewayTxnId: txn, status: expect.any(String) })]);
    expect(d.tickets.length).toBeGreaterThan(0);
    expect(d.tickets[0].lines.length).toBeGreaterThan(0);
    expect(d.redemptions).toEqual([expect.objectContaining({ ticketCode: tickets[0].ticket_code, terminalCode: 'TURBOJET-T1', staffUsername: 'turbojet-staff', offline: false })]);
    const orderHistory = d.history.filter((h: any) => h.entityType === 'order').map((h: any) => h.toState);
    expect(orderHistory).toContain('PAID');
    const times = d.history.map((h: any) => new Date(h.at).getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect((await s.gql(DETAIL, { no: 'DT0000000000000000' }, operator)).errors?.[0].extensions.code).toBe('ORDER_NOT_FOUND');
    // The dashboard's live list has this redemption first.
    const live = (await s.gql(`{ adminRecentRedemptions(limit: 5) { ticketCode merchantName terminalCode } }`, {}, operator)).data.adminRecentRedemptions;
    expect(live[0]).toMatchObject({ ticketCode: tickets[0].ticket_code, terminalCode: 'TURBOJET-T1' });
  });

  it('retries a failed refund with a reason (an operator is refused; no reason is refused); audited and in the history', async () => {
    const trip = await addTrip(s, 20, 72, 1);
    const o = (await s.rest('POST', '/orders', { items: [{ product_id: 1, trip_id: trip, qty: 1 }] })).body;
    const paid = await s.rest('POST', '/payments/notify', { order_id: o.order_id, gateway_txn_id: `AO-${Date.now()}`, status: 'SUCCESS', amount: o.total_amount }, null);
    const code = paid.body.tickets_issued[0].ticket_code as string;
    const gw = s.app.services.paymentGateway as MockPaymentGateway;
    gw.failRefunds = true;
    await s.gql(`mutation($o: ID!, $c: [String!]) { requestRefund(orderId: $o, ticketCodes: $c) { id } }`, { o: String(o.order_id), c: [code] });
    await s.app.outbox.drain();
    gw.failRefunds = false;
    const failed = (await s.gql(DETAIL, { id: String(o.order_id) }, operator)).data.adminOrder.refunds[0];
    expect(failed).toMatchObject({ status: 'FAILED', ticketCodes: [code] });
    const RETRY = `mutation($id: ID!, $r: String!) { adminRetryRefund(refundId: $id, reason: $r) { id status } }`;
    expect((await s.gql(RETRY, { id: failed.id, r: '网关恢复后重试' }, operator)).errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await s.gql(RETRY, { id: failed.id, r: '   ' }, admin)).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    expect((await s.gql(RETRY, { id: failed.id, r: '网关恢复后重试' }, 'user123')).errors?.[0].extensions.code).toBe('FORBIDDEN');
    const retry = await s.gql(RETRY, { id: failed.id, r: '网关恢复后重试' }, admin);
    expect(retry.errors).toBeUndefined();
    // A second retry of the same failed refund is refused: it was retried already (its tickets are REFUNDING).
    expect((await s.gql(RETRY, { id: failed.id, r: '再试一次' }, admin)).errors?.[0].extensions.code).toBe('INVALID_TRANSITION');
    await s.app.outbox.drain();
    const after = (await s.gql(DETAIL, { id: String(o.order_id) }, operator)).data.adminOrder;
    expect(after.refunds.map((r: any) => r.status)).toEqual(['FAILED', 'SUCCEEDED']);
    expect(after.refunds[1].requestedBy).toBe('admin:admin');
    expect(after.history).toContainEqual(expect.objectContaining({ entityType: 'ticket', toState: 'REFUNDING', actor: 'admin:admin', reason: 'RETRY' }));
    const audit = (await s.gql(AUDIT, { t: 'refund', id: String(failed.id) }, operator)).data.adminAuditLog;
    expect(audit.items).toEqual([expect.objectContaining({ actor: 'admin', action: 'refund.retry', before: expect.objectContaining({ status: 'FAILED' }), after: expect.objectContaining({ reason: '网关恢复后重试' }) })]);
  });

  it('re-sends a FAILED or DEAD message with a reason: queued once, delivered, audited; skipped ones refused', async () => {
    const { orderId } = await paidPackage();
    await s.app.outbox.drain();
    const [t] = await s.app.db.query<{ id: number }>(`SELECT traveller_id AS id FROM orders WHERE id = $1`, [orderId]);
    await s.app.db.query(`UPDATE traveller SET openid = COALESCE(openid, 'o-resend-' || id) WHERE id = $1`, [t.id]);
    const template = s.app.services.notifications.templates.PAYMENT_SUCCESS.templateId ?? 'LOG_PAYMENT_SUCCESS';
    const [row] = await s.app.db.query<{ id: number }>(
      `INSERT INTO notification (idempotency_key, traveller_id, kind, order_id, template_id, openid, page, fields, status, reason, attempts, last_error, created_at, updated_at)
       SELECT 'admin-resend-' || $2::int, id, 'PAYMENT_SUCCESS', $2::int, $3, openid, 'pkg-tickets/order/index?id=' || $2::int, '[]'::jsonb, 'DEAD', 'RETRIES_EXHAUSTED', 10, 'errcode 45009', now(), now()
         FROM traveller WHERE id = $1 RETURNING id::int AS id`,
      [t.id, orderId, template],
    );
    await s.app.db.query(
      `INSERT INTO notification_consent (traveller_id, template_id, remaining, accepted_total, rejected_total, last_decision, decided_at, created_at, updated_at)
       VALUES ($1, $2, 1, 1, 0, 'ACCEPTED', now(), now(), now())
       ON CONFLICT (traveller_id, template_id) DO UPDATE SET remaining = notification_consent.remaining + 1`,
      [t.id, template],
    );
    const RESEND = `mutation($id: ID!, $r: String!) { adminResendNotification(id: $id, reason: $r) { id status requeued } }`;
    expect((await s.gql(RESEND, { id: String(row.id), r: '旅客来电要求重发' }, operator)).errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await s.gql(RESEND, { id: String(row.id), r: '' }, admin)).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const first = await s.gql(RESEND, { id: String(row.id), r: '旅客来电要求重发' }, admin);
    // Queued (the dispatcher may already have sent it by the time the answer is read).
    expect(first.data.adminResendNotification).toMatchObject({ requeued: true });
    expect(['PENDING', 'SENDING', 'SENT']).toContain(first.data.adminResendNotification.status);
    const again = await s.gql(RESEND, { id: String(row.id), r: '旅客来电要求重发' }, admin);
    expect(again.data.adminResendNotification).toMatchObject({ requeued: false });
    const [{ events }] = await s.app.db.query<{ events: number }>(`SELECT count(*)::int AS events FROM outbox_event WHERE topic = 'notification.deliver' AND payload->>'notificationId' = $1`, [String(row.id)]);
    expect(events).toBe(1);
    await s.app.outbox.drain();
    const page = (await s.gql(DETAIL, { id: String(orderId) }, operator)).data.adminOrder;
    expect(page.notifications.find((x: any) => x.id === String(row.id))).toMatchObject({ status: 'SENT' });
    expect(page.history).toContainEqual(expect.objectContaining({ entityType: 'notification', fromState: 'DEAD', toState: 'PENDING', actor: 'admin:admin' }));
    const audit = (await s.gql(AUDIT, { t: 'notification', id: String(row.id) }, operator)).data.adminAuditLog.items;
    expect(audit).toEqual([expect.objectContaining({ action: 'notification.resend', before: expect.objectContaining({ status: 'DEAD' }), after: { status: 'PENDING', reason: '旅客来电要求重发' } })]);
    // A message skipped for lack of consent is not re-sent.
    await s.app.db.query(`UPDATE notification SET status = 'SKIPPED_NO_CONSENT' WHERE id = $1`, [row.id]);
    expect((await s.gql(RESEND, { id: String(row.id), r: '再试' }, admin)).errors?.[0].extensions.code).toBe('INVALID_TRANSITION');
  });

  it('resolves an offline redemption conflict of any merchant with a reason; a second time is refused', async () => {
    const { orderId, tickets } = await paidPackage();
    const page = (await s.gql(DETAIL, { id: String(orderId) }, operator)).data.adminOrder;
    const ticket = page.tickets.find((x: any) => x.code === tickets[0].ticket_code);
    const [term] = await s.app.db.query<{ id: number; merchantId: number; staffId: number }>(
      `SELECT t.id, t.merchant_id AS "merchantId", s.id AS "staffId" FROM terminal t JOIN merchant_staff s ON s.merchant_id = t.merchant_id WHERE t.code = 'TURBOJET-T2' LIMIT 1`,
    );
    const [c] = await s.app.db.query<{ id: number }>(
      `INSERT INTO redemption_conflict (merchant_id, ticket_id, ticket_line_id, terminal_id, staff_id, scan_nonce, scanned_at, reason, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, now(), 'ALREADY_REDEEMED', now(), now()) RETURNING id`,
      [term.merchantId, ticket.id, ticket.lines[0].id, term.id, term.staffId, `nonce-${Date.now()}`],
    );
    const RESOLVE = `mutation($id: ID!, $r: String!) { adminResolveRedemptionConflict(id: $id, reason: $r) { id status resolutionNote resolvedBy } }`;
    expect((await s.gql(RESOLVE, { id: String(c.id), r: '核实为同一次入园' }, operator)).errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await s.gql(RESOLVE, { id: String(c.id), r: ' ' }, admin)).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const ok = await s.gql(RESOLVE, { id: String(c.id), r: '核实为同一次入园' }, admin);
    expect(ok.data.adminResolveRedemptionConflict).toMatchObject({ status: 'RESOLVED', resolutionNote: '核实为同一次入园', resolvedBy: 'admin:admin' });
    expect((await s.gql(RESOLVE, { id: String(c.id), r: '核实为同一次入园' }, admin)).errors?.[0].extensions.code).toBe('INVALID_TRANSITION');
    const after = (await s.gql(DETAIL, { id: String(orderId) }, operator)).data.adminOrder;
    expect(after.conflicts).toEqual([expect.objectContaining({ id: String(c.id), status: 'RESOLVED', terminalCode: 'TURBOJET-T2' })]);
    expect(after.history).toContainEqual(expect.objectContaining({ entityType: 'redemption_conflict', toState: 'RESOLVED', actor: 'admin:admin', reason: '核实为同一次入园' }));
    const audit = (await s.gql(AUDIT, { t: 'redemption_conflict', id: String(c.id) }, operator)).data.adminAuditLog.items;
    expect(audit).toEqual([expect.objectContaining({ action: 'redemption_conflict.resolve', after: { status: 'RESOLVED', resolutionNote: '核实为同一次入园' } })]);
  });

  it('sorts departures on the server (seats left, sold, departure), refusing an unknown sort', async () => {
    const trip = await addTrip(s, 30, 50, 1);
    const o = (await s.rest('POST', '/orders', { items: [{ product_id: 1, trip_id: trip, qty: 2 }] })).body;
    await s.rest('POST', '/payments/notify', { order_id: o.order_id, gateway_txn_id: `AO-SORT-${Date.now()}`, status: 'SUCCESS', amount: o.total_amount }, null);
    const TRIPS = `query($sort: String) { adminTrips(routeId: "1", sort: $sort, limit: 500) { total items { id available sold departureAt } } }`;
    const byLeft = (await s.gql(TRIPS, { sort: 'available:ASC' }, operator)).data.adminTrips.items.map((t: any) => t.available);
    expect(byLeft).toEqual([...byLeft].sort((a, b) => a - b));
    const bySold = (await s.gql(TRIPS, { sort: 'sold:DESC' }, operator)).data.adminTrips.items.map((t: any) => t.sold);
    expect(bySold).toEqual([...bySold].sort((a, b) => b - a));
    expect(bySold[0]).toBeGreaterThanOrEqual(2);
    const byDeparture = (await s.gql(TRIPS, { sort: 'departureAt:DESC' }, operator)).data.adminTrips.items.map((t: any) => t.departureAt);
    expect(byDeparture).toEqual([...byDeparture].sort().reverse());
    expect((await s.gql(TRIPS, { sort: 'route_id; drop table trip' }, operator)).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'sort' });
  });

  it('lists admin accounts (no password hashes) for operators too', async () => {
    const accounts = (await s.gql(`{ adminAccounts { username role enabled } }`, {}, operator)).data.adminAccounts;
    expect(accounts).toEqual(expect.arrayContaining([{ username: 'admin', role: 'ADMIN', enabled: true }, { username: 'operator', role: 'OPERATOR', enabled: true }]));
  });

  it('resolves a flagged payment notification once, with a reason, ADMIN only; both of two operators at once → one wins', async () => {
    const RESOLVE = `mutation($id: ID!, $r: String!) { adminResolvePaymentAnomaly(id: $id, reason: $r) { id resolved resolvedBy resolutionNote resolvedAt } }`;
    const [a] = await s.app.db.query<{ id: number }>(
      `INSERT INTO payment_anomaly (kind, gateway, gateway_txn_id, order_no, amount, detail) VALUES ('UNKNOWN_ORDER', 'mock', 'ANOM-1', 'DT-NOPE', 100, '{}') RETURNING id`,
    );
    const id = String(a.id);
    expect((await s.gql(RESOLVE, { id, r: '已原路退回' }, operator)).errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await s.gql(RESOLVE, { id, r: '  ' }, admin)).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const both = await Promise.all([s.gql(RESOLVE, { id, r: '已原路退回' }, admin), s.gql(RESOLVE, { id, r: '已原路退回' }, admin)]);
    expect(both.filter((r) => r.data?.adminResolvePaymentAnomaly).length).toBe(1);
    expect(both.map((r) => r.errors?.[0].extensions.code).filter(Boolean)).toEqual(['INVALID_TRANSITION']);
    expect(both.find((r) => r.data?.adminResolvePaymentAnomaly)!.data.adminResolvePaymentAnomaly).toMatchObject({ resolved: true, resolvedBy: 'admin:admin', resolutionNote: '已原路退回' });
    expect((await s.gql(RESOLVE, { id: '99999999', r: 'x' }, admin)).errors?.[0].extensions.code).toBe('NOT_FOUND');
    const open = (await s.gql(`{ adminPaymentAnomalies { id } }`, {}, operator)).data.adminPaymentAnomalies.map((x: any) => x.id);
    expect(open).not.toContain(id);
    const audit = (await s.gql(AUDIT, { t: 'payment_anomaly', id }, operator)).data.adminAuditLog.items;
    expect(audit).toEqual([expect.objectContaining({ actor: 'admin', action: 'payment_anomaly.resolve', after: { resolved: true, resolutionNote: '已原路退回' } })]);
  });

  it('accounts: disable ends the sessions at once, a new password works, nobody locks the back office out', async () => {
    const UPDATE = `mutation($id: ID!, $input: AdminAccountUpdateInput!, $r: String!) { adminUpdateAccount(id: $id, input: $input, reason: $r) { id username role enabled } }`;
    const created = await s.gql(`mutation { adminCreateAccount(username: "night.ops", password: "night-ops-123", role: "OPERATOR") { id } }`, {}, admin);
    const id = created.data.adminCreateAccount.id as string;
    const login = async (u: string, p: string) => s.gql(`mutation($u: String!, $p: String!) { adminLogin(username: $u, password: $p) { token } }`, { u, p }, null);
    const token = (await login('night.ops', 'night-ops-123')).data.adminLogin.token as string;
    expect((await s.gql(`{ adminAccounts { id } }`, {}, token)).errors).toBeUndefined();
    // An operator cannot change accounts; a reason is required.
    expect((await s.gql(UPDATE, { id, input: { enabled: false }, r: '离职' }, operator)).errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await s.gql(UPDATE, { id, input: { enabled: false }, r: '' }, admin)).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    // Disabled: the open session stops at once and login is refused.
    expect((await s.gql(UPDATE, { id, input: { enabled: false }, r: '离职' }, admin)).data.adminUpdateAccount).toMatchObject({ enabled: false, role: 'OPERATOR' });
    expect((await s.gql(`{ adminAccounts { id } }`, {}, token)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await login('night.ops', 'night-ops-123')).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    // Enabled again with a new password: only the new one works.
    expect((await s.gql(UPDATE, { id, input: { enabled: true, password: 'short' }, r: '复职' }, admin)).errors?.[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'password' });
    await s.gql(UPDATE, { id, input: { enabled: true, password: 'new-night-ops-456' }, r: '复职' }, admin);
    expect((await login('night.ops', 'night-ops-123')).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await login('night.ops', 'new-night-ops-456')).data.adminLogin.token).toBeTruthy();
    // The last enabled ADMIN cannot be disabled or demoted, not even by itself.
    const me = (await s.gql(`{ adminAccounts { id username } }`, {}, admin)).data.adminAccounts.find((a: any) => a.username === 'admin').id;
    expect((await s.gql(UPDATE, { id: me, input: { enabled: false }, r: 'x' }, admin)).errors?.[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'enabled' });
    const second = (await s.gql(`mutation { adminCreateAccount(username: "second.admin", password: "second-admin-1", role: "ADMIN") { id } }`, {}, admin)).data.adminCreateAccount.id;
    const secondToken = (await login('second.admin', 'second-admin-1')).data.adminLogin.token as string;
    // Two admins demoting each other at the same moment: one succeeds, one ADMIN remains.
    const duel = await Promise.all([
      s.gql(UPDATE, { id: second, input: { role: 'OPERATOR' }, r: '调岗' }, admin),
      s.gql(UPDATE, { id: me, input: { role: 'OPERATOR' }, r: '调岗' }, secondToken),
    ]);
    expect(duel.filter((r) => r.data?.adminUpdateAccount).length).toBe(1);
    const [{ n }] = await s.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM admin_user WHERE role = 'ADMIN' AND enabled`);
    expect(n).toBe(1);
    // Whichever admin lost the duel was demoted and its session ended: read the log as the operator.
    const audit = (await s.gql(AUDIT, { t: 'admin_user', id }, operator)).data.adminAuditLog.items;
    expect(audit.map((a: any) => a.action)).toEqual(expect.arrayContaining(['admin_user.update']));
    expect(JSON.stringify(audit)).not.toMatch(/night-ops|scrypt|password_hash/);
  });
});
