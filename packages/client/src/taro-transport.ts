import type { Transport } from './client';

/** The parts of a mini-program request (`Taro.request` / `wx.request`) used here. */
export type MiniRequest = (opts: {
  url: string;
  method: string;
  header: Record<string, string>;
  data: string;
  timeout?: number;
  dataType: 'json';
  responseType: 'text';
}) => Promise<{ statusCode: number; header?: unknown; data: unknown }>;

/**
 * The GraphQL client's transport over a mini-program's `request` (mini-programs have no fetch; Taro
 * uses the same call on H5). Taro is injected, as for the socket, so this package stays free of it.
 */
export function miniProgramTransport(request: MiniRequest): Transport {
  return async (req) => {
    const res = await request({ url: req.url, method: req.method, header: req.headers, data: req.body, timeout: req.timeoutMs, dataType: 'json', responseType: 'text' });
    return { status: res.statusCode, headers: (res.header ?? {}) as Record<string, string>, body: res.data };
  };
}
