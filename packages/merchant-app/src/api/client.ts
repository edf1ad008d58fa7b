import Taro from '@tarojs/taro';
import { ClientError, GraphQLClient, type Operation } from '@deeptravel/client';
import { taroTransport } from './taro-transport';
import { currentToken, setSession } from './device';
import { connectivity, noteFailure, noteSuccess } from './connectivity';
import { ROUTES } from '../routes';

/** True in the mini-program; false on H5 (PDAs and desk PCs in a browser). */
export const IS_WEAPP = process.env.TARO_ENV === 'weapp';
export const API_URL = DT_API_URL;

/** The WebSocket URL of the live log (same path as GraphQL). */
export function wsUrl(): string {
  if (/^https?:\/\//.test(API_URL)) return API_URL.replace(/^http/, 'ws');
  const loc = typeof location !== 'undefined' ? location : { protocol: 'http:', host: '127.0.0.1:8080' };
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}${API_URL}`;
}

/** The app's one GraphQL client: the staff token, the server's clock, and connectivity noted on every answer. */
export const client = new GraphQLClient({
  url: API_URL,
  transport: async (req) => {
    try {
      const res = await taroTransport(req);
      noteSuccess();
      return res;
    } catch (err) {
      noteFailure();
      throw err;
    }
  },
  getToken: currentToken,
  timeoutMs: 8000,
});

/** A request; an ended session (UNAUTHENTICATED, disabled terminal or account) goes back to the login page. */
export async function gql<R, V>(op: Operation<R, V>, variables?: V): Promise<R> {
  try {
    return await client.request(op, variables);
  } catch (err) {
    if (err instanceof ClientError && ['UNAUTHENTICATED', 'TERMINAL_DISABLED', 'STAFF_DISABLED', 'MERCHANT_DISABLED'].includes(err.code)) {
      setSession(null);
      void Taro.reLaunch({ url: `${ROUTES.login}?reason=${err.code}` }).catch(() => undefined);
    }
    throw err;
  }
}

/** Now by the server's clock (epoch ms): codes rotate every 30 s, a terminal's clock may be off. */
export function serverNow(): number {
  return connectivity.get().offsetKnown ? Date.now() + client.serverOffsetMs : Date.now();
}

/** True when an error means "no network" (then the app works from its offline bundle). */
export function isNetworkError(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === 'NETWORK_ERROR' || code === 'TIMEOUT';
}
