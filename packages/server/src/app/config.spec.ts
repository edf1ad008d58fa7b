import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('applies defaults with no environment (the embedded default)', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 8080, PAYMENT_GATEWAY: 'mock', devMode: true });
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.REDIS_URL).toBeUndefined();
    expect(c.WORKER_NODE_ARGS).toEqual([]);
  });

  it('splits WORKER_NODE_ARGS on white space', () => {
    expect(loadConfig({ WORKER_NODE_ARGS: ' --single-threaded-gc  --max-semi-space-size=32 ' }).WORKER_NODE_ARGS).toEqual(['--single-threaded-gc', '--max-semi-space-size=32']);
  });

  it('names the variable that is wrong, in one line', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/^Invalid configuration: PORT: /);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow('Invalid configuration: DATABASE_URL: must be a postgres:// URL');
    expect(() => loadConfig({ PAYMENT_GATEWAY: 'paypal' })).toThrow(/PAYMENT_GATEWAY/);
  });

  it('requires a session secret in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow('Invalid configuration: SESSION_SECRET: required in production');
    expect(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) }).devMode).toBe(false);
  });

  it('refuses the persisted-query bypass key in production', () => {
    const prod = { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) };
    expect(() => loadConfig({ ...prod, PERSISTED_QUERIES_BYPASS_KEY: 'k'.repeat(16) })).toThrow('PERSISTED_QUERIES_BYPASS_KEY: not allowed in production');
    expect(loadConfig({ ...prod, PERSISTED_QUERIES: 'allow' }).PERSISTED_QUERIES).toBe('allow');
    expect(() => loadConfig({ PERSISTED_QUERIES: 'strict' })).toThrow(/PERSISTED_QUERIES/);
  });
});
