import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/react';

// Some libraries draw on a canvas at import; jsdom has none.
HTMLCanvasElement.prototype.getContext = (() => null) as never;

afterEach(() => {
  cleanup();
  localStorage.clear();
});
