import Taro from '@tarojs/taro';
import { createClient, type Client } from 'graphql-ws';
import {
  miniProgramWebSocket,
  type ConnectSocket,
  MerchantRedemptionLogsDocument, MerchantRedemptionRecordedDocument, type MerchantRedemptionFragment, type MerchantRedemptionLogsQuery,
} from '@deeptravel/client';
import { startOfDayHk } from '../lib/format';
import { createStore } from '../lib/store';
import { client, IS_WEAPP, serverNow, wsUrl } from './client';
import { currentToken } from './device';

/** One redemption in the live log (from the feed, or caught up from the log). */
export interface LiveEntry {
  id: string;
  at: string;
  terminalCode: string;
  staffUsername: string;
  ticketCode: string;
  productName: string;
  lineName: string;
  passengerName: string | null;
  /** Arrived over the feed while this page was open (highlighted). */
  fresh: boolean;
}

export interface LiveState {
  status: 'connecting' | 'live' | 'reconnecting' | 'stopped';
  entries: LiveEntry[];
  /** Reconnections so far (each one catches up from the log). */
  reconnects: number;
  error: string | null;
}

export const liveStore = createStore<LiveState>({ status: 'stopped', entries: [], reconnects: 0, error: null });

function merge(entries: LiveEntry[], more: LiveEntry[]): LiveEntry[] {
  const byId = new Map(entries.map((e) => [e.id, e]));
  for (const e of more) if (!byId.has(e.id)) byId.set(e.id, e);
  return [...byId.values()].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : Number(b.id) - Number(a.id)));
}

function fromFeed(r: MerchantRedemptionFragment): LiveEntry {
  return {
    id: String(r.id), at: r.at, terminalCode: r.terminalCode, staffUsername: r.staffUsername, ticketCode: r.ticketCode,
    productName: r.productName, lineName: r.lineName, passengerName: r.passengerName, fresh: true,
  };
}

/** Today's redemptions from the log (what the feed may have missed while disconnected). */
async function catchUp(): Promise<void> {
  const from = startOfDayHk(serverNow()).toISOString();
  let after: string | null = null;
  const got: LiveEntry[] = [];
  for (let page = 0; page < 10; page++) {
    const res: MerchantRedemptionLogsQuery['redemptionLogs'] = (await client.request(MerchantRedemptionLogsDocument, {
      filter: { from, action: 'REDEEM', result: 'ALLOWED' }, first: 200, after,
    })).redemptionLogs;
    for (const e of res.entries) {
      if (!e.redemptionId) continue;
      got.push({
        id: String(e.redemptionId), at: e.at, terminalCode: e.terminalCode, staffUsername: e.staffUsername, ticketCode: e.ticketCode ?? '',
        productName: e.productName ?? '', lineName: e.lineName ?? '', passengerName: null, fresh: false,
      });
    }
    after = res.nextCursor;
    if (!after) break;
  }
  liveStore.set((s) => ({ ...s, entries: merge(s.entries, got) }));
}

/** A WebSocket over Taro.connectSocket, for graphql-ws in the mini-program (it has no WebSocket class): the shared one. */
export const TaroSocket = miniProgramWebSocket(Taro.connectSocket as unknown as ConnectSocket);

let ws: Client | null = null;
let unsubscribe: (() => void) | null = null;

/**
 * Starts the live log: today's redemptions from the log, then the `redemptionRecorded` feed over
 * graphql-ws (Taro.connectSocket on weapp, WebSocket on H5). Drops are retried with back-off
 * (1 s, 2 s, 4 s … 30 s) and every reconnection catches up from the log, so nothing is missed.
 */
export function startLive(terminalId: string | null): void {
  stopLive();
  liveStore.set({ status: 'connecting', entries: [], reconnects: 0, error: null });
  let first = true;
  ws = createClient({
    url: wsUrl(),
    webSocketImpl: IS_WEAPP ? TaroSocket : undefined,
    connectionParams: () => ({ authorization: `Bearer ${currentToken() ?? ''}` }),
    lazy: false,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: async (retries) => {
      liveStore.set((s) => ({ ...s, status: 'reconnecting' }));
      await new Promise((r) => setTimeout(r, Math.min(30_000, 1000 * 2 ** Math.min(retries, 5))));
    },
    on: {
      connected: () => {
        liveStore.set((s) => ({ ...s, status: 'live', error: null, reconnects: first ? s.reconnects : s.reconnects + 1 }));
        first = false;
        void catchUp().catch(() => undefined);
      },
      closed: () => liveStore.set((s) => (s.status === 'stopped' ? s : { ...s, status: 'reconnecting' })),
    },
  });
  unsubscribe = ws.subscribe<{ redemptionRecorded: MerchantRedemptionFragment }>(
    { query: MerchantRedemptionRecordedDocument.query, variables: { terminalId } },
    {
      next: (msg) => {
        const r = msg.data?.redemptionRecorded;
        if (r) liveStore.set((s) => ({ ...s, entries: merge(s.entries, [fromFeed(r)]) }));
      },
      error: (err) => {
        const e = Array.isArray(err) ? err[0] : err;
        liveStore.set((s) => ({ ...s, error: String((e as { message?: string })?.message ?? e) }));
      },
      complete: () => undefined,
    },
  );
}

export function stopLive(): void {
  unsubscribe?.();
  unsubscribe = null;
  void ws?.dispose();
  ws = null;
  liveStore.set((s) => ({ ...s, status: 'stopped' }));
}

/** Counts by product, by line and by terminal (what reconciliation looks at first). */
export function countsOf(entries: LiveEntry[]): { total: number; byProduct: Array<[string, number]>; byLine: Array<[string, number]>; byTerminal: Array<[string, number]> } {
  const tally = (key: (e: LiveEntry) => string) => {
    const m = new Map<string, number>();
    for (const e of entries) m.set(key(e), (m.get(key(e)) ?? 0) + 1);
    return [...m.entries()].sort((a, b) => b[1] - a[1]);
  };
  return { total: entries.length, byProduct: tally((e) => e.productName), byLine: tally((e) => e.lineName), byTerminal: tally((e) => e.terminalCode) };
}
