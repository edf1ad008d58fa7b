import type { Environment } from 'vitest/runtime';
import { builtinEnvironments } from 'vitest/runtime';

/**
 * Vitest's jsdom environment, except that a bare `window` stays defined after teardown.
 *
 * Why: the development build of react-dom (19.2+) reads `window.event` at the start of every
 * Scheduler task (react/react#37100). A task queued by an antd animation or a late state update
 * can run on Node's event loop after Vitest has removed the jsdom globals, and then throws
 * "ReferenceError: window is not defined": every test passes and the run still fails. The stub
 * only answers that read; the next file gets a fresh jsdom window as usual.
 */
const jsdomKeepingWindow: Environment = {
  name: 'jsdom-keeping-window',
  viteEnvironment: 'client',
  async setup(global, options) {
    const inner = await builtinEnvironments.jsdom.setup(global, options);
    return {
      async teardown(g) {
        await inner.teardown(g);
        if (typeof (g as { window?: unknown }).window === 'undefined') {
          Object.defineProperty(g, 'window', { value: { event: undefined }, configurable: true, writable: true });
        }
      },
    };
  },
};

export default jsdomKeepingWindow;
