/** What the load generator (load-worker.ts) is asked to do and what it answers; shared with the runner. */

export interface LoadRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadJob {
  host: string;
  port: number;
  mode: 'burst' | 'closed' | 'rate';
  /** Connections to open (burst: must equal the number of requests). */
  connections: number;
  requests: LoadRequest[];
  /** Requests per second (rate mode). */
  rate?: number;
  /** A request not answered this long after it was sent (or scheduled) is a time-out. */
  timeoutMs: number;
  /** Hard bound on the whole run after the first send. */
  maxDurationMs: number;
  /** Connects in flight at once while opening connections (keeps the listen backlog from overflowing). */
  connectConcurrency?: number;
  /** Pause between "all connections open" and the first request, so the server has accepted them all. */
  settleMs?: number;
}

/** Per-request status: an HTTP status, or one of these. */
export const STATUS_ERROR = 0;
export const STATUS_TIMEOUT = -1;
export const STATUS_NOT_SENT = -2;

export interface LoadResult {
  mode: LoadJob['mode'];
  connections: { requested: number; opened: number; failed: number; errors: Record<string, number>; ms: number };
  /** Epoch ms of the first send. */
  firedAt: number;
  /** Relative to the first send (ms): when the last request was written, and when the last one ended. */
  lastSendMs: number;
  lastDoneMs: number;
  status: number[];
  /** When each request was sent (or scheduled), ms after the first send. */
  sentMs: number[];
  latencyMs: number[];
  /** The error code of a non-2xx JSON body (`error.code` or `errors[0].extensions.code`), or the socket error. */
  code: Array<string | null>;
  /** A few bodies of unexpected answers (not 2xx/409/429), for diagnosis. */
  samples: Array<{ index: number; status: number; body: string }>;
  /** CPU seconds this load generator used (it shares the machine with the server). */
  cpu: { user: number; system: number };
}

/** The raw-SQL floor's job (sql-floor-worker.ts). */
export interface SqlFloorJob {
  url: string;
  tripId: number;
  travellerId: number;
  attempts: number;
  pool: number;
  /** Order numbers are `${orderNoPrefix}${i}`, so the floor's orders can be counted. */
  orderNoPrefix: string;
  maxDurationMs: number;
}
