import path from 'node:path';
import { defineConfig, type UserConfigExport } from '@tarojs/cli';

const env = process.env.TARO_ENV;
const clientSrc = path.resolve(__dirname, '../../client/src');

// Build-time settings (README: docs/apps.md).
const apiUrl = process.env.TARO_APP_API_URL || (env === 'h5' ? '/graphql' : 'http://127.0.0.1:8080/graphql');
const devToken = process.env.TARO_APP_DEV_TOKEN ?? 'user123';
const apiOrigin = process.env.TARO_APP_DEV_API_ORIGIN || 'http://127.0.0.1:8080';

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
      DT_SUBSCRIBE_TEMPLATES: JSON.stringify(process.env.TARO_APP_SUBSCRIBE_TEMPLATES ?? ''),
    },
    copy: { patterns: [], options: {} },
    framework: 'react',
    compiler: 'webpack5',
    cache: { enable: false },
    logger: { quiet: true, stats: false },
    mini: {
      // The shared client package is TypeScript source: compile it like our own.
      compile: { include: [clientSrc] },
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
      compile: { include: [clientSrc] },
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
        proxy: [{ context: ['/graphql', '/payments'], target: apiOrigin, changeOrigin: true }],
      },
    },
  };
  return config;
});
