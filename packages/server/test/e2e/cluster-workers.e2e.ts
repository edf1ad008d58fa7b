import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { createTestDatabase, TEST_REDIS_URL, type TestDatabase } from '../support/harness.js';
import { freePort, startServerProcess, waitFor, type ServerProcess } from '../support/lb-cluster.js';

/**
 * WORKERS=2 (node:cluster, issue 9: use both cores): the primary migrates and seeds, forks two workers
 * that share the port, gives them WORKER_NODE_ARGS, and stops them all on SIGTERM.
 */

/** Processes whose parent is `pid`, with their command lines (from /proc). */
function childrenOf(pid: number): Array<{ pid: number; cmdline: string[] }> {
  const out: Array<{ pid: number; cmdline: string[] }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) comes after the command name in parentheses, which may itself hold spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push({ pid: Number(entry), cmdline: readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean) });
    } catch {
      /* the process ended meanwhile */
    }
  }
  return out;
}

describe('WORKERS=2 (node:cluster)', () => {
  let db: TestDatabase;
  let server: ServerProcess;
  const prefix = `dt-test-workers-${randomBytes(4).toString('hex')}:`;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startServerProcess('cluster', await freePort(), {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      DATABASE_POOL_SIZE: '4',
      SEED_DEMO: 'true',
      SCHEDULER_ENABLED: 'false',
      WORKERS: '2',
      WORKER_NODE_ARGS: '--max-semi-space-size=32 --stack-size=2000',
    });
  }, 120_000);

  afterAll(async () => {
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    const redis = new Redis(TEST_REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    await db?.drop();
  });

  it('forks two workers with WORKER_NODE_ARGS (the primary runs without them); both serve the port', async () => {
    const primary = server.child.pid!;
    await waitFor('two workers', async () => childrenOf(primary).length === 2);
    const workers = childrenOf(primary);
    for (const w of workers) expect(w.cmdline).toEqual(expect.arrayContaining(['--max-semi-space-size=32', '--stack-size=2000']));
    const own = readFileSync(`/proc/${primary}/cmdline`, 'utf8').split('\0');
    expect(own).not.toContain('--max-semi-space-size=32');

    // Many connections (no keep-alive): the cluster hands them to both workers; every one is answered.
    const answers = await Promise.all(
      Array.from({ length: 40 }, () =>
        fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', connection: 'close' },
          body: JSON.stringify({ query: '{ cities { code } }' }),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as any })),
      ),
    );
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.body.errors).toBeUndefined();
      expect(a.body.data.cities.map((c: { code: string }) => c.code)).toEqual(expect.arrayContaining(['HKG', 'SZX']));
    }
  }, 60_000);

  it('stops the workers and exits on SIGTERM', async () => {
    const workers = childrenOf(server.child.pid!).map((w) => w.pid);
    expect(workers).toHaveLength(2);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
  }, 60_000);
});
