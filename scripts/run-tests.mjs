// Runs every test tier of the workspace, streams their output, and ends with one line
// "N passed, N failed" (the line CI reads). Exit code 1 if anything failed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

if (crashed && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
