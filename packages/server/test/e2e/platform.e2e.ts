import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type Socket } from 'node:net';
import { WebSocket } from 'ws';
import { createClient } from 'graphql-ws';
import { startTestServer, type TestServer } from '../support/harness.js';
import { staffLogin } from '../support/redemption-fixtures.js';

describe('platform: health, metrics, playground, GraphQL hygiene', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('answers /healthz, /readyz with database and Redis, and Prometheus /metrics', async () => {
    expect((await s.rest('GET', '/healthz')).body).toEqual({ status: 'ok' });
    const ready = await s.rest('GET', '/readyz');
    expect(ready).toEqual({ status: 200, body: { status: 'ready', database: true, redis: true } });
    const metrics = await fetch(`${s.url}/metrics`).then((r) => r.text());
    expect(metrics).toContain('http_request_duration_seconds');
    expect(metrics).toContain('process_cpu_user_seconds_total');
  });

  it('serves the GraphiQL playground and its assets from this server', async () => {
    const page = await fetch(`${s.url}/graphql`, { headers: { accept: 'text/html' } });
    const html = await page.text();
    expect(html).toContain('/graphiql/graphiql.js');
    expect(html).not.toMatch(/https?:\/\/(unpkg|cdn|jsdelivr)/);
    for (const asset of ['/graphiql/graphiql.js', '/graphiql/graphiql.css', '/graphiql/react.js', '/graphiql/react-dom.js']) {
      const res = await fetch(`${s.url}${asset}`);
      expect(res.status).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
  });

  it('an id no row can have (beyond PostgreSQL int) is bad input with a code, never a 500', async () => {
    const huge = '99999999999';
    const codeOf = (r: { errors?: Array<{ extensions?: { code?: string } }> }) => r.errors?.[0]?.extensions?.code;
    // Ids parsed as Number(...) go to the database as they are: its range error is the request's fault.
    expect(codeOf(await s.gql(`query($id: ID!) { order(id: $id) { id } }`, { id: huge }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await s.gql(`mutation($id: ID!) { cancelOrder(orderId: $id) { id } }`, { id: huge }))).toBe('BAD_USER_INPUT');
    const rest = await s.rest('GET', `/orders/${huge}`, undefined, 'user123');
    expect(rest.status).toBe(400);
    expect(rest.body.error.code).toBe('BAD_USER_INPUT');
    const order = await s.rest('POST', '/orders', { items: [{ product_id: Number(huge), qty: 1 }] }, 'user123');
    expect(order.status).toBeGreaterThanOrEqual(400);
    expect(order.status).toBeLessThan(500);
    // Ids parsed by toId are refused before any statement.
    const staff = await staffLogin(s, 'turbojet-staff', 'TURBOJET-T1');
    const redeemHuge = await s.gql(`mutation { redeem(ticketId: "${huge}", lineId: "1") { id } }`, {}, staff);
    expect(redeemHuge.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'ticketId' } });
  });

  it('refuses queries that are too deep or too costly, with coded errors', async () => {
    const shallow = await startTestServer({ env: { GRAPHQL_MAX_DEPTH: '4' } });
    try {
      const tooDeep = await shallow.gql(
        `{ searchOffers(input:{origin:"SZX",destination:"HKG",date:"2099-01-01"}) { offers { trip { route { origin { city { code } } } } } } }`,
      );
      expect(tooDeep.status).toBe(400);
      expect(tooDeep.errors?.[0].message).toMatch(/exceeds maximum operation depth/);
    } finally {
      await shallow.close();
    }
    const aliases = Array.from({ length: 100 }, (_, i) => `c${i}: cities { code nameZh nameEn pinyin isHot id }`).join(' ');
    const costly = await s.gql(`{ ${aliases} }`);
    expect(costly.errors?.[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('gives malformed JSON a 400 with a JSON body, unknown routes a JSON 404, bad tokens a 401', async () => {
    const bad = await s.rest('POST', '/graphql', '{"query": ');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].extensions.code).toBe('BAD_REQUEST');
    const none = await s.rest('GET', '/nowhere');
    expect(none).toEqual({ status: 404, body: { error: { code: 'NOT_FOUND', message: 'No route GET /nowhere' } } });
    const unauth = await s.gql('{ health }', {}, 'not-a-token');
    expect(unauth.status).toBe(401);
    expect(unauth.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('admission control: above HTTP_MAX_IN_FLIGHT, answers 429 BUSY_RETRY with Retry-After at once, then admits again', async () => {
    const tiny = await startTestServer({ env: { HTTP_MAX_IN_FLIGHT: '2' } });
    const sockets: Socket[] = [];
    try {
      const port = Number(new URL(tiny.url).port);
      const body = JSON.stringify({ query: '{ health }' });
      /** A request held in flight: headers sent with `Expect: 100-continue`, the body only when asked. */
      const hold = () =>
        new Promise<{ socket: Socket; text: () => string }>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1');
          sockets.push(socket);
          let buf = '';
          socket.on('error', reject);
          socket.on('data', (d) => {
            buf += d.toString('utf8');
            // The server answers 100 Continue right after it emitted the request, i.e. once it counts it in flight.
            if (buf.includes('100 Continue')) resolve({ socket, text: () => buf });
          });
          socket.write(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`);
        });
      const held = [await hold(), await hold()];

      // Two in flight = the limit: the next requests are refused at once, GraphQL and REST alike, with a stable code.
      const busy = await fetch(`${tiny.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(busy.status).toBe(429);
      expect(busy.headers.get('retry-after')).toBe('1');
      expect(((await busy.json()) as any).errors[0].extensions).toEqual({ code: 'BUSY_RETRY', retryAfterSeconds: 1 });
      const busyRest = await tiny.rest('GET', '/products/1');
      expect(busyRest.status).toBe(429);
      expect(busyRest.body.error.retryAfterSeconds).toBe(1);
      expect(busyRest.body.error.code).toBe('BUSY_RETRY');
      // Probes are never refused: the load balancer must still see the instance alive and ready.
      expect((await tiny.rest('GET', '/healthz')).status).toBe(200);
      expect((await tiny.rest('GET', '/readyz')).status).toBe(200);

      // The held requests complete normally once their bodies arrive.
      for (const h of held) h.socket.write(body);
      for (const h of held) {
        for (let i = 0; i < 100 && !/"health":"ok"/.test(h.text()); i++) await new Promise((r) => setTimeout(r, 20));
        expect(h.text()).toMatch(/HTTP\/1\.1 200 OK[\s\S]*"health":"ok"/);
      }
      // And the slots are free again.
      let after = 0;
      for (let i = 0; i < 50 && after !== 200; i++) {
        after = (await tiny.gql('{ health }')).status;
        if (after !== 200) await new Promise((r) => setTimeout(r, 20));
      }
      expect(after).toBe(200);
    } finally {
      for (const socket of sockets) socket.destroy();
      await tiny.close();
    }
  });

  it('accepts graphql-ws connections on /graphql', async () => {
    const client = createClient({ url: s.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams: { authorization: 'Bearer user123' } });
    const result = await new Promise<any>((resolve, reject) => {
      client.subscribe({ query: '{ health }' }, { next: resolve, error: reject, complete: () => undefined });
    });
    expect(result.data.health).toBe('ok');
    await client.dispose();
  });
});
