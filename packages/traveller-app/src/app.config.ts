// Pages of the main package (tabs) and the two sub-packages: the same as src/routes.ts.
export default defineAppConfig({
  pages: ['pages/search/index', 'pages/wallet/index', 'pages/orders/index', 'pages/profile/index'],
  subPackages: [
    { root: 'pkg-booking', pages: ['results/index', 'product/index', 'confirm/index', 'pay/index'] },
    { root: 'pkg-tickets', pages: ['order/index', 'ticket/index', 'refund/index', 'change/index', 'passengers/index', 'messages/index'] },
  ],
  preloadRule: {
    'pages/search/index': { network: 'all', packages: ['pkg-booking'] },
    'pages/wallet/index': { network: 'all', packages: ['pkg-tickets'] },
  },
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#0b6e4f',
    navigationBarTitleText: '深旅 DeepTravel',
    navigationBarTextStyle: 'white',
    backgroundColor: '#f4f6f5',
  },
});
