import fs from 'node:fs';
import path from 'node:path';
import { defineConfig, type UserConfigExport } from '@tarojs/cli';

const env = process.env.TARO_ENV;
const clientSrc = path.resolve(__dirname, '../../client/src');
const sharedSrc = path.resolve(__dirname, '../../shared/src');
// One copy of each of these in the bundle. Code that Taro generates into its own packages imports
// `@tarojs/plugin-framework-react` without declaring it, so with two Taro apps in the workspace it
// could resolve to the other app's copy (pnpm hoisting) and React hooks would fail at runtime
// ("useContext is not a function"); React itself likewise for Taro's components. Babel's helpers
// (@babel/runtime) are injected into the shared client package's files too, which has none of its own.
const pkgDir = (name: string) => fs.realpathSync(path.resolve(__dirname, '..', 'node_modules', name));
// (On weapp Taro maps react-dom to its own renderer, @tarojs/react: leave that alone.)
const singletons = Object.fromEntries(
  ['react', '@tarojs/plugin-framework-react', '@babel/runtime', ...(env === 'h5' ? ['react-dom'] : [])].map((n) => [n, pkgDir(n)]),
);

// Build-time settings (docs/apps.md).
const apiUrl = process.env.TARO_APP_API_URL || (env === 'h5' ? '/graphql' : 'http://127.0.0.1:8080/graphql');
const devToken = process.env.TARO_APP_DEV_TOKEN ?? 'user123';
const apiOrigin = process.env.TARO_APP_DEV_API_ORIGIN || 'http://127.0.0.1:8080';

/** @deeptravel/shared (the QR code's computation) is written for NodeNext (`./x.js` imports of `.ts` files): let webpack find them. */
function resolveTsFromJs(chain: any): void {
  chain.resolve.merge({ extensionAlias: { '.js': ['.ts', '.js'] } });
}

export default defineConfig<'webpack5'>(async () => {
  const config: UserConfigExport<'webpack5'> = {
    projectName: 'deeptravel-traveller',
    date: '2026-11-23',
    designWidth: 750,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot: env === 'h5' ? 'dist-h5' : 'dist-weapp',
    plugins: [],
    defineConstants: {
      DT_API_URL: JSON.stringify(apiUrl),
      DT_DEV_TOKEN: JSON.stringify(devToken),
    },
    copy: { patterns: [], options: {} },
    framework: 'react',
    compiler: 'webpack5',
    alias: singletons,
    cache: { enable: false },
    logger: { quiet: true, stats: false },
    mini: {
      // The shared client and shared packages are TypeScript source: compile them like our own.
      compile: { include: [clientSrc, sharedSrc] },
      webpackChain: resolveTsFromJs,
      optimizeMainPackage: { enable: true },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false },
      },
    },
    h5: {
      publicPath: '/',
      staticDirectory: 'static',
      router: { mode: 'hash' },
      compile: { include: [clientSrc, sharedSrc] },
      webpackChain: resolveTsFromJs,
      output: { filename: 'js/[name].[hash:8].js', chunkFilename: 'js/[name].[chunkhash:8].js' },
      miniCssExtractPluginOption: { ignoreOrder: true, filename: 'css/[name].[hash].css', chunkFilename: 'css/[name].[chunkhash].css' },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false },
      },
      devServer: {
        port: Number(process.env.TRAVELLER_DEV_PORT ?? 10086),
        host: '127.0.0.1',
        // Same origin as the app: the local server answers /graphql and the mock payment notify.
        proxy: [{ context: ['/graphql', '/payments'], target: apiOrigin, changeOrigin: true, ws: true }],
      },
    },
  };
  return config;
});
