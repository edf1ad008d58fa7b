import { useEffect } from 'react';
import { Form, Input, InputNumber, Modal, Radio, Select, Switch } from 'antd';
import type { AdminRoutesQuery } from '@deeptravel/client';
import { useMutation } from '../../app/api';
import { showApiError } from '../../app/api-errors';
import { options } from '../../app/format';
import { AdminUpsertRouteDocument } from '../queries';

type Route = AdminRoutesQuery['adminRoutes'][number];
type Option = { value: string; label: string };

/** Creates or edits a route: two stations joined by bus or ferry, run by an operator merchant. */
export function RouteForm(props: { route: Route | null; open: boolean; stationOptions: Option[]; merchantOptions: Option[]; onClose: () => void; onSaved: (id: string) => void }) {
  const { route, open, onClose, onSaved } = props;
  const [form] = Form.useForm();
  const [save, { loading }] = useMutation(AdminUpsertRouteDocument);
  useEffect(() => {
    if (open) form.setFieldsValue(route ?? { code: '', mode: 'FERRY', durationMinutes: 60, enabled: true, originId: undefined, destinationId: undefined, operatorId: undefined });
  }, [open, route, form]);
  const submit = async () => {
    const v = await form.validateFields();
    try {
      const r = await save({ input: { id: route?.id, code: v.code.trim(), mode: v.mode, originId: v.originId, destinationId: v.destinationId, operatorId: v.operatorId, durationMinutes: v.durationMinutes, enabled: v.enabled } });
      onSaved(r.adminUpsertRoute);
    } catch (err) {
      showApiError(err, form);
    }
  };
  return (
    <Modal title={route ? `编辑线路 ${route.code}` : '新建线路'} open={open} onCancel={onClose} onOk={submit} confirmLoading={loading} okText="保存" destroyOnHidden forceRender>
      <Form name="route" form={form} layout="vertical" data-testid="route-form">
        <Form.Item name="code" label="线路代码" rules={[{ required: true, message: '请填写线路代码' }]}>
          <Input placeholder="例如 SK-HKIA" />
        </Form.Item>
        <Form.Item name="mode" label="交通方式" rules={[{ required: true }]}>
          <Radio.Group options={options('mode')} optionType="button" />
        </Form.Item>
        <Form.Item name="originId" label="出发站" rules={[{ required: true, message: '请选择出发站' }]}>
          <Select options={props.stationOptions} showSearch optionFilterProp="label" data-testid="route-origin" />
        </Form.Item>
        <Form.Item name="destinationId" label="到达站" rules={[{ required: true, message: '请选择到达站' }]}>
          <Select options={props.stationOptions} showSearch optionFilterProp="label" data-testid="route-destination" />
        </Form.Item>
        <Form.Item name="operatorId" label="承运商户" rules={[{ required: true, message: '请选择承运商户' }]}>
          <Select options={props.merchantOptions} showSearch optionFilterProp="label" data-testid="route-operator" />
        </Form.Item>
        <Form.Item name="durationMinutes" label="行程时长（分钟）" rules={[{ required: true, message: '请填写时长' }]}>
          <InputNumber min={1} max={1440} />
        </Form.Item>
        <Form.Item name="enabled" label="启用" valuePropName="checked">
          <Switch />
        </Form.Item>
      </Form>
    </Modal>
  );
}
