import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  test: {
    include: ['src/**/*.spec.{ts,tsx}', 'test/**/*.spec.{ts,tsx}'],
    environment: './test/jsdom-environment.ts',
    setupFiles: ['test/setup.ts'],
    testTimeout: 20000,
    css: false,
  },
});
