import Taro from '@tarojs/taro';
import { GraphQLClient, LoginWithWechatDocument, RefreshSessionDocument, type Operation } from '@deeptravel/client';
import { taroTransport } from './taro-transport';
import { readSession, writeSession } from './session';

/** True in the mini-program; false on H5 (a browser, or WeChat's browser). */
export const IS_WEAPP = process.env.TARO_ENV === 'weapp';

/** The GraphQL endpoint; REST routes (the mock payment notify) sit beside it. */
export const API_URL = DT_API_URL;
export const API_BASE = API_URL.replace(/\/graphql$/, '');

/** H5 outside WeChat cannot call wx.login: a dev/test token, overridable with `?token=` once. */
function h5Token(): string | null {
  try {
    const fromUrl = typeof location !== 'undefined' ? new URLSearchParams(location.search).get('token') : null;
    if (fromUrl) Taro.setStorageSync('dt.h5token', fromUrl);
    return fromUrl || Taro.getStorageSync('dt.h5token') || DT_DEV_TOKEN || null;
  } catch {
    return DT_DEV_TOKEN || null;
  }
}

let loggingIn: Promise<boolean> | null = null;

/** Logs in with wx.login → loginWithWechat (weapp only); one at a time. */
export function login(): Promise<boolean> {
  if (!IS_WEAPP) return Promise.resolve(false);
  loggingIn ??= (async () => {
    try {
      const { code } = await Taro.login();
      const bare = new GraphQLClient({ url: API_URL, transport: taroTransport });
      const s = (await bare.request(LoginWithWechatDocument, { code })).loginWithWechat;
      writeSession({ token: s.token, expiresAt: Date.parse(s.expiresAt) });
      return true;
    } catch {
      return false;
    } finally {
      loggingIn = null;
    }
  })();
  return loggingIn;
}

/** The bearer token now (weapp: the session; H5: the dev token). */
export function currentToken(): string | null {
  return (IS_WEAPP ? readSession()?.token : h5Token()) ?? null;
}

/** The graphql-ws endpoint: the GraphQL URL with ws(s), or this page's origin on H5 (`/graphql`). */
export function wsUrl(): string {
  if (/^https?:\/\//.test(API_URL)) return API_URL.replace(/^http/, 'ws');
  const loc = typeof location !== 'undefined' ? location : { protocol: 'http:', host: '127.0.0.1:8080' };
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}${API_URL}`;
}

/** The one client of the app: the token, re-login on UNAUTHENTICATED, the server's clock. */
export const client = new GraphQLClient({
  url: API_URL,
  transport: taroTransport,
  getToken: () => currentToken() ?? undefined,
  onUnauthenticated: IS_WEAPP ? login : undefined,
});

/** Shortcut for `client.request`. */
export function gql<R, V>(op: Operation<R, V>, variables?: V): Promise<R> {
  return client.request(op, variables);
}

/** At launch: log in if there is no session, refresh it when less than a day is left. */
export async function ensureSession(): Promise<void> {
  if (!IS_WEAPP) return;
  const s = readSession();
  if (!s || s.expiresAt < Date.now() + 60_000) {
    await login();
    return;
  }
  if (s.expiresAt < Date.now() + 86400_000) {
    try {
      const r = (await client.request(RefreshSessionDocument)).refreshSession;
      writeSession({ token: r.token, expiresAt: Date.parse(r.expiresAt) });
    } catch {
      /* the next request logs in again */
    }
  }
}
