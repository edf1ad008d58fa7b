import { useEffect } from 'react';
import { Button, Card, Form, InputNumber, Switch, message } from 'antd';
import { AdminSettingsDocument, AdminUpdateSettingsDocument } from '@deeptravel/client';
import { useMutation, useQuery } from '../../app/api';
import { showApiError } from '../../app/api-errors';
import { PageHeader, QueryError } from '../../app/common';
import { useSession } from '../../app/session';

/** Platform settings: seat hold, passengers per order, the optional order-completed message. */
export default function SettingsPage() {
  const q = useQuery(AdminSettingsDocument);
  const [save, { loading }] = useMutation(AdminUpdateSettingsDocument);
  const { canEdit } = useSession();
  const [form] = Form.useForm();
  useEffect(() => {
    if (q.data) form.setFieldsValue(q.data.adminSettings);
  }, [q.data, form]);
  const submit = async (v: { lockDurationMinutes: number; maxPassengersPerOrder: number; orderCompletedNotification: boolean }) => {
    try {
      const r = await save({ input: v });
      form.setFieldsValue(r.adminUpdateSettings);
      void message.success('设置已保存，立即生效');
    } catch (err) {
      showApiError(err, form);
    }
  };
  return (
    <>
      <PageHeader title="平台设置" />
      <QueryError error={q.error} />
      <Card style={{ maxWidth: 640 }} loading={q.loading && !q.data}>
        <Form name="settings" form={form} layout="vertical" onFinish={submit} disabled={!canEdit}>
          <Form.Item name="lockDurationMinutes" label="座位保留时长（分钟）" extra="下单后等待支付的时间，1–60 分钟" rules={[{ required: true, message: '请填写' }]}>
            <InputNumber min={1} max={60} />
          </Form.Item>
          <Form.Item name="maxPassengersPerOrder" label="每单最多乘客" extra="1–50 人" rules={[{ required: true, message: '请填写' }]}>
            <InputNumber min={1} max={50} />
          </Form.Item>
          <Form.Item name="orderCompletedNotification" label="订单完成时通知旅客" valuePropName="checked">
            <Switch />
          </Form.Item>
          {canEdit ? <Button type="primary" htmlType="submit" loading={loading}>保存</Button> : null}
        </Form>
      </Card>
    </>
  );
}
