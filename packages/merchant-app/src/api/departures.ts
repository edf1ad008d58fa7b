import { createClient, type Client } from 'graphql-ws';
import {
  MerchantDepartureBoardingDocument, MerchantDepartureDocument, MerchantDeparturesDocument, type MerchantDepartureFragment,
} from '@deeptravel/client';
import { dayHk } from '../lib/format';
import { createStore } from '../lib/store';
import { load, save } from '../lib/storage';
import { gql, IS_WEAPP, serverNow, wsUrl } from './client';
import { currentToken, type StaffSession } from './device';
import { TaroSocket } from './live';

/** A departure (班次) as the gate shows it: time, route, boarded / expected. */
export type Departure = MerchantDepartureFragment;

export interface DepartureState {
  /** The departure this gate is boarding (kept on the device until staff change it or log out). */
  chosen: Departure | null;
  /** The day's departures last loaded (also what the picker shows offline). */
  list: Departure[];
  date: string | null;
  loading: boolean;
  /** The live count's connection: 'live' while the feed runs. */
  feed: 'off' | 'live' | 'reconnecting';
}

export const departureStore = createStore<DepartureState>({
  chosen: load<Departure>('departure'), list: load<Departure[]>('departures') ?? [], date: null, loading: false, feed: 'off',
});

/** Ferry and bus operators board departures; attractions and services do not. */
export function boardsDepartures(session: StaffSession | null): boolean {
  const kind = session?.staff.merchantKind;
  return kind === 'FERRY_OPERATOR' || kind === 'BUS_OPERATOR';
}

/** The chosen departure's trip id (what scan and redeem send), or null. */
export function chosenTripId(): string | null {
  const d = departureStore.get().chosen;
  return d ? String(d.tripId) : null;
}

/** Loads a Hong Kong day's departures (default today); offline the last list stays. */
export async function loadDepartures(date?: string): Promise<void> {
  const day = date ?? dayHk(serverNow());
  departureStore.set((s) => ({ ...s, loading: true, date: day }));
  try {
    const list = (await gql(MerchantDeparturesDocument, { date: day })).departures;
    save('departures', list);
    departureStore.set((s) => ({ ...s, list, loading: false }));
  } catch (err) {
    departureStore.set((s) => ({ ...s, loading: false }));
    throw err;
  }
}

/** Picks (or clears) the departure this gate boards, and follows its count live. */
export function chooseDeparture(d: Departure | null): void {
  save('departure', d);
  departureStore.set((s) => ({ ...s, chosen: d }));
  if (d) followDeparture(String(d.tripId));
  else stopFollowing();
}

/** The chosen departure's counts again (after this gate's own redeem, in case the feed is slow). */
export async function refreshDeparture(): Promise<void> {
  const id = chosenTripId();
  if (!id) return;
  try {
    setCounts((await gql(MerchantDepartureDocument, { tripId: id })).departure);
  } catch {
    /* offline: the last count stays */
  }
}

function setCounts(d: Departure): void {
  departureStore.set((s) => {
    if (!s.chosen || String(s.chosen.tripId) !== String(d.tripId)) return s;
    const chosen = { ...s.chosen, ...d };
    save('departure', chosen);
    return { ...s, chosen, list: s.list.map((x) => (String(x.tripId) === String(d.tripId) ? chosen : x)) };
  });
}

let ws: Client | null = null;
let unsubscribe: (() => void) | null = null;

/**
 * Follows one departure's boarded / expected counts over graphql-ws (`departureBoarding`): the
 * server sends them at once and after every redemption of one of its tickets at any gate of the
 * merchant. Drops are retried with back-off; each (re)subscription starts with the current counts.
 */
export function followDeparture(tripId: string): void {
  stopFollowing();
  departureStore.set((s) => ({ ...s, feed: 'reconnecting' }));
  ws = createClient({
    url: wsUrl(),
    webSocketImpl: IS_WEAPP ? TaroSocket : undefined,
    connectionParams: () => ({ authorization: `Bearer ${currentToken() ?? ''}` }),
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: async (retries) => {
      departureStore.set((s) => ({ ...s, feed: 'reconnecting' }));
      await new Promise((r) => setTimeout(r, Math.min(30_000, 1000 * 2 ** Math.min(retries, 5))));
    },
    on: { connected: () => departureStore.set((s) => ({ ...s, feed: 'live' })) },
  });
  unsubscribe = ws.subscribe<{ departureBoarding: Departure }>(
    { query: MerchantDepartureBoardingDocument.query, variables: { tripId } },
    {
      next: (msg) => {
        if (msg.data?.departureBoarding) setCounts(msg.data.departureBoarding);
      },
      error: () => departureStore.set((s) => ({ ...s, feed: 'reconnecting' })),
      complete: () => undefined,
    },
  );
}

export function stopFollowing(): void {
  unsubscribe?.();
  unsubscribe = null;
  void ws?.dispose();
  ws = null;
  departureStore.set((s) => ({ ...s, feed: 'off' }));
}
