import { useEffect, useState } from 'react';
import { Button, Form, Input, InputNumber, Radio, Select, Switch } from 'antd';
import { useMutation } from '../../app/api';
import { showApiError } from '../../app/api-errors';
import { options } from '../../app/format';
import { useSession } from '../../app/session';
import { AdminUpsertProductDocument, type AdminProductsQuery } from '../queries';

type Product = AdminProductsQuery['adminProducts'][number];
type Option = { value: string; label: string };

/** A product's own settings: a trip ticket on a route, or a package from a template for a city. */
export function ProductForm(props: {
  product: Product | null;
  routeOptions: Option[];
  templateOptions: Option[];
  cityOptions: Option[];
  refundRuleOptions: Option[];
  onSaved: (id: string) => void;
}) {
  const { product } = props;
  const { canEdit } = useSession();
  const [form] = Form.useForm();
  const [save, { loading }] = useMutation(AdminUpsertProductDocument);
  const [kind, setKind] = useState<string>(product?.kind ?? 'TICKET');
  useEffect(() => {
    form.resetFields();
    form.setFieldsValue(product ?? { kind: 'TICKET', enabled: true, currency: 'CNY' });
    setKind(product?.kind ?? 'TICKET');
  }, [product, form]);

  const submit = async (v: Record<string, any>) => {
    try {
      const r = await save({
        input: {
          id: product?.id, kind: v.kind, name: v.name, nameEn: v.nameEn || null, routeId: v.kind === 'TICKET' ? v.routeId : null,
          templateId: v.kind === 'PACKAGE' ? v.templateId : null, cityId: v.cityId ?? null, refundRuleId: v.refundRuleId, enabled: !!v.enabled,
          currency: v.currency, dailyQuota: v.dailyQuota ?? null, description: v.description || null,
        },
      });
      props.onSaved(r.adminUpsertProduct);
    } catch (err) {
      showApiError(err, form);
    }
  };

  return (
    <Form name="product" form={form} layout="vertical" onFinish={submit} disabled={!canEdit} onValuesChange={(c) => c.kind && setKind(c.kind)} data-testid="product-form">
      <Form.Item name="kind" label="类型">
        <Radio.Group options={options('productKind')} optionType="button" disabled={!!product || !canEdit} />
      </Form.Item>
      <Form.Item name="name" label="名称" rules={[{ required: true, message: '请填写名称' }]}>
        <Input />
      </Form.Item>
      <Form.Item name="nameEn" label="英文名">
        <Input />
      </Form.Item>
      {kind === 'TICKET' ? (
        <Form.Item name="routeId" label="线路" rules={[{ required: true, message: '请选择线路' }]}>
          <Select options={props.routeOptions} showSearch optionFilterProp="label" data-testid="product-route" />
        </Form.Item>
      ) : (
        <>
          <Form.Item name="templateId" label="套票模板" rules={[{ required: true, message: '请选择模板' }]}>
            <Select options={props.templateOptions} />
          </Form.Item>
          <Form.Item name="dailyQuota" label="每日配额（空 = 不限）">
            <InputNumber min={0} />
          </Form.Item>
        </>
      )}
      <Form.Item name="cityId" label="城市" rules={kind === 'PACKAGE' ? [{ required: true, message: '请选择城市' }] : []}>
        <Select options={props.cityOptions} allowClear />
      </Form.Item>
      <Form.Item name="refundRuleId" label="退改规则" rules={[{ required: true, message: '请选择退改规则' }]}>
        <Select options={props.refundRuleOptions} data-testid="product-refund-rule" />
      </Form.Item>
      <Form.Item name="currency" label="币种">
        <Radio.Group options={[{ value: 'CNY', label: '人民币 CNY' }, { value: 'HKD', label: '港币 HKD' }]} />
      </Form.Item>
      <Form.Item name="description" label="说明">
        <Input.TextArea rows={2} />
      </Form.Item>
      <Form.Item name="enabled" label="上架" valuePropName="checked">
        <Switch />
      </Form.Item>
      {canEdit ? <Button type="primary" htmlType="submit" loading={loading} data-testid="product-save">保存</Button> : null}
    </Form>
  );
}
