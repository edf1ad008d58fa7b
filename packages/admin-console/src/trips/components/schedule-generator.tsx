import { useState } from 'react';
import { Alert, Button, Card, Checkbox, DatePicker, Form, Input, InputNumber, Select, Space, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { AdminGenerateTripsDocument } from '@deeptravel/client';
import { useMutation } from '../../app/api';
import { showApiError } from '../../app/api-errors';
import { hkToday } from '../../app/format';
import { previewSchedule, WEEKDAY_ZH } from './schedule';

interface Values {
  routeId?: string;
  range?: [Dayjs, Dayjs];
  /** "08:30, 15:30" */
  times: string;
  weekdays: number[];
  capacity: number;
}

/** "08:30, 15:30 ，18:00" → ['08:30', '15:30', '18:00'] */
export function parseTimes(text: string | undefined): string[] {
  return (text ?? '').split(/[,，;；\s]+/).map((t) => t.trim()).filter(Boolean);
}

/**
 * The recurring-schedule form: times × weekdays × a date range, previewed as you type (how many
 * departures, the first few), then `adminGenerateTrips` (existing departures are kept).
 */
export function ScheduleGenerator(props: { routeOptions: { value: string; label: string }[]; defaultRouteId?: string; onGenerated: (r: { created: number; existing: number }) => void }) {
  const [form] = Form.useForm<Values>();
  const [generate, { loading }] = useMutation(AdminGenerateTripsDocument);
  const [result, setResult] = useState<{ created: number; existing: number } | null>(null);
  const initialValues: Values = { routeId: props.defaultRouteId, times: '08:30', weekdays: [1, 2, 3, 4, 5, 6, 7], capacity: 100, range: [dayjs(hkToday()), dayjs(hkToday()).add(13, 'day')] };
  // The preview follows every keystroke (onValuesChange, not validation).
  const [values, setValues] = useState<Values>(initialValues);
  const draft = {
    fromDate: values.range?.[0]?.format('YYYY-MM-DD') ?? '',
    toDate: values.range?.[1]?.format('YYYY-MM-DD') ?? '',
    times: parseTimes(values.times),
    weekdays: values.weekdays ?? [],
  };
  const preview = previewSchedule(draft);

  const submit = async (v: Values) => {
    setResult(null);
    try {
      const r = await generate({ input: { routeId: v.routeId!, fromDate: draft.fromDate, toDate: draft.toDate, times: [...new Set(parseTimes(v.times))].sort(), weekdays: v.weekdays, capacity: v.capacity } });
      setResult(r.adminGenerateTrips);
      props.onGenerated(r.adminGenerateTrips);
    } catch (err) {
      showApiError(err, form, { fromDate: 'range', toDate: 'range' });
    }
  };

  return (
    <Card size="small" variant="borderless" data-testid="schedule-generator">
      <Form<Values>
        name="schedule"
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={initialValues}
        onValuesChange={(_, all) => setValues(all)}
      >
        <Form.Item name="routeId" label="线路" rules={[{ required: true, message: '请选择线路' }]}>
          <Select options={props.routeOptions} showSearch optionFilterProp="label" data-testid="schedule-route" />
        </Form.Item>
        <Form.Item name="range" label="日期范围（香港时间）" rules={[{ required: true, message: '请选择日期范围' }]}>
          <DatePicker.RangePicker style={{ width: '100%' }} data-testid="schedule-range" />
        </Form.Item>
        <Form.Item name="times" label="发车时间（香港时间）" extra="HH:MM，多个用逗号或空格分隔，例如 08:30, 15:30" rules={[{ required: true, message: '请至少填写一个发车时间' }]}>
          <Input placeholder="08:30, 15:30" data-testid="schedule-times" />
        </Form.Item>
        <Form.Item name="weekdays" label="星期">
          <Checkbox.Group options={[1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: d, label: WEEKDAY_ZH[d] }))} />
        </Form.Item>
        <Form.Item name="capacity" label="每班座位数" rules={[{ required: true, message: '请填写座位数' }]}>
          <InputNumber min={1} max={5000} />
        </Form.Item>
        <div data-testid="schedule-preview" style={{ marginBottom: 16 }}>
          {preview.problem ? (
            <Alert type="warning" showIcon title={preview.problem} />
          ) : (
            <Alert
              type="info"
              showIcon
              title={`将生成 ${preview.count} 个班次（${preview.days} 天 × ${new Set(draft.times).size} 个时间），已存在的班次保留不变`}
              description={
                <Space wrap size={[4, 4]}>
                  {preview.sample.map((s) => <Tag key={s}>{s}</Tag>)}
                  {preview.count > preview.sample.length ? <Typography.Text type="secondary">…</Typography.Text> : null}
                </Space>
              }
            />
          )}
        </div>
        <Button type="primary" htmlType="submit" loading={loading} disabled={!!preview.problem} data-testid="schedule-submit">生成班次</Button>
        {result ? <Typography.Text style={{ marginLeft: 12 }} data-testid="schedule-result">新建 {result.created} 个，已存在 {result.existing} 个</Typography.Text> : null}
      </Form>
    </Card>
  );
}
