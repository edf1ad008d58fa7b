import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WebSocket } from 'ws';
import { createClient } from 'graphql-ws';
import { startTestServer, type TestServer } from '../support/harness.js';

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

  it('accepts graphql-ws connections on /graphql', async () => {
    const client = createClient({ url: s.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams: { authorization: 'Bearer user123' } });
    const result = await new Promise<any>((resolve, reject) => {
      client.subscribe({ query: '{ health }' }, { next: resolve, error: reject, complete: () => undefined });
    });
    expect(result.data.health).toBe('ok');
    await client.dispose();
  });
});
