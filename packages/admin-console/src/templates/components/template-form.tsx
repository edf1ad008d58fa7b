import { useEffect } from 'react';
import { Button, Form, Input, InputNumber, Modal, Select, Space } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import type { AdminPackageTemplatesQuery } from '@deeptravel/client';
import { useMutation } from '../../app/api';
import { showApiError } from '../../app/api-errors';
import { options } from '../../app/format';
import { AdminUpsertPackageTemplateDocument } from '../queries';

type Template = AdminPackageTemplatesQuery['adminPackageTemplates'][number];

/** A package template and its entitlement lines (merchant, per passenger or shared, uses). */
export function TemplateForm(props: { template: Template | null; open: boolean; merchantOptions: { value: string; label: string }[]; onClose: () => void; onSaved: () => void }) {
  const { template, open } = props;
  const [form] = Form.useForm();
  const [save, { loading }] = useMutation(AdminUpsertPackageTemplateDocument);
  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(template ?? { name: '', validityDays: 1, description: '', lines: [{ name: '', merchantId: undefined, scope: 'PER_PASSENGER', uses: 1 }] });
  }, [open, template, form]);
  const submit = async () => {
    const v = await form.validateFields();
    try {
      await save({
        input: {
          id: template?.id, name: v.name, validityDays: v.validityDays, description: v.description || null,
          lines: (v.lines ?? []).map((l: { name: string; merchantId: string; scope: string; uses: number }) => ({ name: l.name, merchantId: l.merchantId, scope: l.scope, uses: l.uses })),
        },
      });
      props.onSaved();
    } catch (err) {
      showApiError(err, form);
    }
  };
  return (
    <Modal title={template ? `编辑模板 ${template.name}` : '新建套票模板'} open={open} onCancel={props.onClose} onOk={submit} confirmLoading={loading} okText="保存" width={760} destroyOnHidden forceRender>
      <Form name="template" form={form} layout="vertical">
        <Form.Item name="name" label="名称" rules={[{ required: true, message: '请填写名称' }]}>
          <Input />
        </Form.Item>
        <Space>
          <Form.Item name="validityDays" label="有效天数" rules={[{ required: true, message: '请填写有效天数' }]}>
            <InputNumber min={1} max={30} />
          </Form.Item>
        </Space>
        <Form.Item name="description" label="说明">
          <Input.TextArea rows={2} />
        </Form.Item>
        <Form.Item label="权益（核销项目）" required>
          <Form.List name="lines">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline" wrap style={{ display: 'flex', marginBottom: -8 }}>
                    <Form.Item name={[f.name, 'name']} rules={[{ required: true, message: '请填写权益名称' }]}>
                      <Input placeholder="权益名称，例如 昂坪360缆车（往返）" style={{ width: 230 }} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'merchantId']} rules={[{ required: true, message: '请选择商户' }]}>
                      <Select placeholder="核销商户" options={props.merchantOptions} style={{ width: 190 }} showSearch optionFilterProp="label" />
                    </Form.Item>
                    <Form.Item name={[f.name, 'scope']}>
                      <Select options={options('scope')} style={{ width: 110 }} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'uses']} rules={[{ required: true, message: '次数' }]}>
                      <InputNumber min={1} max={99} suffix="次" style={{ width: 100 }} />
                    </Form.Item>
                    <MinusCircleOutlined onClick={() => remove(f.name)} aria-label="删除权益" />
                  </Space>
                ))}
                <Button type="dashed" onClick={() => add({ scope: 'PER_PASSENGER', uses: 1 })} icon={<PlusOutlined />} style={{ marginTop: 8 }}>添加权益</Button>
              </>
            )}
          </Form.List>
        </Form.Item>
      </Form>
    </Modal>
  );
}
