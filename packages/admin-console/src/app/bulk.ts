/** What a bulk action did: the items done, and the ones refused with the error. */
export interface BulkResult<T> {
  done: T[];
  failed: Array<{ item: T; error: unknown }>;
}

/**
 * Runs one action per item, one after another (each is its own audited change on the server), and
 * carries on past a refusal so one bad row does not stop the rest.
 */
export async function runBulk<T>(items: T[], action: (item: T) => Promise<unknown>): Promise<BulkResult<T>> {
  const result: BulkResult<T> = { done: [], failed: [] };
  for (const item of items) {
    try {
      await action(item);
      result.done.push(item);
    } catch (error) {
      result.failed.push({ item, error });
    }
  }
  return result;
}
