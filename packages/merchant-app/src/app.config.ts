// Pages of the main package and the manage sub-package: the same as src/routes.ts.
export default defineAppConfig({
  pages: ['pages/scan/index', 'pages/login/index', 'pages/enrol/index'],
  subPackages: [{ root: 'pkg-manage', pages: ['log/index', 'manage/index'] }],
  preloadRule: { 'pages/scan/index': { network: 'all', packages: ['pkg-manage'] } },
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#0f172a',
    navigationBarTitleText: '深旅 · 商户核销',
    navigationBarTextStyle: 'white',
    backgroundColor: '#f1f5f9',
  },
});
