import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVER_DIR = fileURLToPath(new URL('../..', import.meta.url));
/** Debian's HAProxy (scripts/bootstrap.sh installs it for the tests). */
export const HAPROXY_BIN = process.env.HAPROXY_BIN ?? '/usr/sbin/haproxy';

/** A free TCP port on loopback (the kernel picks; we close at once and hand it to a child). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `check` every 50 ms until it is true or `timeoutMs` passes (waiting for a state, not for time). */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One real server process (`src/main.ts`, as in production) on a fixed port. */
export interface ServerProcess {
  name: string;
  port: number;
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code or signal once the process is gone. */
  exited: Promise<number | string>;
  /** stderr/stdout lines kept for a failing test's message. */
  output: string[];
}

/** Starts `src/main.ts` with `env` on `port`; resolves when `/readyz` answers 200. */
export async function startServerProcess(name: string, port: number, env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'src/main.ts'], {
    cwd: SERVER_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'test', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const url = `http://127.0.0.1:${port}`;
  let gone = false;
  void exited.then(() => (gone = true));
  await waitFor(`${name} ready`, async () => {
    if (gone) throw new Error(`${name} exited before it was ready:\n${output.join('')}`);
    return (await fetch(`${url}/readyz`)).status === 200;
  }, 90_000).catch((err) => {
    child.kill('SIGKILL');
    throw gone ? new Error(`${name} exited before it was ready:\n${output.join('')}`) : err;
  });
  return { name, port, url, child, exited, output };
}

/** HAProxy in front of server ports, configured like deploy/haproxy.cfg but with fast health checks. */
export interface LoadBalancer {
  url: string;
  /** Backend server name → UP/DOWN/… as HAProxy sees it (its CSV stats). */
  states(): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

export async function startHaproxy(backends: { name: string; port: number }[]): Promise<LoadBalancer> {
  if (!existsSync(HAPROXY_BIN)) throw new Error(`HAProxy not found at ${HAPROXY_BIN} (scripts/bootstrap.sh test installs it with apt-get)`);
  const port = await freePort();
  const statsPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'dt-haproxy-'));
  const cfg = join(dir, 'haproxy.cfg');
  // Same shape as deploy/haproxy.cfg. Health checks every 200 ms (two failures mark an instance down),
  // so a draining instance (readyz 503) leaves the pool well inside its 800 ms drain window; a busy
  // instance is given 2 s to answer its check; a refused connection is retried on the other one.
  writeFileSync(
    cfg,
    `global
  maxconn 4096
defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  timeout check 2s
  timeout tunnel 1h
  option forwardfor
  retries 3
  retry-on conn-failure
  option redispatch 1
frontend www
  bind 127.0.0.1:${port}
  default_backend deeptravel
frontend stats
  bind 127.0.0.1:${statsPort}
  stats enable
  stats uri /stats
backend deeptravel
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  default-server inter 200 fall 2 rise 1
${backends.map((b) => `  server ${b.name} 127.0.0.1:${b.port} check`).join('\n')}
`,
  );
  const child = spawn(HAPROXY_BIN, ['-f', cfg, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout!.on('data', (c: Buffer) => output.push(c.toString()));
  child.stderr!.on('data', (c: Buffer) => output.push(c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const states = async () => {
    const csv = await (await fetch(`http://127.0.0.1:${statsPort}/stats;csv`)).text();
    const out: Record<string, string> = {};
    for (const line of csv.split('\n')) {
      const cols = line.split(',');
      if (cols[0] === 'deeptravel' && cols[1] !== 'BACKEND' && cols[1] !== 'FRONTEND') out[cols[1]] = cols[17];
    }
    return out;
  };
  await waitFor('haproxy stats', async () => Object.keys(await states()).length === backends.length, 10_000).catch((err) => {
    child.kill('SIGKILL');
    throw new Error(`${err.message}\n${output.join('')}`);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    states,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
