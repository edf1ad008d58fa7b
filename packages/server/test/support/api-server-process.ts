import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SERVER_DIR = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The apps' e2e server runs with PERSISTED_QUERIES=enforce, so the browser (which never sends this
 * header) proves the apps send only the manifest's hashes; the tests' own set-up calls beside the
 * app (free-form documents) send `x-persisted-query-key` with this key (accepted outside production only).
 */
export const E2E_PERSISTED_QUERY_KEY = 'e2e-free-form-documents-key';
export const E2E_PERSISTED_QUERY_HEADERS = { 'x-persisted-query-key': E2E_PERSISTED_QUERY_KEY } as const;

/**
 * The real server (PostgreSQL, Redis, mock gateway) in a child process, for the apps' end-to-end
 * tests (traveller and merchant): see serve-for-apps.ts beside this file.
 */
export async function startApiServer(): Promise<{ url: string; databaseUrl: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'test/support/serve-for-apps.ts'], {
    cwd: SERVER_DIR,
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, NODE_OPTIONS: '', E2E_PERSISTED_QUERY_KEY },
  });
  const first = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the API server exited (${code}) before it was ready`)));
    setTimeout(() => reject(new Error('the API server did not start within 90 s')), 90_000).unref();
  });
  const { url, databaseUrl } = JSON.parse(first) as { url: string; databaseUrl: string };
  return {
    url,
    databaseUrl,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
      }),
  };
}
