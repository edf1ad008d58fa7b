import { useState } from 'react';
import { App, Form, Input, Modal, Typography } from 'antd';
import { errorText } from './api-errors';

/**
 * An operator action that needs a reason (retry a refund, resend a message, resolve a conflict):
 * the reason is required and goes to the audit log with the action.
 */
export function ReasonModal({ open, title, description, onSubmit, onClose }: {
  open: boolean;
  title: string;
  description?: string;
  onSubmit: (reason: string) => Promise<unknown>;
  onClose: (done: boolean) => void;
}) {
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { message } = App.useApp();
  const submit = async () => {
    let reason: string;
    try {
      ({ reason } = await form.validateFields());
    } catch {
      return; // the form shows what is missing
    }
    setBusy(true);
    setError(null);
    try {
      await onSubmit(reason.trim());
      message.success(`${title}：已完成，已记入操作日志`);
      form.resetFields();
      onClose(true);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open={open} title={title} okText="确认" cancelText="取消" confirmLoading={busy} onOk={() => void submit()} onCancel={() => { form.resetFields(); setError(null); onClose(false); }} destroyOnHidden>
      {description ? <Typography.Paragraph type="secondary">{description}</Typography.Paragraph> : null}
      <Form form={form} layout="vertical" name="reason-form">
        <Form.Item name="reason" label="原因（记入操作日志）" rules={[{ required: true, whitespace: true, message: '请填写原因' }]}>
          <Input.TextArea rows={3} maxLength={500} showCount data-testid="reason-input" />
        </Form.Item>
      </Form>
      {error ? <Typography.Text type="danger" data-testid="reason-error">{error}</Typography.Text> : null}
    </Modal>
  );
}
