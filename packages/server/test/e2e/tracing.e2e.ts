import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { startTestServer, type TestServer } from '../support/harness.js';
import { addTrip, CREATE_ORDER } from '../support/fixtures.js';

/** One span as OTLP/HTTP JSON carries it (the fields we check). */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
  status?: { code?: number };
}

const SERVER = 2;
const CLIENT = 3;
const attr = (span: OtlpSpan, key: string) => {
  const v = span.attributes.find((a) => a.key === key)?.value;
  return v ? (v.stringValue ?? v.intValue ?? v.boolValue) : undefined;
};

/**
 * Issue 15: optional OpenTelemetry traces. A local collector speaks OTLP/HTTP (JSON on /v1/traces,
 * what `@opentelemetry/exporter-trace-otlp-http` sends); the server continues the caller's W3C trace.
 */
describe('OpenTelemetry traces to an OTLP collector', () => {
  let collector: Server;
  const received: { service: string | undefined; spans: OtlpSpan[] }[] = [];
  let s: TestServer;

  beforeAll(async () => {
    collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url === '/v1/traces' && req.headers['content-type']?.includes('application/json')) {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          for (const rs of body.resourceSpans ?? []) {
            const service = rs.resource?.attributes?.find((a: any) => a.key === 'service.name')?.value?.stringValue;
            received.push({ service, spans: (rs.scopeSpans ?? []).flatMap((ss: any) => ss.spans ?? []) });
          }
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        } else res.writeHead(404).end();
      });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    const { port } = collector.address() as { port: number };
    s = await startTestServer({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_SERVICE_NAME: 'deeptravel-test' } });
  });

  afterAll(async () => {
    await s?.close();
    await new Promise((r) => collector.close(r));
  });

  it('a GraphQL order continues the caller trace: server span named after the operation, SQL spans beneath it', async () => {
    const tripId = await addTrip(s, 10);
    const traceId = randomBytes(16).toString('hex');
    const parentId = randomBytes(8).toString('hex');
    const res = await fetch(`${s.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer user123', traceparent: `00-${traceId}-${parentId}-01`, 'x-request-id': 'trace-test-1' },
      body: JSON.stringify({ query: CREATE_ORDER, operationName: 'Create', variables: { input: { items: [{ productId: '1', tripId: String(tripId), qty: 1 }] } } }),
    });
    const body = (await res.json()) as any;
    expect(body.errors).toBeUndefined();
    expect((await fetch(`${s.url}/readyz`)).status).toBe(200);
    await s.app.tracing.flush();

    expect(received.every((r) => r.service === 'deeptravel-test')).toBe(true);
    const spans = received.flatMap((r) => r.spans).filter((sp) => sp.traceId === traceId);
    const server = spans.find((sp) => sp.kind === SERVER);
    expect(server).toBeDefined();
    expect(server!.name).toBe('POST /graphql Create');
    expect(server!.parentSpanId).toBe(parentId);
    expect(attr(server!, 'graphql.operation.name')).toBe('Create');
    expect(attr(server!, 'graphql.operation.type')).toBe('mutation');
    expect(attr(server!, 'http.request.id')).toBe('trace-test-1');
    expect(Number(attr(server!, 'http.response.status_code'))).toBe(200);

    // The order's statement hangs under the request (parameter values are never exported). A one-trip
    // order without a promotion is one autocommit statement (docs/orders.md), so no transaction span.
    const statements = spans.filter((sp) => sp.kind === CLIENT && sp.name.startsWith('pg '));
    expect(statements.every((sp) => /^pg [A-Z]+$/.test(sp.name))).toBe(true);
    const orderStatement = statements.find((sp) => /INSERT INTO orders/i.test(String(attr(sp, 'db.query.text'))));
    expect(orderStatement?.parentSpanId).toBe(server!.spanId);
    expect(String(attr(orderStatement!, 'db.query.text'))).toMatch(/UPDATE trip SET locked/);
    expect(statements.some((sp) => String(attr(sp, 'db.query.text')).includes('user123'))).toBe(false);
    expect(statements.every((sp) => attr(sp, 'db.system.name') === 'postgresql' && typeof attr(sp, 'db.query.text') === 'string')).toBe(true);
    // Probes are not traced.
    expect(received.flatMap((r) => r.spans).some((sp) => sp.name.includes('/readyz'))).toBe(false);
  });

  it('a REST request without a caller trace starts its own; a failing one is marked as an error', async () => {
    const before = received.flatMap((r) => r.spans).length;
    const ok = await s.rest('GET', '/orders/999999');
    expect(ok.status).toBe(404);
    const bad = await fetch(`${s.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
    expect(bad.status).toBe(400);
    await s.app.tracing.flush();
    const spans = received.flatMap((r) => r.spans).slice(before);
    const rest = spans.find((sp) => sp.kind === SERVER && attr(sp, 'url.path') === '/orders/999999');
    expect(rest?.name).toBe('GET /orders/:id');
    expect(rest!.parentSpanId ?? '').toBe('');
    expect(Number(attr(rest!, 'http.response.status_code'))).toBe(404);
    const graphqlBad = spans.find((sp) => sp.kind === SERVER && attr(sp, 'url.path') === '/graphql');
    expect(Number(attr(graphqlBad!, 'http.response.status_code'))).toBe(400);
  });
});
