import { describe, expect, it } from '@jest/globals';
import { hashPassword, hashTerminalKey, terminalKeyMatches, verifyPassword } from './password.js';

describe('staff passwords (scrypt)', () => {
  it('verifies the right password and refuses a wrong one; every hash has its own salt', async () => {
    const h1 = await hashPassword('demo1234');
    const h2 = await hashPassword('demo1234');
    expect(h1).toMatch(/^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(h1).not.toBe(h2);
    expect(await verifyPassword('demo1234', h1)).toBe(true);
    expect(await verifyPassword('demo12345', h1)).toBe(false);
    expect(await verifyPassword('', h1)).toBe(false);
  });

  it('refuses malformed or tampered hashes without throwing', async () => {
    const h = await hashPassword('pw');
    expect(await verifyPassword('pw', 'plain-text')).toBe(false);
    expect(await verifyPassword('pw', h.replace('$32768$', '$99999999$'))).toBe(false);
    expect(await verifyPassword('pw', h.slice(0, -2))).toBe(false);
  });

  it('checks terminal keys against their SHA-256', () => {
    const stored = hashTerminalKey('k-123');
    expect(terminalKeyMatches('k-123', stored)).toBe(true);
    expect(terminalKeyMatches('k-124', stored)).toBe(false);
    expect(terminalKeyMatches('k-123', 'not-hex')).toBe(false);
  });
});
