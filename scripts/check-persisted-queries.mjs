#!/usr/bin/env node
/**
 * CI check: every persisted-query hash an app's build ships is in the manifest the server loads
 * (packages/client/persisted-queries.json, or PERSISTED_QUERIES_FILE), so a production server
 * (PERSISTED_QUERIES=enforce) answers every request the app can make. An app built from documents the
 * server does not know (a stale build, a document edited without `codegen`) fails here, not in front
 * of travellers with PERSISTED_QUERY_NOT_FOUND.
 *
 *   node scripts/check-persisted-queries.mjs [build dir …]
 *
 * Without arguments it checks every app build present: traveller and merchant (dist-h5, dist-weapp)
 * and the admin console (dist). The hashes are the generated operations' `hash` fields, kept as string
 * literals by the minifiers. Exit code 1 on an unknown hash, or when a build dir given has none.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const manifestFile = process.env.PERSISTED_QUERIES_FILE ?? join(ROOT, 'packages/client/persisted-queries.json');
const DEFAULT_BUILDS = [
  'packages/traveller-app/dist-h5',
  'packages/traveller-app/dist-weapp',
  'packages/merchant-app/dist-h5',
  'packages/merchant-app/dist-weapp',
  'packages/admin-console/dist',
];

const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
for (const [hash, doc] of Object.entries(manifest)) {
  if (createHash('sha256').update(doc).digest('hex') !== hash) {
    console.error(`✗ ${relative(ROOT, manifestFile)}: ${hash.slice(0, 12)}… does not hash to its document`);
    process.exit(1);
  }
}

const given = process.argv.slice(2);
const builds = (given.length ? given : DEFAULT_BUILDS.map((d) => join(ROOT, d))).filter((d) => given.length || existsSync(d));
const HASH = /["'`]?hash["'`]?\s*:\s*["'`]([0-9a-f]{64})["'`]/g;

function* jsFiles(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* jsFiles(p);
    else if (name.endsWith('.js')) yield p;
  }
}

let failed = false;
for (const dir of builds) {
  if (!existsSync(dir)) {
    console.error(`✗ ${dir}: no such build`);
    failed = true;
    continue;
  }
  const shipped = new Map();
  for (const file of jsFiles(dir)) {
    for (const m of readFileSync(file, 'utf8').matchAll(HASH)) shipped.set(m[1], file);
  }
  const unknown = [...shipped].filter(([h]) => !(h in manifest));
  const name = relative(ROOT, dir) || dir;
  if (shipped.size === 0) {
    console.error(`✗ ${name}: no persisted-query hash found (not a build of the apps?)`);
    failed = true;
  } else if (unknown.length) {
    failed = true;
    console.error(`✗ ${name}: ${unknown.length} of ${shipped.size} hashes unknown to the server's manifest (${relative(ROOT, manifestFile)}):`);
    for (const [h, f] of unknown) console.error(`    ${h} in ${relative(dir, f)}`);
    console.error('  Rebuild the app after `pnpm --filter @deeptravel/client codegen`, and deploy the server with the same manifest.');
  } else {
    console.log(`✓ ${name}: ${shipped.size} persisted-query hashes, all known to the server`);
  }
}
if (!builds.length) console.log('no app build to check');
process.exit(failed ? 1 : 0);
