import { join } from 'node:path';
import { spawnTs, waitForMessage, SERVER_DIR, type Child } from './proc.js';

/** The bare node:http floor server, started in its own process. */
export async function startHttpFloor(): Promise<{ child: Child; host: string; port: number; stop(): Promise<number | string> }> {
  const child = spawnTs('http floor', join(SERVER_DIR, 'bench/lib/floor-http-server.ts'), { ipc: true, env: { HOST: '127.0.0.1', PORT: '0' } });
  const m = await waitForMessage<{ port: number }>(child, (x) => x?.type === 'listening', 30_000);
  return { child, host: '127.0.0.1', port: m.port, stop: () => child.stop(5000) };
}
