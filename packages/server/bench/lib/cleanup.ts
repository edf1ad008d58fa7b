/** Things to undo at the end of a run (or on Ctrl-C), last registered first. */
const stack: Array<{ name: string; fn: () => Promise<unknown> }> = [];

export function defer(name: string, fn: () => Promise<unknown>): void {
  stack.push({ name, fn });
}

export async function runCleanups(log: (msg: string) => void = (m) => console.error(m)): Promise<void> {
  while (stack.length) {
    const { name, fn } = stack.pop()!;
    try {
      await fn();
    } catch (err) {
      log(`cleanup "${name}" failed: ${(err as Error).message}`);
    }
  }
}
