import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { Max, Min } from 'class-validator';
import { ArgumentValidationError } from 'type-graphql';
import { validateArgument } from './validate-argument.js';

class Party {
  @Min(0) @Max(99) count!: number;
  /** Optional: skipped when missing, as type-graphql's own validation does. */
  @Min(1) seats?: number;
}

function party(count: number, seats?: number): Party {
  return Object.assign(new Party(), seats === undefined ? { count } : { count, seats });
}

describe('validateArgument (type-graphql validateFn)', () => {
  it('accepts valid input objects, lists of them, scalars and null', async () => {
    await expect(validateArgument(party(2))).resolves.toBeUndefined();
    await expect(validateArgument([party(0), party(99, 3), null])).resolves.toBeUndefined();
    await expect(validateArgument(5)).resolves.toBeUndefined();
    await expect(validateArgument('text')).resolves.toBeUndefined();
    await expect(validateArgument(null)).resolves.toBeUndefined();
  });

  it('refuses a broken rule with type-graphql ArgumentValidationError, code BAD_USER_INPUT', async () => {
    for (const bad of [party(100), party(-1), party(1, 0), [party(1), party(120)]]) {
      const err = await validateArgument(bad).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(ArgumentValidationError);
      const e = err as ArgumentValidationError;
      expect(e.extensions.code).toBe('BAD_USER_INPUT');
      expect((e.extensions.validationErrors as unknown[]).length).toBeGreaterThan(0);
    }
  });
});
