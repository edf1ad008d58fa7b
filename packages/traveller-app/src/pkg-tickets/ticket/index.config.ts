export default definePageConfig({ navigationBarTitleText: '出示二维码' });
