import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * Component tests (vitest + jsdom + React Testing Library), set up as in the traveller app: the real
 * H5 `@tarojs/taro` (`@tarojs/taro-h5`), Taro's components drawn as plain HTML by a small shim.
 */
export default defineConfig({
  define: {
    DEPRECATED_ADAPTER_COMPONENT: 'false',
    DT_API_URL: JSON.stringify('/graphql'),
    'process.env.TARO_ENV': JSON.stringify('h5'),
    'process.env.TARO_PLATFORM': JSON.stringify('web'),
  },
  resolve: {
    alias: [
      { find: /^@tarojs\/taro$/, replacement: here('./test/taro-h5.ts') },
      { find: /^@tarojs\/components$/, replacement: here('./test/taro-components-shim.tsx') },
    ],
  },
  test: {
    include: ['test/**/*.spec.tsx', 'test/**/*.spec.ts'],
    environment: 'jsdom',
    setupFiles: [here('./test/setup.ts')],
    testTimeout: 20000,
  },
});
