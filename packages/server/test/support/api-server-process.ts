import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SERVER_DIR = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The real server (PostgreSQL, Redis, mock gateway) in a child process, for the apps' end-to-end
 * tests (traveller and merchant): see serve-for-apps.ts beside this file.
 */
export async function startApiServer(): Promise<{ url: string; databaseUrl: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'test/support/serve-for-apps.ts'], {
    cwd: SERVER_DIR,
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, NODE_OPTIONS: '' },
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
