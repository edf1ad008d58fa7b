export default definePageConfig({ navigationBarTitleText: '深旅' });
