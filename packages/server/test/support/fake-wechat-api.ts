/**
 * A fake of WeChat's mini-program server API (api.weixin.qq.com) for e2e tests, speaking the real
 * endpoints and bodies:
 *
 * - `GET /sns/jscode2session?appid=…&secret=…&js_code=…&grant_type=authorization_code` (login) →
 *   `{openid, session_key, unionid?}` for a code added with `addCode`, else 40029 (invalid code),
 *   40163 (code already used), 40013/40125 (bad appid/secret).
 * - `GET /cgi-bin/token?grant_type=client_credential&appid=…&secret=…` → `{access_token, expires_in}`
 *   or `{errcode, errmsg}` (40002 bad grant_type, 40013 bad appid, 40125 bad secret). As on WeChat,
 *   fetching a new token leaves the previous one valid for a grace period only (here: until the next
 *   fetch after it), so instances that each fetched their own would keep breaking each other.
 * - `POST /cgi-bin/message/subscribe/send?access_token=…` with `{touser, template_id, page, data,
 *   miniprogram_state, lang}` → `{errcode: 0, errmsg: "ok", msgid}` or an error: 41001 no token,
 *   40001 invalid token, 42001 expired token, 40003 bad openid, 40037 unknown template, 47003 a
 *   value that breaks its field's rules, 43101 the user refused (see `refuse`).
 *
 * Every request is recorded; tests script failures (`setNextError` for the next request of any
 * endpoint, `failNext` for subscribe sends), expire or revoke tokens, and hold sends in flight
 * (`hold` / `release`) to race two dispatchers. State lives in memory.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake received, and what it answered. */
export interface FakeApiRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: string;
  json?: any;
  /** The JSON answered (undefined when the connection was dropped). */
  answer?: any;
  status?: number;
}

/** A subscribe message the fake accepted. */
export interface FakeSubscribeMessage {
  touser: string;
  template_id: string;
  page?: string;
  data: Record<string, { value: string }>;
  miniprogram_state?: string;
  lang?: string;
  msgid: string;
  access_token: string;
}

/** A scripted answer for the next sends: a WeChat error body, an HTTP 500, or a dropped connection. */
export type FakeFailure = { errcode: number; errmsg: string } | 'http500' | 'drop';

export interface FakeWechatApiOptions {
  /** The mini-program's AppID and AppSecret (defaults: a fixed fake pair). */
  appid?: string;
  secret?: string;
  /** Template ids the fake knows; others answer 40037 (default: any id is accepted). */
  templateIds?: string[];
  /** `expires_in` of issued tokens (WeChat: 7200). */
  expiresIn?: number;
}

export interface FakeWechatApi {
  appid: string;
  secret: string;
  /** The base URL to put in WECHAT_API_BASE_URL (`url` is the same). */
  baseUrl: string;
  url: string;
  requests: FakeApiRequest[];
  /** Accepted subscribe messages, in order. */
  sent: FakeSubscribeMessage[];
  /** How many tokens were issued. */
  tokensIssued(): number;
  /** Makes a `wx.login` code valid once, for this openid. */
  addCode(code: string, openid: string, unionid?: string): void;
  /** The next request, to any endpoint, answers this WeChat error. */
  setNextError(errcode: number, errmsg: string): void;
  /** The next `times` sends (after the token check) get `failure`. */
  failNext(times: number, failure: FakeFailure): void;
  /** Sends to this openid (optionally only for one template) answer 43101. */
  refuse(openid: string, templateId?: string): void;
  /** Every issued token now answers 42001 (expired). */
  expireTokens(): void;
  /** Every issued token now answers 40001 (invalid / not latest). */
  revokeTokens(): void;
  /** Holds every later send until `release` (they are counted by `held`). */
  hold(): void;
  release(): void;
  held(): number;
  /** Resolves once `n` sends are being held. */
  waitForHeld(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const rid = () => `${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}`;

/** WeChat's value rules by key type (the key's prefix); returns a problem or null. */
function checkValue(key: string, value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return `data.${key}.value is empty`;
  const type = key.replace(/\d+$/, '');
  const n = Array.from(value).length;
  const rules: Record<string, () => boolean> = {
    thing: () => n <= 20,
    character_string: () => n <= 32 && /^[\x21-\x7e]+$/.test(value),
    number: () => n <= 32 && /^[0-9.]+$/.test(value),
    letter: () => n <= 32 && /^[A-Za-z]+$/.test(value),
    symbol: () => n <= 5,
    phrase: () => n <= 5 && /^[\u4e00-\u9fff]+$/.test(value),
    amount: () => /^[¥$€£]?(HK\$)?\d{1,10}(\.\d{1,2})?元?$/.test(value),
    time: () => /\d{1,2}:\d{2}/.test(value),
    date: () => /\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{2}-\d{2}/.test(value),
    name: () => n <= 20,
    phone_number: () => n <= 17,
    car_number: () => n <= 8,
  };
  const rule = rules[type];
  if (!rule) return `data.${key} is not a valid keyword`;
  return rule() ? null : `data.${key}.value invalid`;
}

export async function startFakeWechatApi(options: FakeWechatApiOptions = {}): Promise<FakeWechatApi> {
  const opts = { appid: 'wxfake0000000001', secret: 'fakesecret0123456789abcdef012345', ...options };
  const codes = new Map<string, { openid: string; unionid?: string; used: boolean }>();
  let nextError: { errcode: number; errmsg: string } | null = null;
  const requests: FakeApiRequest[] = [];
  const sent: FakeSubscribeMessage[] = [];
  const failures: FakeFailure[] = [];
  const refused = new Set<string>();
  /** token → state */
  const tokens = new Map<string, 'valid' | 'expired' | 'revoked'>();
  let issued = 0;
  let latest: string | null = null;
  let previous: string | null = null;
  let holding = false;
  let waiting: Array<() => void> = [];
  let msgSeq = 0n;

  const answer = (res: ServerResponse, rec: FakeApiRequest, body: unknown, status = 200, raw?: string) => {
    rec.answer = body;
    rec.status = status;
    res.writeHead(status, { 'content-type': 'application/json; encoding=utf-8' });
    res.end(raw ?? JSON.stringify(body));
  };

  const tokenState = (t: string | undefined) => {
    if (!t) return 41001;
    const s = tokens.get(t);
    if (!s || s === 'revoked' || (t !== latest && t !== previous)) return 40001;
    if (s === 'expired') return 42001;
    return 0;
  };

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const rec: FakeApiRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), body };
    try {
      rec.json = body ? JSON.parse(body) : undefined;
    } catch {
      /* not JSON */
    }
    requests.push(rec);

    if (nextError) {
      const e = nextError;
      nextError = null;
      return answer(res, rec, { errcode: e.errcode, errmsg: `${e.errmsg} rid: ${rid()}` });
    }

    if (url.pathname === '/sns/jscode2session' && req.method === 'GET') {
      const q = rec.query;
      if (q.appid !== opts.appid) return answer(res, rec, { errcode: 40013, errmsg: `invalid appid rid: ${rid()}` });
      if (q.secret !== opts.secret) return answer(res, rec, { errcode: 40125, errmsg: `invalid appsecret rid: ${rid()}` });
      if (q.grant_type !== 'authorization_code') return answer(res, rec, { errcode: 40002, errmsg: `invalid grant_type rid: ${rid()}` });
      const c = codes.get(q.js_code ?? '');
      if (!c) return answer(res, rec, { errcode: 40029, errmsg: `invalid code rid: ${rid()}` });
      if (c.used) return answer(res, rec, { errcode: 40163, errmsg: `code been used rid: ${rid()}` });
      c.used = true;
      return answer(res, rec, { openid: c.openid, session_key: randomBytes(16).toString('base64'), ...(c.unionid ? { unionid: c.unionid } : {}) });
    }

    if (url.pathname === '/cgi-bin/token' && req.method === 'GET') {
      const q = rec.query;
      if (q.grant_type !== 'client_credential') return answer(res, rec, { errcode: 40002, errmsg: `invalid grant_type rid: ${rid()}` });
      if (q.appid !== opts.appid) return answer(res, rec, { errcode: 40013, errmsg: `invalid appid rid: ${rid()}` });
      if (q.secret !== opts.secret) return answer(res, rec, { errcode: 40125, errmsg: `invalid appsecret rid: ${rid()}` });
      const token = `${issued + 1}_${randomBytes(48).toString('base64url')}`;
      issued++;
      tokens.set(token, 'valid');
      previous = latest;
      latest = token;
      return answer(res, rec, { access_token: token, expires_in: opts.expiresIn ?? 7200 });
    }

    if (url.pathname === '/cgi-bin/message/subscribe/send' && req.method === 'POST') {
      const tokenCode = tokenState(rec.query.access_token);
      if (tokenCode === 41001) return answer(res, rec, { errcode: 41001, errmsg: `access_token missing rid: ${rid()}` });
      if (tokenCode === 40001) return answer(res, rec, { errcode: 40001, errmsg: `invalid credential, access_token is invalid or not latest rid: ${rid()}` });
      if (tokenCode === 42001) return answer(res, rec, { errcode: 42001, errmsg: `access_token expired rid: ${rid()}` });
      if (holding) await new Promise<void>((r) => waiting.push(r));
      const failure = failures.shift();
      if (failure === 'drop') {
        rec.answer = undefined;
        req.socket.destroy();
        return;
      }
      if (failure === 'http500') return answer(res, rec, { message: 'Internal Server Error' }, 500);
      if (failure) return answer(res, rec, { ...failure, errmsg: `${failure.errmsg} rid: ${rid()}` });
      const m = rec.json as Partial<FakeSubscribeMessage> | undefined;
      if (!m || typeof m !== 'object') return answer(res, rec, { errcode: 47001, errmsg: `data format error rid: ${rid()}` });
      if (!m.touser) return answer(res, rec, { errcode: 40003, errmsg: `invalid openid rid: ${rid()}` });
      if (!m.template_id || (opts.templateIds && !opts.templateIds.includes(m.template_id))) return answer(res, rec, { errcode: 40037, errmsg: `invalid template id rid: ${rid()}` });
      if (m.miniprogram_state && !['developer', 'trial', 'formal'].includes(m.miniprogram_state)) {
        return answer(res, rec, { errcode: 47003, errmsg: `argument invalid! miniprogram_state rid: ${rid()}` });
      }
      for (const [key, v] of Object.entries(m.data ?? {})) {
        const problem = checkValue(key, (v as { value?: unknown })?.value);
        if (problem) return answer(res, rec, { errcode: 47003, errmsg: `argument invalid! ${problem} rid: ${rid()}` });
      }
      if (refused.has(m.touser) || refused.has(`${m.touser}|${m.template_id}`)) {
        return answer(res, rec, { errcode: 43101, errmsg: `user refuse to accept the msg rid: ${rid()}` });
      }
      // A 64-bit msgid, written as a bare number as WeChat does (more digits than a double keeps).
      const msgid = (1_700_000_000_000_000_000n + ++msgSeq).toString();
      sent.push({ ...(m as FakeSubscribeMessage), msgid, access_token: rec.query.access_token });
      return answer(res, rec, { errcode: 0, errmsg: 'ok', msgid }, 200, `{"errcode":0,"errmsg":"ok","msgid":${msgid}}`);
    }

    return answer(res, rec, { errcode: 404, errmsg: 'not found' }, 404);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    appid: opts.appid,
    secret: opts.secret,
    baseUrl,
    url: baseUrl,
    requests,
    sent,
    tokensIssued: () => issued,
    addCode: (code, openid, unionid) => {
      codes.set(code, { openid, unionid, used: false });
    },
    setNextError: (errcode, errmsg) => {
      nextError = { errcode, errmsg };
    },
    failNext: (times, failure) => {
      for (let i = 0; i < times; i++) failures.push(failure);
    },
    refuse: (openid, templateId) => refused.add(templateId ? `${openid}|${templateId}` : openid),
    expireTokens: () => {
      for (const t of tokens.keys()) tokens.set(t, 'expired');
    },
    revokeTokens: () => {
      for (const t of tokens.keys()) tokens.set(t, 'revoked');
    },
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      const w = waiting;
      waiting = [];
      for (const r of w) r();
    },
    held: () => waiting.length,
    waitForHeld: async (n, timeoutMs = 10_000) => {
      const until = Date.now() + timeoutMs;
      while (waiting.length < n) {
        if (Date.now() > until) throw new Error(`fake WeChat API: only ${waiting.length} of ${n} sends held`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: async () => {
      holding = false;
      for (const r of waiting) r();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
