import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, readFileSync, type WriteStream } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** packages/server, whatever the current directory. */
export const SERVER_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Where results (and child process logs) go; `bench-results/` is gitignored. */
export const RESULTS_DIR = resolve(SERVER_DIR, 'bench-results');

/** Open files a child may have: each load connection is one descriptor. */
export const DEFAULT_NOFILE = 65_536;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A child process the bench started; stopped by its own pid only. */
export interface Child {
  readonly name: string;
  readonly pid: number;
  readonly process: ChildProcess;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  readonly exited: Promise<number | string>;
  /** Epoch ms when it ended (null while it runs), and whether this runner asked it to stop. */
  exitedAt(): number | null;
  stopRequested(): boolean;
  /** The last lines the process wrote (stdout and stderr), for error messages. */
  tail(): string;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<number | string>;
  /** CPU seconds (user + system) used so far, from /proc. */
  cpuSeconds(): number | null;
  /** Peak resident memory (MB) so far, from /proc. */
  peakRssMb(): number | null;
}

const live = new Set<Child>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Never leave a server or load generator behind, whatever happens to the runner.
  process.on('exit', () => {
    for (const c of live) {
      try {
        process.kill(c.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
}

export interface SpawnOptions {
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Open an IPC channel (process.send / 'message'). */
  ipc?: boolean;
  /** Raise the soft `ulimit -n` of the child to this (capped by the hard limit). */
  nofile?: number;
  /** Also write the child's output to this file. */
  logFile?: string;
  /** Echo the child's output to our stderr. */
  echo?: boolean;
  /** Extra Node flags before the script (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
}

/**
 * Runs a TypeScript file in a fresh Node process (`node --import @swc-node/register/esm-register`),
 * through `sh -c 'ulimit -n …; exec node …'` so the child may hold tens of thousands of sockets.
 * `exec` keeps the pid, so /proc figures and signals reach the Node process itself.
 */
export function spawnTs(name: string, script: string, opts: SpawnOptions = {}): Child {
  installExitHook();
  const nofile = String(opts.nofile ?? DEFAULT_NOFILE);
  const shell = 'n="$1"; shift; ulimit -n "$n" 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"';
  const argv = ['-c', shell, 'sh', nofile, process.execPath, ...(opts.nodeArgs ?? []), '--import', '@swc-node/register/esm-register', script, ...(opts.args ?? [])];
  const child = spawn('/bin/sh', argv, {
    cwd: opts.cwd ?? SERVER_DIR,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe', ...(opts.ipc ? (['ipc'] as const) : [])],
  });
  if (!child.pid) throw new Error(`could not start ${name}`);
  const pid = child.pid;
  const lines: string[] = [];
  if (opts.logFile) mkdirSync(dirname(opts.logFile), { recursive: true });
  let log: WriteStream | null = opts.logFile ? createWriteStream(opts.logFile, { flags: 'a' }) : null;
  log?.on('error', () => (log = null));
  const onData = (chunk: Buffer) => {
    log?.write(chunk);
    if (opts.echo) process.stderr.write(chunk);
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(line);
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  let peak: number | null = null;
  let endedAt: number | null = null;
  let stopAsked = false;
  const exited = new Promise<number | string>((res) => {
    child.on('exit', (code, signal) => {
      endedAt = Date.now();
      live.delete(handle);
      log?.end();
      log = null;
      res(code ?? signal ?? 'unknown');
    });
  });
  const handle: Child = {
    name,
    pid,
    process: child,
    exited,
    tail: () => lines.slice(-40).join('\n'),
    exitedAt: () => endedAt,
    stopRequested: () => stopAsked,
    async stop(graceMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      stopAsked = true;
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        return exited;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, graceMs);
      const r = await exited;
      clearTimeout(timer);
      return r;
    },
    cpuSeconds: () => procCpuSeconds(pid),
    peakRssMb: () => {
      const v = procPeakRssMb(pid);
      if (v !== null) peak = v;
      return peak;
    },
  };
  live.add(handle);
  return handle;
}

/** user + system CPU seconds of a live process (Linux /proc; CLK_TCK is 100 on Linux). */
export function procCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) of a process and its direct children (a cluster primary and its workers), from /proc. */
export function procTreeCpuSeconds(pid: number): number | null {
  const own = procCpuSeconds(pid);
  if (own === null) return null;
  let total = own;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields[1] is the parent pid; [11] and [12] are user and system ticks (man 5 proc).
      if (Number(fields[1]) === pid) total += (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // gone between readdir and read
    }
  }
  return total;
}

/** Peak resident set (VmHWM) of a live process, in MB. */
export function procPeakRssMb(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** The soft and hard `ulimit -n` a child started by spawnTs gets. */
export function nofileLimits(): { soft: number; hard: number } | null {
  try {
    const m = /Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (!m) return null;
    const n = (s: string) => (s === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(s));
    return { soft: n(m[1]), hard: n(m[2]) };
  } catch {
    return null;
  }
}

/** Waits for the first IPC message matching `pred`, or rejects when the child exits or time runs out. */
export function waitForMessage<T>(child: Child, pred: (m: any) => boolean, timeoutMs: number): Promise<T> {
  return new Promise<T>((res, rej) => {
    const onMsg = (m: any) => {
      if (!pred(m)) return;
      cleanup();
      res(m as T);
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      rej(new Error(`${child.name} exited (${code ?? signal}) before answering:\n${child.tail()}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      rej(new Error(`${child.name} did not answer within ${timeoutMs} ms:\n${child.tail()}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.process.off('message', onMsg);
      child.process.off('exit', onExit);
    };
    child.process.on('message', onMsg);
    child.process.on('exit', onExit);
  });
}

/** Machine-wide CPU time so far (all cores, seconds): busy and total, from /proc/stat. */
export function machineCpu(): { busy: number; total: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const busy = user + nice + system + irq + softirq + (steal || 0);
    return { busy: busy / 100, total: (busy + idle + iowait) / 100 };
  } catch {
    return null;
  }
}
