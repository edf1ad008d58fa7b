/**
 * `pnpm bench [-- <scenario> … ] [--option value …]`: runs the named scenarios (default: all), prints
 * a table per scenario on stdout, writes bench-results/<scenario>-<timestamp>.json, and exits 1 if an
 * invariant broke, a request got a 5xx, timed out or was never answered (or, with --strict, if a
 * PRODUCT.md target was missed). Progress goes to stderr.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCleanups } from './lib/cleanup.js';
import { RESULTS_DIR } from './lib/proc.js';
import { machine, revision, stampOf, writeResult } from './lib/report.js';
import { SCENARIOS } from './scenarios/index.js';
import type { BenchOptions } from './scenarios/types.js';

function parseArgs(argv: string[]): { names: string[]; args: Record<string, string | true> } {
  const names: string[] = [];
  const args: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') continue;
    if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=', 2);
      if (v !== undefined) args[k] = v;
      else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--') && !SCENARIOS.some((s) => s.name === argv[i + 1])) args[k] = argv[++i];
      else args[k] = true;
    } else names.push(a);
  }
  return { names, args };
}

function help(): string {
  return [
    'usage: pnpm bench [-- <scenario> …] [--option value …]',
    '',
    'scenarios (default: all):',
    ...SCENARIOS.flatMap((s) => [`  ${s.name}: ${s.title}`, ...s.options.map((o) => `      ${o}`)]),
    '',
    'common options:',
    '      --strict         also exit 1 when a PRODUCT.md target is missed',
    '      --smoke          a short run of each scenario for CI: small counts, correctness checks only',
    '',
    'environment: BENCH_DATABASE_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres),',
    '             BENCH_REDIS_URL (default redis://127.0.0.1:6379)',
  ].join('\n');
}

async function main(): Promise<number> {
  const { names, args } = parseArgs(process.argv.slice(2));
  if (args.help || args.h) {
    console.log(help());
    return 0;
  }
  const unknown = names.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length) {
    console.error(`unknown scenario: ${unknown.join(', ')}\n\n${help()}`);
    return 2;
  }
  const chosen = names.length ? SCENARIOS.filter((s) => names.includes(s.name)) : SCENARIOS;
  const log = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
  let exit = 0;
  for (const scenario of chosen) {
    const started = new Date();
    const stamp = stampOf(started);
    const smoke = !!args.smoke;
    const opts: BenchOptions = { stamp, args: smoke ? { ...scenario.smokeArgs, ...args } : args, log, smoke };
    const measured = { machine: machine(), revision: revision() };
    log(`${scenario.name}: ${scenario.title}`);
    try {
      const out = await scenario.run(opts);
      await runCleanups(log);
      out.failures.push(...serverErrors(stamp));
      const finished = new Date();
      const file = writeResult(scenario.name, stamp, {
        scenario: scenario.name,
        title: scenario.title,
        command: `pnpm bench -- ${process.argv.slice(2).filter((a) => a !== '--').join(' ')}`.trim(),
        startedAt: started.toISOString(),
        finishedAt: finished.toISOString(),
        durationSeconds: Math.round((finished.getTime() - started.getTime()) / 1000),
        ...measured,
        failures: out.failures,
        missedTargets: out.missedTargets,
        ...out.data,
      });
      console.log(`\n${out.text}\n`);
      if (smoke) console.log('(--smoke: small counts and no settling of PostgreSQL statistics, so the figures and PASS/MISS lines above are not measurements; only FAILED lines count)');
      const rev = measured.revision;
      console.log(`code measured: commit ${rev.commit ?? '?'}${rev.uncommittedServerFiles ? ` + ${rev.uncommittedServerFiles} uncommitted change(s) under packages/server/src` : ''}; ${measured.machine.cores} cores, Node ${measured.machine.node}`);
      console.log(`results: ${file} (${Math.round((finished.getTime() - started.getTime()) / 1000)} s)`);
      if (out.failures.length) {
        console.log(`FAILED:\n${out.failures.map((f) => `  - ${f}`).join('\n')}`);
        exit = 1;
      }
      if (out.missedTargets.length) {
        console.log(`targets missed:\n${out.missedTargets.map((f) => `  - ${f}`).join('\n')}`);
        if (args.strict) exit = 1;
      }
    } catch (err) {
      await runCleanups(log);
      console.error(`${scenario.name} could not run: ${(err as Error).stack ?? err}`);
      exit = 1;
    }
  }
  return exit;
}

/**
 * Errors the servers of one run logged (level error or fatal in their JSON logs). A server that
 * answers right while logging errors has a defect a fallback hides (a redeem group that always rolled
 * back and ran each redeem alone once looked only slower), so any counts as a failure.
 */
function serverErrors(stamp: string): string[] {
  if (!existsSync(RESULTS_DIR)) return [];
  const out: string[] = [];
  for (const f of readdirSync(RESULTS_DIR).filter((n) => n.includes(stamp) && n.endsWith('.server.log'))) {
    const lines = readFileSync(join(RESULTS_DIR, f), 'utf8').split('\n').filter((l) => /^\{.*"level":(50|60)[,}]/.test(l));
    if (lines.length) out.push(`${f}: the server logged ${lines.length} error(s); first: ${lines[0].slice(0, 400)}`);
  }
  return out;
}

let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write(`\n${sig}: stopping and cleaning up …\n`);
    void runCleanups().finally(() => process.exit(130));
  });
}

process.exitCode = await main();
