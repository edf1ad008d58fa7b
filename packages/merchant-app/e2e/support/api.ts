import { E2E_PERSISTED_QUERY_HEADERS } from '../../../server/test/support/api-server-process';

/** Direct calls to the server beside the app (set-up and checks the UI cannot do). */
export function apiClient(url: string) {
  const gql = async <T = any>(query: string, variables: Record<string, unknown> = {}, token: string | null = null): Promise<T> => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      // Free-form documents: the server enforces persisted queries for the app, these set-up calls carry the bypass key.
      headers: { 'content-type': 'application/json', ...E2E_PERSISTED_QUERY_HEADERS, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data: T; errors?: any[] };
    if (body.errors) throw new Error(`${query.slice(0, 60)}…: ${JSON.stringify(body.errors)}`);
    return body.data;
  };
  const rest = async (method: string, path: string, body?: unknown, token: string | null = 'user123') => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  let txn = 0;
  return {
    gql,
    rest,
    /** Orders and pays `qty` 3-in-1 passes (product 101) as user123; the passenger tickets' codes (shared ticket last). */
    async buyPass(qty = 1): Promise<{ orderId: number; codes: string[] }> {
      const order = await rest('POST', '/orders', { items: [{ product_id: 101, qty }] });
      if (order.status !== 200) throw new Error(`order: ${JSON.stringify(order.body)}`);
      const paid = await rest('POST', '/payments/notify', {
        order_id: order.body.order_id, gateway_txn_id: `T-merchant-e2e-${Date.now()}-${++txn}`, status: 'SUCCESS', amount: order.body.total_amount,
      }, null);
      if (paid.status !== 200) throw new Error(`pay: ${JSON.stringify(paid.body)}`);
      const mine = await rest('GET', '/my/tickets');
      const tickets = mine.body.tickets.filter((t: any) => t.order_id === order.body.order_id).sort((a: any, b: any) => Number(a.shared) - Number(b.shared));
      return { orderId: order.body.order_id, codes: tickets.map((t: any) => t.ticket_code) };
    },
    /** Orders and pays `qty` tickets of one departure (a trip of the product's route) as user123; their codes. */
    async buyTrip(productId: number, tripId: string, qty = 1): Promise<string[]> {
      const order = await rest('POST', '/orders', { items: [{ product_id: productId, trip_id: Number(tripId), qty }] });
      if (order.status !== 200) throw new Error(`order: ${JSON.stringify(order.body)}`);
      const paid = await rest('POST', '/payments/notify', {
        order_id: order.body.order_id, gateway_txn_id: `T-merchant-e2e-${Date.now()}-${++txn}`, status: 'SUCCESS', amount: order.body.total_amount,
      }, null);
      if (paid.status !== 200) throw new Error(`pay: ${JSON.stringify(paid.body)}`);
      const mine = await rest('GET', '/my/tickets');
      return mine.body.tickets.filter((t: any) => t.order_id === order.body.order_id).map((t: any) => t.ticket_code as string);
    },
    /** The traveller's current QR payload of a ticket (as the wallet refreshes it). */
    async qrOf(code: string): Promise<string> {
      const r = await rest('GET', `/my/tickets/${code}`);
      return r.body.qr_payload;
    },
  };
}
