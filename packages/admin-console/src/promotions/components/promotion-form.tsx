import { useEffect, useState } from 'react';
import { DatePicker, Form, Input, InputNumber, Modal, Radio, Select, Switch } from 'antd';
import dayjs from 'dayjs';
import { useMutation } from '../../app/api';
import { showApiError } from '../../app/api-errors';
import { options } from '../../app/format';
import { AdminUpsertPromotionDocument, type AdminPromotionsQuery } from '../queries';

type Promotion = AdminPromotionsQuery['adminPromotions'][number];

/** A promotion code: percent or amount off, a window, a product scope, a usage cap, a minimum. */
export function PromotionForm(props: { promotion: Promotion | null; open: boolean; productOptions: { value: number; label: string }[]; onClose: () => void; onSaved: () => void }) {
  const { promotion, open } = props;
  const [form] = Form.useForm();
  const [save, { loading }] = useMutation(AdminUpsertPromotionDocument);
  const [kind, setKind] = useState<string>('PERCENT');
  useEffect(() => {
    if (!open) return;
    form.resetFields();
    const p = promotion;
    form.setFieldsValue(
      p
        ? { ...p, value: p.kind === 'AMOUNT' ? p.value / 100 : p.value, minAmount: p.minAmount / 100, window: [dayjs(p.startsAt), dayjs(p.endsAt)] }
        : { kind: 'PERCENT', value: 10, enabled: true, productIds: [], minAmount: 0, window: [dayjs().startOf('day'), dayjs().add(30, 'day').endOf('day')] },
    );
    setKind(p?.kind ?? 'PERCENT');
  }, [open, promotion, form]);
  const submit = async () => {
    const v = await form.validateFields();
    try {
      await save({
        input: {
          id: promotion?.id, code: v.code.trim(), name: v.name, kind: v.kind, value: v.kind === 'AMOUNT' ? Math.round(v.value * 100) : v.value,
          startsAt: v.window[0].toISOString(), endsAt: v.window[1].toISOString(), productIds: v.productIds ?? [], usageCap: v.usageCap ?? null,
          minAmount: Math.round((v.minAmount ?? 0) * 100), enabled: !!v.enabled,
        },
      });
      props.onSaved();
    } catch (err) {
      showApiError(err, form, { startsAt: 'window', endsAt: 'window', minAmount: 'minAmount' });
    }
  };
  return (
    <Modal title={promotion ? `编辑优惠 ${promotion.code}` : '新建优惠'} open={open} onCancel={props.onClose} onOk={submit} confirmLoading={loading} okText="保存" width={620} destroyOnHidden forceRender>
      <Form name="promotion" form={form} layout="vertical" onValuesChange={(c) => c.kind && setKind(c.kind)}>
        <Form.Item name="code" label="优惠码" extra="3–32 位字母、数字、_ 或 -" rules={[{ required: true, message: '请填写优惠码' }]}>
          <Input style={{ textTransform: 'uppercase' }} />
        </Form.Item>
        <Form.Item name="name" label="名称" rules={[{ required: true, message: '请填写名称' }]}>
          <Input />
        </Form.Item>
        <Form.Item name="kind" label="类型">
          <Radio.Group options={options('promotionKind')} optionType="button" />
        </Form.Item>
        <Form.Item name="value" label={kind === 'AMOUNT' ? '立减金额（元）' : '减免比例（%）'} rules={[{ required: true, message: '请填写数值' }]}>
          <InputNumber min={0} max={kind === 'AMOUNT' ? undefined : 100} precision={kind === 'AMOUNT' ? 2 : 0} />
        </Form.Item>
        <Form.Item name="window" label="有效期" rules={[{ required: true, message: '请选择有效期' }]}>
          <DatePicker.RangePicker showTime style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="productIds" label="适用产品（空 = 全部）">
          <Select mode="multiple" options={props.productOptions} optionFilterProp="label" />
        </Form.Item>
        <Form.Item name="usageCap" label="使用上限（空 = 不限）">
          <InputNumber min={0} />
        </Form.Item>
        <Form.Item name="minAmount" label="订单最低金额（元）">
          <InputNumber min={0} precision={2} />
        </Form.Item>
        <Form.Item name="enabled" label="启用" valuePropName="checked">
          <Switch />
        </Form.Item>
      </Form>
    </Modal>
  );
}
