export default definePageConfig({ navigationBarTitleText: '终端与冲突' });
