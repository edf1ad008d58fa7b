import Taro, { useDidHide, useDidShow } from '@tarojs/taro';
import { createClient, type Client } from 'graphql-ws';
import { miniProgramWebSocket, MyOrderUpdatedDocument, type ConnectSocket, type MyOrderUpdatedSubscription } from '@deeptravel/client';
import { useEffect, useRef, useState } from 'react';
import { currentToken, IS_WEAPP, wsUrl } from './client';

/** An order as `myOrderUpdated` delivers it (the same fields as the order page's query). */
export type LiveOrder = MyOrderUpdatedSubscription['myOrderUpdated'];

let ws: Client | null = null;
let connected = false;

/**
 * The app's one graphql-ws client (Taro.connectSocket on weapp, WebSocket on H5), opened on the
 * first subscription and closed a little after the last; drops are retried with back-off.
 */
function wsClient(): Client {
  ws ??= createClient({
    url: wsUrl(),
    webSocketImpl: IS_WEAPP ? miniProgramWebSocket(Taro.connectSocket as unknown as ConnectSocket) : undefined,
    connectionParams: () => ({ authorization: `Bearer ${currentToken() ?? ''}` }),
    lazy: true,
    lazyCloseTimeout: 3000,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: (retries) => new Promise((r) => setTimeout(r, Math.min(30_000, 1000 * 2 ** Math.min(retries, 5)))),
    on: {
      connected: () => {
        connected = true;
      },
      closed: () => {
        connected = false;
      },
    },
  });
  return ws;
}

/**
 * Follows one of the traveller's orders over graphql-ws (`myOrderUpdated`) while the page is shown:
 * `onOrder` gets the order each time it or one of its tickets changes. `live` is true while the
 * subscription runs; when it is false (no socket, refused, dropped) pages poll instead. WeChat cuts a
 * hidden mini-program's network, so the subscription stops on hide and starts again on show (pages
 * refetch then too). `onLive` runs each time it (re)connects, to catch up on what was missed.
 */
export function useOrderLive(orderId: string | null | undefined, onOrder: (o: LiveOrder) => void, onLive?: () => void): { live: boolean } {
  const [live, setLive] = useState(false);
  const [shown, setShown] = useState(true);
  const handlers = useRef({ onOrder, onLive });
  handlers.current = { onOrder, onLive };
  useDidShow(() => setShown(true));
  useDidHide(() => setShown(false));

  useEffect(() => {
    if (!orderId || !shown) return;
    let stopped = false;
    let failed = false;
    const c = wsClient();
    const offConnected = c.on('connected', () => {
      if (stopped || failed) return;
      setLive(true);
      handlers.current.onLive?.();
    });
    const offClosed = c.on('closed', () => setLive(false));
    const unsubscribe = c.subscribe<MyOrderUpdatedSubscription>(
      { query: MyOrderUpdatedDocument.query, variables: { orderId } },
      {
        next: (msg) => {
          const o = msg.data?.myOrderUpdated;
          if (o && !stopped) handlers.current.onOrder(o);
        },
        // Refused (not the owner, a bad token) or ended: polling takes over.
        error: () => {
          failed = true;
          setLive(false);
        },
        complete: () => setLive(false),
      },
    );
    // Already connected for another page: no 'connected' event will come, so this is live now.
    if (connected && !failed) {
      setLive(true);
      handlers.current.onLive?.();
    }
    return () => {
      stopped = true;
      offConnected();
      offClosed();
      unsubscribe();
      setLive(false);
    };
  }, [orderId, shown]);

  return { live };
}
