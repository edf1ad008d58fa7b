import Taro from '@tarojs/taro';
import type { Transport } from '@deeptravel/client';

/** The GraphQL client's transport over `Taro.request` (weapp and H5 alike; mini-programs have no fetch). */
export const taroTransport: Transport = async (req) => {
  const res = await Taro.request({
    url: req.url,
    method: req.method,
    header: req.headers,
    data: req.body,
    timeout: req.timeoutMs,
    dataType: 'json',
    responseType: 'text',
  });
  return { status: res.statusCode, headers: (res.header ?? {}) as Record<string, string>, body: res.data };
};

/** A plain JSON POST over Taro.request (the mock payment notify on H5). */
export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await Taro.request({ url, method: 'POST', header: { 'content-type': 'application/json', ...headers }, data: JSON.stringify(body), dataType: 'json' });
  return { status: res.statusCode, body: res.data };
}
