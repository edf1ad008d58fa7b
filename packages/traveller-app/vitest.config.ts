import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * Component tests (vitest + jsdom + React Testing Library), with the fixes STACK-NOTES lists:
 * `@tarojs/taro` is the real H5 implementation (`@tarojs/taro-h5`, with `@tarojs/router`), the
 * canvas is stubbed in the setup file, DEPRECATED_ADAPTER_COMPONENT is defined; Taro's components
 * are drawn as plain HTML by a small shim (their H5 build needs the Stencil runtime).
 */
export default defineConfig({
  define: {
    DEPRECATED_ADAPTER_COMPONENT: 'false',
    DT_API_URL: JSON.stringify('/graphql'),
    DT_DEV_TOKEN: JSON.stringify('user123'),
    'process.env.TARO_ENV': JSON.stringify('h5'),
    'process.env.TARO_PLATFORM': JSON.stringify('web'),
  },
  resolve: {
    dedupe: ['react', 'react-dom'],
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
