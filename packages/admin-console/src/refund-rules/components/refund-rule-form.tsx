import { useEffect, useState } from 'react';
import { Alert, Button, Form, Input, InputNumber, Modal, Space, Switch } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import type { AdminRefundRulesQuery } from '@deeptravel/client';
import { useMutation } from '../../app/api';
import { showApiError } from '../../app/api-errors';
import { AdminUpsertRefundRuleDocument } from '../queries';
import { refundTierProblems, type RefundTier } from './refund-preview';
import { RefundRulePreview } from './refund-rule-preview';

type Rule = AdminRefundRulesQuery['adminRefundRules'][number];

/** A refund and change rule: fee tiers by hours before departure, with a live preview. */
export function RefundRuleForm({ rule, open, onClose, onSaved }: { rule: Rule | null; open: boolean; onClose: () => void; onSaved: () => void }) {
  const [form] = Form.useForm();
  const [save, { loading }] = useMutation(AdminUpsertRefundRuleDocument);
  // The preview follows every keystroke: the values as typed, from onValuesChange.
  const [live, setLive] = useState<{ tiers?: RefundTier[]; changeAllowed?: boolean }>({});
  const tiers = (live.tiers ?? []).filter(Boolean);
  const changeAllowed = live.changeAllowed;
  useEffect(() => {
    if (!open) return;
    const start = rule ?? { name: '', summaryZh: '', changeAllowed: true, changeMinHoursBefore: 2, tiers: [{ minHoursBefore: 24, feePercent: 10 }, { minHoursBefore: 2, feePercent: 50 }] };
    form.resetFields();
    form.setFieldsValue(start);
    setLive({ tiers: start.tiers.map((t) => ({ minHoursBefore: t.minHoursBefore, feePercent: t.feePercent })), changeAllowed: start.changeAllowed });
  }, [open, rule, form]);
  const problems = refundTierProblems(tiers);
  const submit = async () => {
    const v = await form.validateFields();
    try {
      await save({
        input: {
          id: rule?.id, name: v.name, summaryZh: v.summaryZh, changeAllowed: !!v.changeAllowed, changeMinHoursBefore: v.changeMinHoursBefore ?? 0,
          tiers: (v.tiers ?? []).map((t: RefundTier) => ({ minHoursBefore: t.minHoursBefore, feePercent: t.feePercent })),
        },
      });
      onSaved();
    } catch (err) {
      showApiError(err, form);
    }
  };
  return (
    <Modal title={rule ? `编辑规则 ${rule.name}` : '新建退改规则'} open={open} onCancel={onClose} onOk={submit} confirmLoading={loading} okText="保存" width={680} destroyOnHidden forceRender>
      <Form name="refund-rule" form={form} layout="vertical" onValuesChange={(_, all) => setLive(all)}>
        <Form.Item name="name" label="名称" rules={[{ required: true, message: '请填写名称' }]}>
          <Input />
        </Form.Item>
        <Form.Item label="退票手续费（按出发前小时数，取达到的最高一档；低于最低一档不可退）" required>
          <Form.List name="tiers">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline" style={{ display: 'flex', marginBottom: -8 }}>
                    <Form.Item name={[f.name, 'minHoursBefore']} rules={[{ required: true, message: '小时数' }]}>
                      <InputNumber min={0} prefix="≥" suffix="小时" style={{ width: 140 }} aria-label="出发前至少小时数" />
                    </Form.Item>
                    <Form.Item name={[f.name, 'feePercent']} rules={[{ required: true, message: '手续费' }]}>
                      <InputNumber min={0} max={100} prefix="手续费" suffix="%" style={{ width: 150 }} aria-label="手续费百分比" />
                    </Form.Item>
                    <MinusCircleOutlined onClick={() => remove(f.name)} aria-label="删除此档" />
                  </Space>
                ))}
                <Button type="dashed" onClick={() => add({ minHoursBefore: 0, feePercent: 100 })} icon={<PlusOutlined />} style={{ marginTop: 8 }}>添加一档</Button>
              </>
            )}
          </Form.List>
        </Form.Item>
        {problems.length ? <Alert type="error" showIcon title={problems.map((p) => p.text).join('；')} style={{ marginBottom: 12 }} /> : null}
        <RefundRulePreview tiers={tiers} />
        <Space style={{ marginTop: 16 }} wrap>
          <Form.Item name="changeAllowed" label="允许改签" valuePropName="checked">
            <Switch />
          </Form.Item>
          {changeAllowed ? (
            <Form.Item name="changeMinHoursBefore" label="改签截止（出发前小时）">
              <InputNumber min={0} />
            </Form.Item>
          ) : null}
        </Space>
        <Form.Item name="summaryZh" label="旅客看到的说明" rules={[{ required: true, message: '请填写旅客可读的规则说明' }]}>
          <Input.TextArea rows={2} placeholder="例如：出发前24小时以上退票收取10%手续费，2–24小时收取50%，2小时内不可退" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
