// Runs the console's end-to-end tests (e2e/*.e2e.ts, node:test + playwright-core + Debian's Chromium)
// against the real server started in-process, after building the console once (SKIP_BUILD=1 reuses dist/).
//   node scripts/run-e2e.mjs [--report <file.json>]   → {"passed": n, "failed": n}
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const reportIdx = process.argv.indexOf('--report');
const reportFile = reportIdx > 0 ? process.argv[reportIdx + 1] : null;

function finish(passed, failed) {
  if (reportFile) writeFileSync(reportFile, JSON.stringify({ passed, failed }));
  console.log(`admin-console e2e: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

if (process.env.SKIP_BUILD !== '1') {
  const build = spawnSync('pnpm', ['exec', 'vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) finish(0, 1);
}

const files = readdirSync(join(root, 'e2e')).filter((f) => f.endsWith('.e2e.ts')).map((f) => join('e2e', f));
const tap = join(mkdtempSync(join(tmpdir(), 'admin-e2e-')), 'report.tap');
const res = spawnSync(
  process.execPath,
  [
    '--import', '@swc-node/register/esm-register', '--test', '--test-concurrency=1', '--test-timeout=300000',
    '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files,
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, SWC_NODE_PROJECT: join(root, 'e2e/tsconfig.json'), NODE_OPTIONS: '' } },
);
let text = '';
try {
  text = readFileSync(tap, 'utf8');
} catch {
  finish(0, 1);
}
const num = (k) => Number(new RegExp(`^# ${k} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
const passed = num('pass');
let failed = num('fail') + num('cancelled');
if (res.status !== 0 && failed === 0) failed = 1;
finish(passed, failed);
