/** Set-up shared by redemption and notify: travellers in SQL, orders and payments through the real API. */
import { withClient } from '../lib/db.js';
import { runLoad, type LoadRequest } from '../lib/load.js';
import type { ServerProcess } from '../lib/server.js';
import { figuresOf, type RunFigures } from '../lib/stats.js';

export interface PendingOrder {
  id: number;
  total: number;
}

/** Inserts `n` travellers with dev tokens `${prefix}1…n` (test mode looks them up by token). */
export async function addTravellers(dbUrl: string, prefix: string, n: number): Promise<void> {
  await withClient(dbUrl, (c) => c.query(`INSERT INTO traveller (dev_token, nickname) SELECT $1 || g, 'bench' FROM generate_series(1, $2::int) g`, [prefix, n]));
}

/** POST /orders for each item body, from the load generator (closed loop, 32 connections); returns the run's figures. */
export async function createOrders(server: ServerProcess, bodies: Array<{ token: string; body: unknown }>): Promise<RunFigures> {
  const requests: LoadRequest[] = bodies.map((b) => ({ method: 'POST', path: '/orders', headers: { authorization: `Bearer ${b.token}` }, body: JSON.stringify(b.body) }));
  return figuresOf(await runLoad({ host: server.host, port: server.port, mode: 'closed', connections: 32, requests, timeoutMs: 30_000, maxDurationMs: 300_000 }));
}

/**
 * The PENDING orders of travellers whose dev token starts with `prefix`, in traveller order
 * (`${prefix}1` first): callers split them by position into the server's and the SQL floor's, and the
 * server's tickets are fetched by traveller. Ordering by order id mixed the two at the boundary, since
 * concurrent POST /orders commit out of order ("4 scans gave nothing redeemable").
 */
export async function pendingOrders(dbUrl: string, prefix: string): Promise<PendingOrder[]> {
  return withClient(dbUrl, async (c) =>
    (
      await c.query<{ id: number; total: number }>(
        `SELECT o.id, o.total_amount AS total FROM orders o JOIN traveller t ON t.id = o.traveller_id
          WHERE o.status = 'PENDING' AND t.dev_token LIKE $1 || '%' ORDER BY t.id, o.id`,
        [prefix],
      )
    ).rows.map((r) => ({ id: Number(r.id), total: Number(r.total) })),
  );
}

/** The mock gateway's notify for each order (POST /payments/notify, no auth). */
export function notifyRequests(orders: PendingOrder[], txnPrefix: string): LoadRequest[] {
  return orders.map((o) => ({
    method: 'POST',
    path: '/payments/notify',
    body: JSON.stringify({ order_id: o.id, gateway_txn_id: `${txnPrefix}${o.id}`, status: 'SUCCESS', amount: o.total }),
  }));
}
