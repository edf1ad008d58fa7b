import { Button, DatePicker, Form, InputNumber, Typography, message } from 'antd';
import dayjs from 'dayjs';
import { useMutation } from '../../app/api';
import { showApiError } from '../../app/api-errors';
import { hkToday } from '../../app/format';
import { useSession } from '../../app/session';
import { AdminSetDailyQuotaDocument } from '../queries';

/** Sets one day's quota of a package (never below what is sold and held that day; the server checks). */
export function QuotaPanel({ productId, defaultQuota }: { productId: string; defaultQuota: number | null }) {
  const { canEdit } = useSession();
  const [form] = Form.useForm();
  const [save, { loading }] = useMutation(AdminSetDailyQuotaDocument);
  const submit = async (v: { date: dayjs.Dayjs; quota: number }) => {
    try {
      await save({ productId, date: v.date.format('YYYY-MM-DD'), quota: v.quota });
      void message.success('当日配额已更新');
    } catch (err) {
      showApiError(err, form);
    }
  };
  return (
    <>
      <Typography.Paragraph type="secondary">默认每日配额：{defaultQuota ?? '不限'}。在此为某一天单独设置。</Typography.Paragraph>
      <Form name="quota" form={form} layout="inline" onFinish={submit} disabled={!canEdit} initialValues={{ date: dayjs(hkToday()).add(1, 'day'), quota: defaultQuota ?? 100 }}>
        <Form.Item name="date" label="日期" rules={[{ required: true, message: '请选择日期' }]}>
          <DatePicker />
        </Form.Item>
        <Form.Item name="quota" label="配额" rules={[{ required: true, message: '请填写配额' }]}>
          <InputNumber min={0} />
        </Form.Item>
        {canEdit ? <Button type="primary" htmlType="submit" loading={loading}>设置</Button> : null}
      </Form>
    </>
  );
}
