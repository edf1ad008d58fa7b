import { describe, expect, it, vi } from 'vitest';
import { ClientError, describeError, GraphQLClient, type Transport, type TransportRequest } from '../src/client';
import { CreateOrderDocument, MeDocument } from '../src/generated/graphql';

function transportOf(...answers: Array<{ status?: number; headers?: Record<string, string>; body: unknown } | Error>) {
  const sent: TransportRequest[] = [];
  const transport: Transport = vi.fn(async (req: TransportRequest) => {
    sent.push(req);
    const a = answers.shift();
    if (!a) throw new Error('no more answers');
    if (a instanceof Error) throw a;
    return { status: a.status ?? 200, headers: a.headers ?? {}, body: a.body };
  });
  return { transport, sent };
}

describe('GraphQLClient', () => {
  it('sends the typed document with its persisted-query hash and the token', async () => {
    const { transport, sent } = transportOf({ body: { data: { me: { id: '1', nickname: null, createdAt: '2026-11-01T00:00:00Z' } } } });
    const client = new GraphQLClient({ url: '/graphql', transport, getToken: () => 'tok' });
    const me = await client.request(MeDocument);
    expect(me.me.id).toBe('1');
    const body = JSON.parse(sent[0].body);
    expect(body).toMatchObject({ operationName: 'Me', query: MeDocument.query, extensions: { persistedQuery: { version: 1, sha256Hash: MeDocument.hash } } });
    expect(sent[0].headers.authorization).toBe('Bearer tok');
  });

  it('turns GraphQL errors into coded errors with sentences in both languages', async () => {
    const { transport } = transportOf({ body: { data: null, errors: [{ message: 'At most 9 passengers', extensions: { code: 'TOO_MANY_PASSENGERS', max: 9 } }] } });
    const client = new GraphQLClient({ url: '/graphql', transport });
    const err = await client.request(CreateOrderDocument, { input: { items: [] } }).catch((e) => e);
    expect(err).toBeInstanceOf(ClientError);
    expect(err.code).toBe('TOO_MANY_PASSENGERS');
    expect(err.sentence('zh')).toBe('每个订单最多 9 位乘客，请分开下单。');
    expect(err.sentence('en')).toContain('at most 9 passengers');
    expect(describeError(new Error('x'))).toBe('出了点问题，请稍后再试。');
  });

  it('logs in again once on UNAUTHENTICATED and retries with the new token', async () => {
    let token = 'old';
    const { transport, sent } = transportOf(
      { body: { errors: [{ message: 'expired', extensions: { code: 'UNAUTHENTICATED' } }] } },
      { body: { data: { me: { id: '2', nickname: null, createdAt: 'x' } } } },
    );
    const onUnauthenticated = vi.fn(async () => {
      token = 'new';
      return true;
    });
    const client = new GraphQLClient({ url: '/graphql', transport, getToken: () => token, onUnauthenticated });
    expect((await client.request(MeDocument)).me.id).toBe('2');
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
    expect(sent.map((r) => r.headers.authorization)).toEqual(['Bearer old', 'Bearer new']);
  });

  it('says NETWORK_ERROR or TIMEOUT when no answer came', async () => {
    const client = new GraphQLClient({ url: '/graphql', transport: transportOf(new Error('request:fail'), new Error('request:fail timeout')).transport });
    expect((await client.request(MeDocument).catch((e) => e)).code).toBe('NETWORK_ERROR');
    const second = await client.request(MeDocument).catch((e) => e);
    expect(second.code).toBe('TIMEOUT');
    expect(second.sentence()).toBe('网络超时，请稍后重试。');
  });

  it("keeps the server's clock from the Date header", async () => {
    const serverTime = Date.now() + 5 * 60_000;
    const { transport } = transportOf({ headers: { Date: new Date(serverTime).toUTCString() }, body: { data: { me: { id: '1' } } } });
    const client = new GraphQLClient({ url: '/graphql', transport });
    await client.request(MeDocument);
    expect(Math.abs(client.serverNow() - serverTime)).toBeLessThan(2000);
  });
});
