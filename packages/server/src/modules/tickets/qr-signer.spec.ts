import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseQrToken, verifyQrSignature } from '@deeptravel/shared';
import { loadConfig } from '../../app/config.js';
import { QrSigner } from './qr-signer.js';

const serverPackageDir = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * A process that builds a QrSigner on `dataDir` and prints its public key. It loads everything first,
 * says "ready" and waits for "go" on stdin, so that the test can start all of them at the same instant.
 */
function startSignerProcess(dataDir: string): { ready: Promise<void>; go: () => void; publicKey: Promise<string> } {
  const script = `
    import { loadConfig } from './src/app/config.ts';
    import { QrSigner } from './src/modules/tickets/qr-signer.ts';
    const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: ${JSON.stringify(dataDir)} });
    process.stdout.write('ready\\n');
    process.stdin.once('data', () => {
      const signer = new QrSigner(config);
      process.stdout.write('key ' + Object.values(signer.publicKeys())[0] + '\\n');
      process.exit(0);
    });`;
  const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', '--input-type=module', '-e', script], {
    cwd: serverPackageDir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
  });
  let out = '';
  let err = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => { markReady = resolve; });
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes('ready\n')) markReady();
  });
  child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
  const publicKey = new Promise<string>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const key = /key (\S+)/.exec(out)?.[1];
      if (code === 0 && key) resolve(key);
      else reject(new Error(`signer process exited ${code}: ${err}`));
    });
  });
  return { ready, go: () => child.stdin.write('go\n'), publicKey };
}

describe('QrSigner development key', () => {
  it('is generated once when several processes start together on a new checkout, and all of them sign with it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dt-qr-key-'));
    try {
      const processes = Array.from({ length: 8 }, () => startSignerProcess(dataDir));
      await Promise.all(processes.map((p) => p.ready));
      for (const p of processes) p.go();
      const keys = await Promise.all(processes.map((p) => p.publicKey));
      expect(keys[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(new Set(keys).size).toBe(1);
      // No temporary files are left behind, only the key.
      expect(readdirSync(dataDir)).toEqual(['qr-signing-key.pem']);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('QrSigner.verify (native Ed25519 on the server)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dt-qr-verify-'));
  const signer = new QrSigner(loadConfig({ NODE_ENV: 'development', DATA_DIR: dir }));
  const other = new QrSigner(loadConfig({ NODE_ENV: 'development', DATA_DIR: mkdtempSync(join(tmpdir(), 'dt-qr-other-')) }));
  const now = new Date('2026-11-24T02:00:00Z');
  const secret = signer.orderSecret('DT0000000000000001');
  const good = signer.payload({ typ: 'T', ref: 'TK-GOOD-1' }, secret, now).payload;

  /** What the apps' pure-JS check says of a token (the reference the server must agree with). */
  const sharedVerdict = (token: string) => {
    const parsed = parseQrToken(token);
    return parsed ? verifyQrSignature(parsed, signer.publicKeys()) : 'MALFORMED';
  };
  const serverVerdict = (token: string) => {
    const r = signer.verify(token);
    return 'refusal' in r ? r.refusal : null;
  };

  it('accepts a code it signed, like the apps do', () => {
    expect(serverVerdict(good)).toBeNull();
    expect(sharedVerdict(good)).toBeNull();
    const r = signer.verify(good);
    expect('parsed' in r && r.parsed.claims.ref).toBe('TK-GOOD-1');
  });

  it('refuses a changed claim, a changed signature, another key and garbage, with the same refusal as the apps', () => {
    const [prefix, claims, signature, rotating] = good.split('.');
    const forgedClaims = Buffer.from(JSON.stringify({ v: 1, kid: signer.keyId, typ: 'T', ref: 'TK-FORGED' })).toString('base64url');
    const flipped = signature.slice(0, 10) + (signature[10] === 'A' ? 'B' : 'A') + signature.slice(11);
    const signedByOther = other.payload({ typ: 'T', ref: 'TK-GOOD-1' }, secret, now).payload;
    const cases = [
      [prefix, forgedClaims, signature, rotating].join('.'),
      [prefix, claims, flipped, rotating].join('.'),
      [prefix, claims, 'AAAA', rotating].join('.'),
      signedByOther,
      'not a code',
    ];
    for (const token of cases) {
      expect(serverVerdict(token)).not.toBeNull();
      expect(serverVerdict(token)).toBe(sharedVerdict(token));
    }
  });
});
