// Runs every test tier of the workspace, streams their output, and ends with one line
// "N passed, N failed" (the line CI reads). Exit code 1 if anything failed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const out = mkdtempSync(join(tmpdir(), 'dt-tests-'));
let passed = 0;
let failed = 0;
let crashed = false;

function jest(pkg) {
  const file = join(out, `${pkg}.json`);
  const res = spawnSync('pnpm', ['--filter', `@deeptravel/${pkg}`, 'exec', 'jest', '--maxWorkers=2', '--json', `--outputFile=${file}`], {
    stdio: 'inherit',
    env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules --no-warnings`.trim() },
  });
  if (!existsSync(file)) {
    console.error(`${pkg}: jest produced no report (exit ${res.status})`);
    crashed = true;
    return;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  // A suite that failed to load counts as a failure even though none of its tests ran.
  failed += report.numRuntimeErrorTestSuites ?? 0;
  if (res.status !== 0 && report.numFailedTests === 0 && !report.numRuntimeErrorTestSuites) crashed = true;
}

function story(id) {
  const file = join(out, `story-${id}.json`);
  const res = spawnSync('pnpm', ['--filter', '@deeptravel/server', 'run', 'test:story', id, '--', '--report', file], { stdio: 'inherit' });
  if (!existsSync(file)) {
    console.error(`story ${id}: no report (exit ${res.status})`);
    crashed = true;
    return;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.passed;
  failed += r.failed;
}

jest('shared');
jest('server');
for (const id of (process.env.STORIES ?? '004,010').split(',').filter(Boolean)) story(id);

// Issue 9: a short run of every `pnpm bench` scenario against the real server, PostgreSQL and Redis
// (small counts; invariants and "every request answered" only, no timing asserts): one check.
check('bench smoke: every scenario, correctness only', 'server', ['bench', '--', '--smoke']);

// Front-end tiers (docs/apps.md): vitest suites report through their JSON reporter; a build or a
// check counts as one test that passed or failed.
function vitest(pkg, label, extra = []) {
  const file = join(out, `vitest-${label}.json`);
  const res = spawnSync('pnpm', ['--filter', `@deeptravel/${pkg}`, 'exec', 'vitest', 'run', ...extra, '--reporter=default', '--reporter=json', `--outputFile.json=${file}`], {
    stdio: 'inherit',
  });
  if (!existsSync(file)) {
    console.error(`${label}: vitest produced no report (exit ${res.status})`);
    crashed = true;
    return;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  // A file that failed to load counts as a failure even though none of its tests ran.
  const brokenFiles = (report.testResults ?? []).filter((r) => r.status === 'failed' && !(r.assertionResults ?? []).some((a) => a.status === 'failed')).length;
  failed += brokenFiles;
  if (res.status !== 0 && report.numFailedTests === 0 && brokenFiles === 0) crashed = true;
}

function check(label, pkg, args) {
  console.log(`\n> ${label}`);
  const res = spawnSync('pnpm', ['--filter', `@deeptravel/${pkg}`, 'run', ...args], { stdio: 'inherit' });
  if (res.status === 0) passed += 1;
  else {
    console.error(`${label}: failed (exit ${res.status})`);
    failed += 1;
  }
  return res.status === 0;
}

// Every package typechecks (tests and e2e sources included): one check each.
for (const pkg of ['shared', 'server', 'client', 'traveller-app', 'merchant-app', 'admin-console']) check(`${pkg}: typecheck`, pkg, ['typecheck']);

vitest('client', 'client');
vitest('traveller-app', 'traveller-app');
if (check('traveller-app: weapp build', 'traveller-app', ['build:weapp'])) check('traveller-app: weapp pages and main-package size', 'traveller-app', ['check:weapp']);
if (check('traveller-app: H5 build', 'traveller-app', ['build:h5'])) vitest('traveller-app', 'traveller-app-e2e', ['--config', 'vitest.e2e.config.ts']);
vitest('merchant-app', 'merchant-app');
if (check('merchant-app: weapp build', 'merchant-app', ['build:weapp'])) check('merchant-app: weapp pages and main-package size', 'merchant-app', ['check:weapp']);
if (check('merchant-app: H5 build', 'merchant-app', ['build:h5'])) vitest('merchant-app', 'merchant-app-e2e', ['--config', 'vitest.e2e.config.ts']);

// Admin console (docs/apps.md): component tests, one build, then the end-to-end test in Chromium
// against the real server (node:test; reports {"passed","failed"}).
function adminConsoleE2e() {
  const file = join(out, 'admin-console-e2e.json');
  const res = spawnSync('pnpm', ['--filter', '@deeptravel/admin-console', 'run', 'test:e2e', '--', '--report', file], {
    stdio: 'inherit',
    env: { ...process.env, SKIP_BUILD: '1' },
  });
  if (!existsSync(file)) {
    console.error(`admin-console e2e: no report (exit ${res.status})`);
    crashed = true;
    return;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.passed;
  failed += r.failed;
}
vitest('admin-console', 'admin-console');
if (check('admin-console: build', 'admin-console', ['build'])) adminConsoleE2e();

// Every persisted-query hash the app builds above ship is in the manifest the server enforces in
// production (docs/deploy.md "Persisted queries"): one check.
{
  console.log('\n> persisted queries: app builds vs the server\'s manifest');
  const res = spawnSync(process.execPath, [fileURLToPath(new URL('./check-persisted-queries.mjs', import.meta.url))], { stdio: 'inherit' });
  if (res.status === 0) passed += 1;
  else {
    console.error(`persisted-query check: failed (exit ${res.status})`);
    failed += 1;
  }
}

if (crashed && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
