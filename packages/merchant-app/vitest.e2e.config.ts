import { defineConfig } from 'vitest/config';

/** The end-to-end test: the H5 build in Debian's Chromium beside the real server (e2e/merchant.e2e.ts). */
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 240_000,
    fileParallelism: false,
  },
});
