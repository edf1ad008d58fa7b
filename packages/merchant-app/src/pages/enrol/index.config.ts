export default definePageConfig({ navigationBarTitleText: '激活设备' });
