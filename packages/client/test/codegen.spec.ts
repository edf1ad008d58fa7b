import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as generated from '../src/generated/graphql';
import { ERROR_MESSAGES } from '../src/error-messages';
// @ts-expect-error plain ESM helper without types
import { checkCodegen } from '../scripts/codegen-diff.mjs';

const manifest = JSON.parse(readFileSync(new URL('../persisted-queries.json', import.meta.url), 'utf8')) as Record<string, string>;
const operations = Object.entries(generated).filter(([k]) => k.endsWith('Document')).map(([, v]) => v as { name: string; hash: string; query: string });

describe('documents, generated types and the persisted-query manifest', () => {
  it('every document matches schema.graphql and the committed output is what codegen makes now', async () => {
    expect(await checkCodegen()).toEqual([]);
  });

  it('the manifest maps the SHA-256 of every operation the apps send to its exact text', () => {
    expect(operations.length).toBeGreaterThan(10);
    for (const op of operations) {
      expect(createHash('sha256').update(op.query).digest('hex')).toBe(op.hash);
      expect(manifest[op.hash]).toBe(op.query);
    }
    expect(Object.keys(manifest)).toHaveLength(operations.length);
  });
});

describe('error messages', () => {
  const serverErrors = readFileSync(new URL('../../server/src/common/errors.ts', import.meta.url), 'utf8');
  const block = serverErrors.slice(serverErrors.indexOf('ERROR_HTTP_STATUS'), serverErrors.indexOf('} as const'));
  const codes = [...block.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]);

  it('has a Simplified Chinese and an English sentence for every code of the server', () => {
    expect(codes.length).toBeGreaterThan(40);
    const missing = codes.filter((c) => !ERROR_MESSAGES[c]?.zh || !ERROR_MESSAGES[c]?.en);
    expect(missing).toEqual([]);
  });

  it('never shows a code or an English word in the Chinese sentences', () => {
    for (const [code, s] of Object.entries(ERROR_MESSAGES)) {
      expect(s.zh, code).toMatch(/[\u4e00-\u9fff]/);
      expect(s.zh, code).not.toMatch(/[A-Z]{3,}_/);
    }
  });
});
