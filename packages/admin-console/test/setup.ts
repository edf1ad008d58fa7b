import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/react';

// jsdom lacks what antd's responsive bits use.
if (!window.matchMedia) {
  window.matchMedia = (query: string) =>
    ({ matches: false, media: query, onchange: null, addListener() {}, removeListener() {}, addEventListener() {}, removeEventListener() {}, dispatchEvent: () => false }) as unknown as MediaQueryList;
}
if (!(globalThis as { ResizeObserver?: unknown }).ResizeObserver) {
  (globalThis as { ResizeObserver?: unknown }).ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}
afterEach(async () => {
  cleanup();
  // Let React's scheduler run what unmounting queued (setImmediate) while this file's jsdom window
  // still exists: left for later, it once ran in the next file of the same worker and threw
  // "window is not defined" there.
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
});
