import { useEffect } from 'react';
import { Form, Input, Modal, Select, Switch } from 'antd';
import type { AdminMerchantsQuery } from '@deeptravel/client';
import { useMutation } from '../../app/api';
import { showApiError } from '../../app/api-errors';
import { options } from '../../app/format';
import { AdminUpsertMerchantDocument } from '../queries';

type Merchant = AdminMerchantsQuery['adminMerchants'][number];

/** Creates or edits a merchant (ferry or bus operator, attraction, service). */
export function MerchantForm({ merchant, open, onClose, onSaved }: { merchant: Merchant | null; open: boolean; onClose: () => void; onSaved: () => void }) {
  const [form] = Form.useForm();
  const [save, { loading }] = useMutation(AdminUpsertMerchantDocument);
  useEffect(() => {
    if (open) form.setFieldsValue(merchant ?? { code: '', name: '', kind: 'ATTRACTION', enabled: true });
  }, [open, merchant, form]);
  const submit = async () => {
    const v = await form.validateFields();
    try {
      await save({ id: merchant?.id, code: v.code.trim().toUpperCase(), name: v.name, kind: v.kind, enabled: !!v.enabled });
      onSaved();
    } catch (err) {
      showApiError(err, form);
    }
  };
  return (
    <Modal title={merchant ? `编辑商户 ${merchant.name}` : '新建商户'} open={open} onCancel={onClose} onOk={submit} confirmLoading={loading} okText="保存" destroyOnHidden forceRender>
      <Form name="merchant" form={form} layout="vertical">
        <Form.Item name="code" label="商户代码" extra="2–20 位大写字母、数字或 -" rules={[{ required: true, message: '请填写商户代码' }]}>
          <Input />
        </Form.Item>
        <Form.Item name="name" label="名称" rules={[{ required: true, message: '请填写名称' }]}>
          <Input />
        </Form.Item>
        <Form.Item name="kind" label="类型">
          <Select options={options('merchantKind')} />
        </Form.Item>
        <Form.Item name="enabled" label="启用" valuePropName="checked" extra="停用后该商户的员工与终端立即无法使用">
          <Switch />
        </Form.Item>
      </Form>
    </Modal>
  );
}
