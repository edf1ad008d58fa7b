export default definePageConfig({ navigationBarTitleText: '选择班次' });
