import { useEffect } from 'react';
import { Form, Input, InputNumber, Modal, Switch } from 'antd';
import type { AdminCitiesQuery } from '@deeptravel/client';
import { useMutation } from '../../app/api';
import { showApiError } from '../../app/api-errors';
import { AdminUpsertCityDocument } from '../queries';

type City = AdminCitiesQuery['adminCities'][number];

/** Creates or edits a city; refused fields are marked where the API says. */
export function CityForm({ city, open, onClose, onSaved }: { city: City | null; open: boolean; onClose: () => void; onSaved: () => void }) {
  const [form] = Form.useForm();
  const [save, { loading }] = useMutation(AdminUpsertCityDocument);
  useEffect(() => {
    if (open) form.setFieldsValue(city ?? { code: '', nameZh: '', nameEn: '', pinyin: '', isHot: false, sortOrder: 0 });
  }, [open, city, form]);
  const submit = async () => {
    const v = await form.validateFields();
    try {
      await save({ input: { id: city?.id, code: v.code.trim(), nameZh: v.nameZh, nameEn: v.nameEn ?? '', pinyin: v.pinyin ?? '', isHot: !!v.isHot, sortOrder: v.sortOrder ?? 0 } });
      onSaved();
    } catch (err) {
      showApiError(err, form);
    }
  };
  return (
    <Modal title={city ? `编辑城市 ${city.nameZh}` : '新建城市'} open={open} onCancel={onClose} onOk={submit} confirmLoading={loading} okText="保存" destroyOnHidden forceRender>
      <Form name="city" form={form} layout="vertical">
        <Form.Item name="code" label="城市代码" extra="三位大写字母，例如 HKG" rules={[{ required: true, message: '请填写城市代码' }]}>
          <Input maxLength={3} />
        </Form.Item>
        <Form.Item name="nameZh" label="中文名" rules={[{ required: true, message: '请填写中文名' }]}>
          <Input />
        </Form.Item>
        <Form.Item name="nameEn" label="英文名">
          <Input />
        </Form.Item>
        <Form.Item name="pinyin" label="拼音（不带声调）" extra="用于搜索，例如 xianggang">
          <Input />
        </Form.Item>
        <Form.Item name="isHot" label="热门城市" valuePropName="checked">
          <Switch />
        </Form.Item>
        <Form.Item name="sortOrder" label="排序">
          <InputNumber min={0} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
