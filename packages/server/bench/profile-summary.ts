/**
 * Summarises a V8 `.cpuprofile` written by `node --cpu-prof` (the bench's server with
 * `BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=…"`): where the busy time went, by layer, and the
 * top frames by self and by total time.
 *
 *   node --import @swc-node/register/esm-register bench/profile-summary.ts <file.cpuprofile> [--from HH:MM:SS] [--to HH:MM:SS] [--top N]
 *
 * `--from`/`--to` (UTC, as the bench's progress lines print them) keep only the samples of a window,
 * e.g. the measured run without the set-up. Sample times are mapped to the wall clock from the file's
 * modification time (when the process exited and wrote it). That mapping was seen off by ~12 s once
 * (search, 19:56), so check it: `--timeline` prints the busy milliseconds of every second, and the
 * measured run is the long stretch of busy seconds.
 */
import { readFileSync, statSync } from 'node:fs';

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--') && !/^\d/.test(a));
if (!file) {
  console.error('usage: profile-summary.ts <file.cpuprofile> [--from HH:MM:SS] [--to HH:MM:SS] [--top N]');
  process.exit(2);
}
const opt = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const top = Number(opt('top') ?? 25);
const prof = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const exitWallMs = statSync(file).mtimeMs;
const dayStart = new Date(exitWallMs);
dayStart.setUTCHours(0, 0, 0, 0);
const clock = (s: string | undefined) => {
  if (!s) return undefined;
  const [h, m, sec] = s.split(':').map(Number);
  return dayStart.getTime() + ((h * 60 + m) * 60 + (sec ?? 0)) * 1000;
};
const fromMs = clock(opt('from')) ?? -Infinity;
const toMs = clock(opt('to')) ?? Infinity;

const byId = new Map<number, ProfileNode>();
const parent = new Map<number, number>();
for (const n of prof.nodes) byId.set(n.id, n);
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

/** The layer a frame belongs to, from its script URL and name. */
function layer(f: CallFrame): string {
  const u = f.url;
  const name = f.functionName;
  if (name === '(idle)') return 'idle';
  if (name === '(garbage collector)') return 'GC';
  if (name === '(program)') return 'V8/native (program)';
  if (!u) {
    if (/^(parse|stringify)$/.test(name)) return 'JSON (builtin)';
    return 'native/builtin';
  }
  if (/node_modules\/(\.pnpm\/)?.*graphql@|node_modules\/graphql\//.test(u)) return 'graphql-js (parse/validate/execute)';
  if (/@apollo|@graphql-tools|graphql-ws|graphql-depth-limit/.test(u)) return 'Apollo Server / graphql tooling';
  if (/@mikro-orm|knex|kysely/.test(u)) return 'MikroORM';
  if (/pg-protocol|node_modules\/(\.pnpm\/)?pg[@/]|pg-pool|pg-types|postgres-/.test(u)) return 'pg driver';
  if (/ioredis|redis/.test(u)) return 'Redis client';
  if (/pino|sonic-boom/.test(u)) return 'logging (pino)';
  if (/prom-client/.test(u)) return 'metrics (prom-client)';
  if (/opentelemetry/.test(u)) return 'tracing';
  if (/^node:(_http|http|net|stream|internal\/http|internal\/streams|_stream|internal\/stream)|node:internal\/(js_stream|net|dns|tcp)/.test(u)) return 'node http/net/streams';
  if (/^node:/.test(u)) return `node core (${u.replace(/^node:(internal\/)?/, '').split('/')[0]})`;
  if (/\/src\/http\//.test(u)) return 'app: http/server.ts';
  if (/\/src\/(app|common)\//.test(u)) return 'app: app/common';
  if (/\/src\/modules\/([^/]+)/.test(u)) return `app: ${/\/src\/modules\/([^/]+)/.exec(u)![1]}`;
  if (/\/src\//.test(u)) return 'app: other';
  if (/node_modules/.test(u)) return `lib: ${/node_modules\/(?:\.pnpm\/)?(@[^/@]+\/[^/@]+|[^/@]+)/.exec(u)?.[1] ?? 'other'}`;
  return 'other';
}
const short = (f: CallFrame) => `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, '').replace(/^.*\/packages\/server\//, '')}:${f.lineNumber + 1}`;

let t = prof.startTime;
const selfUs = new Map<number, number>();
let windowUs = 0;
for (let i = 0; i < prof.samples.length; i++) {
  t += prof.timeDeltas[i];
  const wall = exitWallMs - (prof.endTime - t) / 1000;
  if (wall < fromMs || wall > toMs) continue;
  const dt = prof.timeDeltas[i + 1] ?? 0;
  windowUs += dt;
  selfUs.set(prof.samples[i], (selfUs.get(prof.samples[i]) ?? 0) + dt);
}

const layers = new Map<string, number>();
const selfByFrame = new Map<string, number>();
const totalByFrame = new Map<string, number>();
for (const [id, us] of selfUs) {
  const n = byId.get(id)!;
  layers.set(layer(n.callFrame), (layers.get(layer(n.callFrame)) ?? 0) + us);
  selfByFrame.set(short(n.callFrame), (selfByFrame.get(short(n.callFrame)) ?? 0) + us);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const key = short(byId.get(cur)!.callFrame);
    if (seen.has(key)) continue;
    seen.add(key);
    totalByFrame.set(key, (totalByFrame.get(key) ?? 0) + us);
  }
}
if (args.includes('--timeline')) {
  // Busy ms per wall-clock second (all samples, ignoring --from/--to).
  const perSecond = new Map<string, number>();
  let at = prof.startTime;
  for (let i = 0; i < prof.samples.length; i++) {
    at += prof.timeDeltas[i];
    if (byId.get(prof.samples[i])!.callFrame.functionName === '(idle)') continue;
    const second = new Date(exitWallMs - (prof.endTime - at) / 1000).toISOString().slice(11, 19);
    perSecond.set(second, (perSecond.get(second) ?? 0) + (prof.timeDeltas[i + 1] ?? 0));
  }
  console.log('busy ms per second (UTC):');
  for (const [second, us] of perSecond) console.log(`  ${second} ${Math.round(us / 1000)}`);
}
const idle = layers.get('idle') ?? 0;
const busy = windowUs - idle;
const pct = (us: number, of: number) => `${((100 * us) / of).toFixed(1)} %`;
const ms = (us: number) => `${Math.round(us / 1000).toLocaleString('en-US')} ms`;
console.log(`profile ${file}\nwindow ${ms(windowUs)}, busy (not idle) ${ms(busy)} = ${pct(busy, windowUs)}`);
console.log('\n| layer (self time) | ms | share of busy |\n|---|---|---|');
for (const [k, v] of [...layers].filter(([k]) => k !== 'idle').sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`| ${k} | ${ms(v)} | ${pct(v, busy)} |`);
console.log('\n| top frames by self time | ms | share of busy |\n|---|---|---|');
for (const [k, v] of [...selfByFrame].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`| \`${k}\` | ${ms(v)} | ${pct(v, busy)} |`);
console.log('\n| top frames by total time (self + callees) | ms | share of busy |\n|---|---|---|');
for (const [k, v] of [...totalByFrame].filter(([k]) => !/^\((root|idle|program)\)/.test(k)).sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`| \`${k}\` | ${ms(v)} | ${pct(v, busy)} |`);
