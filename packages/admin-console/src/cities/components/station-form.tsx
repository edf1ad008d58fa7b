import { useEffect } from 'react';
import { Form, Input, Modal, Select } from 'antd';
import type { AdminStationsQuery } from '@deeptravel/client';
import { useMutation } from '../../app/api';
import { showApiError } from '../../app/api-errors';
import { AdminUpsertStationDocument } from '../queries';

type Station = AdminStationsQuery['adminStations'][number];

/** Creates or edits a station (pier, port or bus terminal) of a city. */
export function StationForm(props: {
  station: Station | null;
  cityOptions: { value: string; label: string }[];
  open: boolean;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { station, open, onClose, onSaved, cityOptions } = props;
  const [form] = Form.useForm();
  const [save, { loading }] = useMutation(AdminUpsertStationDocument);
  useEffect(() => {
    if (open) form.setFieldsValue(station ?? { code: '', nameZh: '', nameEn: '', cityId: undefined });
  }, [open, station, form]);
  const submit = async () => {
    const v = await form.validateFields();
    try {
      await save({ input: { id: station?.id, code: v.code.trim(), cityId: v.cityId, nameZh: v.nameZh, nameEn: v.nameEn ?? '' } });
      onSaved();
    } catch (err) {
      showApiError(err, form);
    }
  };
  return (
    <Modal title={station ? `编辑站点 ${station.nameZh}` : '新建站点'} open={open} onCancel={onClose} onOk={submit} confirmLoading={loading} okText="保存" destroyOnHidden forceRender>
      <Form name="station" form={form} layout="vertical">
        <Form.Item name="cityId" label="所在城市" rules={[{ required: true, message: '请选择城市' }]}>
          <Select options={cityOptions} showSearch optionFilterProp="label" />
        </Form.Item>
        <Form.Item name="code" label="站点代码" extra="与 GTFS 的 stop_id 一致" rules={[{ required: true, message: '请填写站点代码' }]}>
          <Input />
        </Form.Item>
        <Form.Item name="nameZh" label="中文名" rules={[{ required: true, message: '请填写中文名' }]}>
          <Input />
        </Form.Item>
        <Form.Item name="nameEn" label="英文名">
          <Input />
        </Form.Item>
      </Form>
    </Modal>
  );
}
