export default definePageConfig({ navigationBarTitleText: '深旅 · 购票' });
