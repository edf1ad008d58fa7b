import Taro from '@tarojs/taro';
import { miniProgramTransport, type MiniRequest, type Transport } from '@deeptravel/client';

/** The GraphQL client's transport over `Taro.request` (weapp and H5 alike): the shared one. */
export const taroTransport: Transport = miniProgramTransport(Taro.request as unknown as MiniRequest);

/** A plain JSON POST over Taro.request (the mock payment notify on H5). */
export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await Taro.request({ url, method: 'POST', header: { 'content-type': 'application/json', ...headers }, data: JSON.stringify(body), dataType: 'json' });
  return { status: res.statusCode, body: res.data };
}
