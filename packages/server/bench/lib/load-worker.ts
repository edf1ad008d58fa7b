/**
 * The load generator: runs in a process of its own (never in the server's), started by load.ts.
 * It speaks HTTP/1.1 over raw `node:net` sockets so that the client costs as little CPU as possible
 * on a 2-core machine, and so that "10,000 simultaneous requests" means exactly that: 10,000
 * connections opened first, then one request written on each in a single synchronous loop.
 *
 * Modes:
 * - burst:  one request per connection, all written at once after every connection is open.
 * - closed: `connections` keep-alive connections, each sending its next request when the previous
 *           one is answered (warm-ups, "as fast as it goes").
 * - rate:   open loop at `rate` requests/s over `connections` keep-alive connections; latency is
 *           measured from the scheduled instant, so queueing in the client counts (no coordinated
 *           omission).
 *
 * Protocol: the parent sends `{ type: 'job', job }`; the worker answers `{ type: 'result', result }`
 * and exits. Every request ends answered, failed, or timed out: nothing is left unbounded.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';

import { STATUS_ERROR, STATUS_NOT_SENT, STATUS_TIMEOUT, type LoadJob, type LoadRequest, type LoadResult } from './load-types.js';

interface Parsed {
  status: number;
  body: Buffer;
  consumed: number;
  close: boolean;
}

/** Parses one HTTP/1.1 response from the front of `buf`; null when it is not complete yet. */
function parseResponse(buf: Buffer, atEof: boolean): Parsed | null {
  const he = buf.indexOf('\r\n\r\n');
  if (he < 0) return null;
  const head = buf.toString('latin1', 0, he);
  const lines = head.split('\r\n');
  const status = Number(lines[0].slice(9, 12));
  let length = -1;
  let chunked = false;
  let close = false;
  for (let i = 1; i < lines.length; i++) {
    const c = lines[i].indexOf(':');
    if (c < 0) continue;
    const k = lines[i].slice(0, c).trim().toLowerCase();
    const v = lines[i].slice(c + 1).trim();
    if (k === 'content-length') length = Number(v);
    else if (k === 'transfer-encoding' && /chunked/i.test(v)) chunked = true;
    else if (k === 'connection' && /close/i.test(v)) close = true;
  }
  const start = he + 4;
  if (status === 204 || status === 304 || (status >= 100 && status < 200)) return { status, body: Buffer.alloc(0), consumed: start, close };
  if (chunked) {
    const parts: Buffer[] = [];
    let pos = start;
    for (;;) {
      const eol = buf.indexOf('\r\n', pos);
      if (eol < 0) return null;
      const size = parseInt(buf.toString('latin1', pos, eol), 16);
      if (Number.isNaN(size)) throw new Error('bad chunk size');
      if (size === 0) {
        const end = buf.indexOf('\r\n\r\n', eol - 2 < start ? eol : eol - 2);
        if (end < 0) return null;
        return { status, body: Buffer.concat(parts), consumed: end + 4, close };
      }
      if (buf.length < eol + 2 + size + 2) return null;
      parts.push(buf.subarray(eol + 2, eol + 2 + size));
      pos = eol + 2 + size + 2;
    }
  }
  if (length >= 0) {
    if (buf.length < start + length) return null;
    return { status, body: buf.subarray(start, start + length), consumed: start + length, close };
  }
  // No length: the body runs to the end of the connection.
  return atEof ? { status, body: buf.subarray(start), consumed: buf.length, close: true } : null;
}

function errorCodeOf(body: Buffer): string | null {
  if (!body.length || body[0] !== 0x7b /* { */) return null;
  try {
    const j = JSON.parse(body.toString('utf8'));
    return j?.error?.code ?? j?.errors?.[0]?.extensions?.code ?? j?.code ?? null;
  } catch {
    return null;
  }
}

function buildRequest(job: LoadJob, r: LoadRequest): Buffer {
  const body = r.body ?? '';
  const headers: Record<string, string> = { host: `${job.host}:${job.port}`, ...(r.headers ?? {}) };
  if (body || r.method !== 'GET') headers['content-length'] = String(Buffer.byteLength(body));
  if (body && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  let head = `${r.method} ${r.path} HTTP/1.1\r\n`;
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
  return Buffer.from(head + '\r\n' + body);
}

async function run(job: LoadJob): Promise<LoadResult> {
  const n = job.requests.length;
  if (job.mode === 'burst' && job.connections !== n) throw new Error('burst mode: one connection per request');
  const wire = job.requests.map((r) => buildRequest(job, r));
  const status = new Int16Array(n).fill(STATUS_NOT_SENT);
  const latency = new Float64Array(n).fill(NaN);
  const code: Array<string | null> = new Array(n).fill(null);
  const startAt = new Float64Array(n).fill(NaN); // send (or scheduled) instant, performance.now()
  const samples: LoadResult['samples'] = [];
  let done = 0;
  let firstSend = NaN;
  let lastSend = NaN;
  let lastDone = NaN;
  let finished = false;
  let resolveAll!: () => void;
  const allDone = new Promise<void>((r) => (resolveAll = r));
  // Set by the keep-alive modes: what a connection does once its request has ended.
  let onConnFree: (c: Conn) => void = () => {};

  class Conn {
    sock: net.Socket | null = null;
    open = false;
    current = -1;
    buf: Buffer = Buffer.alloc(0);

    connect(): Promise<boolean> {
      return new Promise((res) => {
        const s = net.connect({ host: job.host, port: job.port });
        this.sock = s;
        s.setNoDelay(true);
        let settled = false;
        const timer = setTimeout(() => {
          if (settled) return;
          settled = true;
          s.destroy();
          connectErrors['CONNECT_TIMEOUT'] = (connectErrors['CONNECT_TIMEOUT'] ?? 0) + 1;
          res(false);
        }, 30_000);
        s.once('connect', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          this.open = true;
          res(true);
        });
        s.on('data', (d: Buffer) => this.sock === s && this.onData(d, false));
        s.on('error', (err: NodeJS.ErrnoException) => {
          if (!settled) {
            settled = true;
            clearTimeout(timer);
            connectErrors[err.code ?? 'ERROR'] = (connectErrors[err.code ?? 'ERROR'] ?? 0) + 1;
            res(false);
            return;
          }
          if (this.sock === s) this.fail(err.code ?? 'SOCKET_ERROR');
        });
        s.on('close', () => {
          if (this.sock !== s) return; // an old socket of this connection
          this.open = false;
          if (this.current >= 0 && this.buf.length) this.onData(Buffer.alloc(0), true);
          this.fail('CLOSED_BEFORE_RESPONSE');
          this.sock = null;
        });
      });
    }

    send(i: number, at: number): void {
      this.current = i;
      this.buf = Buffer.alloc(0);
      startAt[i] = at;
      if (Number.isNaN(firstSend)) firstSend = performance.now();
      this.sock!.write(wire[i]);
      lastSend = performance.now();
    }

    onData(d: Buffer, eof: boolean): void {
      if (this.current < 0) return;
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      let p: Parsed | null;
      try {
        p = parseResponse(this.buf, eof);
      } catch {
        this.fail('BAD_RESPONSE');
        this.sock?.destroy();
        return;
      }
      if (!p) return;
      const i = this.current;
      this.current = -1;
      this.buf = Buffer.alloc(0);
      const c = p.status >= 300 ? errorCodeOf(p.body) : null;
      complete(i, p.status, c);
      if (p.status >= 400 && p.status !== 409 && p.status !== 429 && samples.length < 20) {
        samples.push({ index: i, status: p.status, body: p.body.toString('utf8').slice(0, 500) });
      }
      if (p.close || job.mode === 'burst') {
        this.open = false;
        this.sock?.destroy();
      }
      if (job.mode !== 'burst') onConnFree(this);
    }

    /** The request in flight ends with an error (or nothing, if none is in flight). */
    fail(reason: string): void {
      if (this.current < 0) return;
      const i = this.current;
      this.current = -1;
      complete(i, STATUS_ERROR, reason);
      // Keep-alive modes: this connection reconnects for the next request.
      if (job.mode !== 'burst') setImmediate(() => onConnFree(this));
    }
  }

  const complete = (i: number, st: number, c: string | null) => {
    if (!Number.isNaN(latency[i])) return; // already ended (e.g. timed out, then the socket closed)
    const now = performance.now();
    status[i] = st;
    code[i] = c;
    latency[i] = now - startAt[i];
    lastDone = now;
    done++;
    if (done === n && !finished) resolveAll();
  };

  // 1. Open the connections, a bounded number of connects at a time.
  const connectErrors: Record<string, number> = {};
  const conns = Array.from({ length: job.connections }, () => new Conn());
  const connStart = performance.now();
  {
    let next = 0;
    const limit = Math.max(1, job.connectConcurrency ?? 256);
    await Promise.all(
      Array.from({ length: Math.min(limit, conns.length) }, async () => {
        while (next < conns.length) await conns[next++].connect();
      }),
    );
  }
  const connectMs = performance.now() - connStart;
  const opened = conns.filter((c) => c.open).length;
  if (job.settleMs) await new Promise((r) => setTimeout(r, job.settleMs));

  // 2. Time-outs: a sweep, plus the hard bound on the whole run.
  const sweep = setInterval(() => {
    const now = performance.now();
    for (const c of conns) {
      if (c.current >= 0 && now - startAt[c.current] > job.timeoutMs) {
        const i = c.current;
        c.current = -1;
        complete(i, STATUS_TIMEOUT, 'TIMEOUT');
        c.open = false;
        c.sock?.destroy();
        if (job.mode !== 'burst') onConnFree(c);
      }
    }
  }, 50);
  const hardStop = setTimeout(() => resolveAll(), job.maxDurationMs);

  // 3. Fire.
  const firedAt = Date.now();
  const t0 = performance.now();
  let nextIndex = 0;
  if (job.mode === 'burst') {
    for (let i = 0; i < n; i++) {
      const c = conns[i];
      if (c.open) c.send(i, performance.now());
      else {
        startAt[i] = performance.now();
        complete(i, STATUS_ERROR, 'CONNECT_FAILED');
      }
    }
  } else if (job.mode === 'closed') {
    onConnFree = (c) => {
      if (finished || nextIndex >= n) return;
      const i = nextIndex++;
      if (c.open) c.send(i, performance.now());
      else
        void c.connect().then((ok) => {
          if (ok) c.send(i, performance.now());
          else {
            startAt[i] = performance.now();
            complete(i, STATUS_ERROR, 'CONNECT_FAILED');
            onConnFree(c);
          }
        });
    };
    for (const c of conns) onConnFree(c);
  } else {
    const rate = job.rate ?? 1000;
    // Free connections in FIFO order, so every open connection takes its turn (10,000 travellers
    // connected, each sending now and then), not just the few most recently freed.
    const free: Conn[] = conns.slice();
    let head = 0;
    const take = (): Conn | undefined => {
      if (head >= free.length) return undefined;
      const c = free[head++];
      if (head > 4096 && head * 2 > free.length) {
        free.splice(0, head);
        head = 0;
      }
      return c;
    };
    const pump = () => {
      if (finished) return;
      const now = performance.now();
      while (nextIndex < n) {
        const due = t0 + (nextIndex * 1000) / rate;
        if (due > now) break;
        // Waiting for a free connection counts in the latency (measured from `due`).
        if (now - due > job.timeoutMs) {
          startAt[nextIndex] = due;
          complete(nextIndex++, STATUS_TIMEOUT, 'TIMEOUT_QUEUED');
          continue;
        }
        let c = take();
        while (c && !c.open) {
          const dead = c;
          void dead.connect().then((ok) => ok && (free.push(dead), pump()));
          c = take();
        }
        if (!c) break;
        c.send(nextIndex++, due);
      }
      if (nextIndex < n) setTimeout(pump, 1);
    };
    onConnFree = (c) => {
      if (c.open) free.push(c);
      else void c.connect().then((ok) => ok && (free.push(c), pump()));
    };
    pump();
  }

  await allDone;
  finished = true;
  clearInterval(sweep);
  clearTimeout(hardStop);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(latency[i])) {
      status[i] = status[i] === STATUS_NOT_SENT && Number.isNaN(startAt[i]) ? STATUS_NOT_SENT : STATUS_TIMEOUT;
      code[i] = status[i] === STATUS_TIMEOUT ? 'TIMEOUT' : 'NOT_SENT';
      if (!Number.isNaN(startAt[i])) latency[i] = performance.now() - startAt[i];
    }
  }
  for (const c of conns) c.sock?.destroy();
  const cpu = process.cpuUsage();
  return {
    mode: job.mode,
    connections: { requested: job.connections, opened, failed: job.connections - opened, errors: connectErrors, ms: Math.round(connectMs) },
    firedAt,
    lastSendMs: lastSend - t0,
    lastDoneMs: (Number.isNaN(lastDone) ? performance.now() : lastDone) - t0,
    status: Array.from(status),
    sentMs: Array.from(startAt, (v) => (Number.isNaN(v) ? NaN : Math.round((v - t0) * 1000) / 1000)),
    latencyMs: Array.from(latency, (v) => Math.round(v * 1000) / 1000),
    code,
    samples,
    cpu: { user: cpu.user / 1e6, system: cpu.system / 1e6 },
  };
}

process.on('message', (m: any) => {
  if (m?.type !== 'job') return;
  run(m.job as LoadJob).then(
    (result) => process.send!({ type: 'result', result }, () => process.exit(0)),
    (err: Error) => process.send!({ type: 'error', message: err.stack ?? String(err) }, () => process.exit(1)),
  );
});
process.send!({ type: 'ready' });
