// Checks the weapp build (dist-weapp): every page in app.json (main package and sub-packages) has
// its .js, .json and .wxml, and the main package (everything outside the sub-package roots) is
// under WeChat's 2 MB limit. Prints the sizes; exit 1 on any problem.
// Shared by the Taro apps. Usage (from an app's folder): node ../../scripts/check-weapp.mjs [dist-weapp] [--json report.json]
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const LIMIT = 2 * 1024 * 1024;
const SUBPACKAGE_LIMIT = 2 * 1024 * 1024;
const args = process.argv.slice(2);
const jsonIdx = args.indexOf('--json');
const reportFile = jsonIdx >= 0 ? args[jsonIdx + 1] : null;
const dist = args.find((a, i) => !a.startsWith('--') && i !== jsonIdx + 1) ?? join(process.cwd(), 'dist-weapp');

const problems = [];
const checks = [];
function check(name, ok, detail = '') {
  checks.push({ name, ok });
  if (!ok) problems.push(`${name}${detail ? `: ${detail}` : ''}`);
}

function sizeOf(dir) {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? sizeOf(p) : statSync(p).size;
  }
  return total;
}

if (!existsSync(join(dist, 'app.json'))) {
  console.error(`check-weapp: ${dist}/app.json not found: build the app for weapp first (pnpm --filter <app> build:weapp)`);
  process.exit(1);
}
const app = JSON.parse(readFileSync(join(dist, 'app.json'), 'utf8'));
const pages = [...app.pages, ...(app.subPackages ?? app.subpackages ?? []).flatMap((s) => s.pages.map((p) => `${s.root}/${p}`))];
for (const page of pages) {
  const missing = ['.js', '.json', '.wxml'].filter((ext) => !existsSync(join(dist, page + ext)));
  check(`page ${page} exists`, missing.length === 0, `missing ${missing.join(', ')}`);
}

const roots = (app.subPackages ?? []).map((s) => s.root.replace(/\/$/, ''));
let main = 0;
for (const e of readdirSync(dist, { withFileTypes: true })) {
  if (roots.includes(e.name)) continue;
  main += e.isDirectory() ? sizeOf(join(dist, e.name)) : statSync(join(dist, e.name)).size;
}
const subs = Object.fromEntries(roots.map((r) => [r, existsSync(join(dist, r)) ? sizeOf(join(dist, r)) : 0]));
check(`main package under 2 MB`, main < LIMIT, `${(main / 1024).toFixed(0)} KB`);
for (const [r, size] of Object.entries(subs)) check(`sub-package ${r} under 2 MB`, size < SUBPACKAGE_LIMIT, `${(size / 1024).toFixed(0)} KB`);

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`weapp: ${pages.length} pages; main package ${kb(main)} (limit 2048 KB); ${Object.entries(subs).map(([r, s]) => `${r} ${kb(s)}`).join(', ')}; total ${kb(main + Object.values(subs).reduce((a, b) => a + b, 0))}`);
for (const p of problems) console.error(`check-weapp: ${p}`);
if (reportFile) writeFileSync(reportFile, JSON.stringify({ passed: checks.filter((c) => c.ok).length, failed: problems.length, main, subs, dist: relative(process.cwd(), dist) }));
process.exit(problems.length ? 1 : 0);
