// Runs codegen in memory and compares with the files on disk (used by codegen:check and the tests).
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate, loadCodegenConfig } from '@graphql-codegen/cli';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Problems found (empty when all is well). */
export async function checkCodegen() {
  const cwd = process.cwd();
  process.chdir(root);
  try {
    const { config } = await loadCodegenConfig({ configFilePath: join(root, 'codegen.yml') });
    let outputs;
    try {
      outputs = await generate({ ...config, cwd: root, silent: true, errorsOnly: true }, false);
    } catch (err) {
      const detail = err?.errors?.map((e) => e.message ?? String(e)).join('\n') ?? err?.message ?? String(err);
      return [`documents do not match schema.graphql: ${detail}`];
    }
    const problems = [];
    for (const out of outputs) {
      const file = join(root, out.filename);
      if (!existsSync(file)) problems.push(`${out.filename} is missing: run pnpm --filter @deeptravel/client codegen`);
      else if (readFileSync(file, 'utf8') !== out.content) problems.push(`${out.filename} is stale: run pnpm --filter @deeptravel/client codegen`);
    }
    return problems;
  } finally {
    process.chdir(cwd);
  }
}
