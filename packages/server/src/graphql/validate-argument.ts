import { validateOrReject, type ValidationError, type ValidatorOptions } from 'class-validator';
import { ArgumentValidationError } from 'type-graphql';

/** The options type-graphql itself uses when `validate: { forbidUnknownValues: false }` is set. */
const VALIDATOR_OPTIONS: ValidatorOptions = { forbidUnknownValues: false, skipMissingProperties: true };

function isValidatable(value: unknown): value is object {
  return value !== null && typeof value === 'object';
}

/**
 * Validates one resolver argument (an input-type instance, or a list of them) with its
 * class-validator decorators, like type-graphql's built-in validation, and throws its
 * `ArgumentValidationError` (code `BAD_USER_INPUT`) when a rule fails.
 *
 * Why our own: type-graphql's built-in path runs `await import('class-validator')` for every
 * argument of every request. Under the TypeScript loader hooks the server runs with
 * (`--import @swc-node/register/esm-register`), each dynamic import is a round trip to the hooks
 * thread: in the search profile that thread used 0.5–0.6 of a core and the main thread waited on it
 * (docs/performance.md, "Issue 9, fifth pass"). A static import costs nothing per request.
 */
export async function validateArgument(value: unknown): Promise<void> {
  if (!isValidatable(value)) return;
  try {
    if (Array.isArray(value)) await Promise.all(value.filter(isValidatable).map((item) => validateOrReject(item, VALIDATOR_OPTIONS)));
    else await validateOrReject(value, VALIDATOR_OPTIONS);
  } catch (err) {
    throw new ArgumentValidationError(err as ValidationError[]);
  }
}
