import { useEffect } from 'react';
import { Descriptions, Form, InputNumber, Modal, Radio } from 'antd';
import type { AdminTripsQuery } from '@deeptravel/client';
import { useMutation } from '../../app/api';
import { showApiError } from '../../app/api-errors';
import { hkTime, options } from '../../app/format';
import { AdminUpsertTripDocument } from '../queries';

type Trip = AdminTripsQuery['adminTrips']['items'][number];

/** Edits one departure: capacity (never below sold + held, the server checks) and status. */
export function TripForm({ trip, routeLabel, onClose, onSaved }: { trip: Trip | null; routeLabel: string; onClose: () => void; onSaved: () => void }) {
  const [form] = Form.useForm();
  const [save, { loading }] = useMutation(AdminUpsertTripDocument);
  useEffect(() => {
    if (trip) form.setFieldsValue({ capacity: trip.capacity, status: trip.status });
  }, [trip, form]);
  const submit = async () => {
    if (!trip) return;
    const v = await form.validateFields();
    try {
      await save({ input: { id: trip.id, routeId: trip.routeId, departureAt: trip.departureAt, capacity: v.capacity, status: v.status } });
      onSaved();
    } catch (err) {
      showApiError(err, form);
    }
  };
  return (
    <Modal title="编辑班次" open={!!trip} onCancel={onClose} onOk={submit} confirmLoading={loading} okText="保存" destroyOnHidden forceRender>
      {trip ? (
        <Descriptions column={1} size="small" style={{ marginBottom: 16 }}>
          <Descriptions.Item label="线路">{routeLabel}</Descriptions.Item>
          <Descriptions.Item label="出发">{hkTime(trip.departureAt)}</Descriptions.Item>
          <Descriptions.Item label="已售 / 锁定">{trip.sold} / {trip.locked}</Descriptions.Item>
        </Descriptions>
      ) : null}
      <Form name="trip" form={form} layout="vertical">
        <Form.Item name="capacity" label="座位数" rules={[{ required: true, message: '请填写座位数' }]}>
          <InputNumber min={0} max={5000} />
        </Form.Item>
        <Form.Item name="status" label="状态">
          <Radio.Group options={options('tripStatus')} optionType="button" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
