import { WebSocket } from 'ws';
import { createClient, type Client } from 'graphql-ws';
import type { TestServer } from './harness.js';

/** Demo credentials seeded in test mode (docs/redemption.md). */
export const DEMO_PASSWORD = 'demo1234';
export const DEMO_TERMINAL_KEY = 'demo-terminal-key';

export const STAFF_LOGIN = `mutation Login($input: StaffLoginInput!) {
  staffLogin(input: $input) { token expiresAt staff { staffId username role merchantId merchantName terminalId terminalCode terminalName } }
}`;

export const SCAN = `mutation Scan($payload: String!) {
  scanCode(payload: $payload) {
    scanNonce kind ref scannedAt expiresAt allowed reason
    tickets {
      id code status productName shared passengerName redeemable reason
      lines { id name merchantName own usesTotal usesLeft redeemable reason lastRedeemedAt lastRedeemedTerminal }
    }
  }
}`;

export const REDEEM = `mutation Redeem($scanNonce: String!, $ticketId: ID!, $lineId: ID!) {
  redeem(scanNonce: $scanNonce, ticketId: $ticketId, lineId: $lineId) {
    id at terminalId terminalCode terminalName staffUsername ticketId ticketCode ticketStatus lineId lineName usesLeft usesTotal productName passengerName replayed
  }
}`;

export const LOGS = `query Logs($filter: RedemptionLogFilter, $first: Int, $after: String) {
  redemptionLogs(filter: $filter, first: $first, after: $after) {
    nextCursor
    entries { id at action result reason terminalId terminalCode staffUsername ticketCode productName lineId lineName qrTyp qrRef redemptionId }
  }
}`;

/** Logs a demo staff member in on a terminal; returns the staff token. */
export async function staffLogin(s: TestServer, username: string, terminalCode: string, password = DEMO_PASSWORD, terminalKey = DEMO_TERMINAL_KEY) {
  const r = await s.gql(STAFF_LOGIN, { input: { username, terminalCode, password, terminalKey } }, null);
  if (r.errors) throw new Error(`login ${username}@${terminalCode}: ${JSON.stringify(r.errors)}`);
  return r.data.staffLogin.token as string;
}

let txn = 0;
/** Orders and pays `qty` of a product for a traveller (mock gateway); returns the order and its tickets (REST shape). */
export async function buyPaid(s: TestServer, opts: { productId?: number; qty?: number; token?: string; travelDate?: string } = {}) {
  const token = opts.token ?? 'user123';
  const item: Record<string, unknown> = { product_id: opts.productId ?? 101, qty: opts.qty ?? 1 };
  if (opts.travelDate) item.travel_date = opts.travelDate;
  const order = await s.rest('POST', '/orders', { items: [item] }, token);
  if (order.status !== 200) throw new Error(`order: ${JSON.stringify(order.body)}`);
  const paid = await s.rest('POST', '/payments/notify', {
    order_id: order.body.order_id, gateway_txn_id: `T-red-${Date.now()}-${++txn}`, status: 'SUCCESS', amount: order.body.total_amount,
  }, null);
  if (paid.status !== 200) throw new Error(`pay: ${JSON.stringify(paid.body)}`);
  return { orderId: order.body.order_id as number, orderNo: order.body.out_trade_no as string, tickets: await ticketsOf(s, order.body.order_id, token) };
}

/** The traveller's tickets of an order, with current QR payloads. */
export async function ticketsOf(s: TestServer, orderId: number, token = 'user123'): Promise<any[]> {
  const mine = await s.rest('GET', '/my/tickets', undefined, token);
  return mine.body.tickets.filter((t: any) => t.order_id === orderId).sort((a: any, b: any) => Number(a.shared) - Number(b.shared));
}

/** The current QR payload of one ticket (fetched again, as the traveller's app refreshes it). */
export async function qrOf(s: TestServer, code: string, token = 'user123'): Promise<string> {
  const r = await s.rest('GET', `/my/tickets/${code}`, undefined, token);
  if (!r.body.qr_payload) throw new Error(`no QR for ${code}: ${JSON.stringify(r.body)}`);
  return r.body.qr_payload;
}

/** Scans a payload with a staff token (returns the raw GraphQL answer). */
export function scan(s: TestServer, token: string, payload: string) {
  return s.gql(SCAN, { payload }, token);
}

/** Redeems one line with a scan nonce (returns the raw GraphQL answer). */
export function redeem(s: TestServer, token: string, scanNonce: string, ticketId: string | number, lineId: string | number) {
  return s.gql(REDEEM, { scanNonce, ticketId: String(ticketId), lineId: String(lineId) }, token);
}

/** Scans and redeems the scanning merchant's first redeemable line of the first ticket; returns the redemption. */
export async function scanAndRedeem(s: TestServer, token: string, payload: string) {
  const sc = await scan(s, token, payload);
  if (sc.errors) throw new Error(`scan: ${JSON.stringify(sc.errors)}`);
  const t = sc.data.scanCode.tickets.find((x: any) => x.redeemable);
  if (!t) throw new Error(`nothing redeemable: ${JSON.stringify(sc.data.scanCode)}`);
  const line = t.lines.find((l: any) => l.redeemable);
  const r = await redeem(s, token, sc.data.scanCode.scanNonce, t.id, line.id);
  if (r.errors) throw new Error(`redeem: ${JSON.stringify(r.errors)}`);
  return r.data.redeem;
}

/** A graphql-ws subscription to `redemptionRecorded` that collects what it receives. */
export interface FeedSubscription {
  events: any[];
  errors: unknown[];
  /** Resolves once `n` events arrived (rejects after `timeoutMs`). */
  waitFor(n: number, timeoutMs?: number): Promise<any[]>;
  close(): Promise<void>;
}

export async function subscribeFeed(s: TestServer, token: string, terminalId?: string): Promise<FeedSubscription> {
  const client: Client = createClient({
    url: s.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0,
  });
  const events: any[] = [];
  const errors: unknown[] = [];
  let acknowledged!: () => void;
  const ready = new Promise<void>((r) => (acknowledged = r));
  client.on('connected', () => acknowledged());
  client.subscribe(
    {
      query: `subscription Feed($terminalId: ID) { redemptionRecorded(terminalId: $terminalId) { id at terminalCode staffUsername ticketCode lineName usesLeft ticketStatus } }`,
      variables: terminalId ? { terminalId } : {},
    },
    { next: (v) => (v.errors ? errors.push(v.errors) : events.push(v.data?.redemptionRecorded)), error: (e) => errors.push(e), complete: () => undefined },
  );
  await ready;
  // The subscribe message is handled after the connection is acknowledged: give it a moment to reach the pub/sub.
  await new Promise((r) => setTimeout(r, 300));
  return {
    events,
    errors,
    async waitFor(n, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (events.length < n) {
        if (Date.now() > until) throw new Error(`waited for ${n} events, got ${events.length} (errors: ${JSON.stringify(errors)})`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return events;
    },
    close: () => client.dispose() as Promise<void>,
  };
}
