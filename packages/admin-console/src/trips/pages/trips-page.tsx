import { useState } from 'react';
import { Button, Card, DatePicker, Drawer, Form, Select, Table, Tag } from 'antd';
import { ScheduleOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { AdminTripsDocument, type AdminTripsQuery } from '@deeptravel/client';
import { useQuery } from '../../app/api';
import { EditOnly, PageHeader, QueryError } from '../../app/common';
import { hkTime, label, options } from '../../app/format';
import { useSession } from '../../app/session';
import { orUndef, useUrlFilters } from '../../app/url-state';
import { usePlaces } from '../../cities/queries';
import { useRoutes } from '../../routes/queries';
import { ScheduleGenerator } from '../components/schedule-generator';
import { TripForm } from '../components/trip-form';

type Trip = AdminTripsQuery['adminTrips']['items'][number];
const FILTERS = ['routeId', 'fromDate', 'toDate', 'status'] as const;

/** Departures, paged on the server, with their filters in the URL; and the schedule generator. */
export default function TripsPage() {
  const places = usePlaces();
  const routes = useRoutes(places.stationLabel);
  const { canEdit } = useSession();
  const { filters, setFilters, paging, setPaging, limit, offset } = useUrlFilters(FILTERS);
  const trips = useQuery(AdminTripsDocument, {
    routeId: orUndef(filters.routeId), fromDate: orUndef(filters.fromDate), toDate: orUndef(filters.toDate), status: orUndef(filters.status), limit, offset,
  });
  const [editing, setEditing] = useState<Trip | null>(null);
  const [generating, setGenerating] = useState(false);
  const range = filters.fromDate && filters.toDate ? ([dayjs(filters.fromDate), dayjs(filters.toDate)] as [dayjs.Dayjs, dayjs.Dayjs]) : null;

  return (
    <>
      <PageHeader
        title="班次"
        sub="时间均为香港时间；容量不能低于已售加锁定"
        extra={<EditOnly><Button type="primary" icon={<ScheduleOutlined />} onClick={() => setGenerating(true)} data-testid="open-generator">按时刻表生成班次</Button></EditOnly>}
      />
      <Card>
        <Form layout="inline" className="filters">
          <Form.Item label="线路">
            <Select
              allowClear
              style={{ width: 300 }}
              placeholder="全部线路"
              options={routes.options}
              value={filters.routeId || undefined}
              onChange={(v) => setFilters({ routeId: v })}
              showSearch
              optionFilterProp="label"
              data-testid="trips-route-filter"
            />
          </Form.Item>
          <Form.Item label="出发日期">
            <DatePicker.RangePicker
              value={range}
              onChange={(v) => setFilters({ fromDate: v?.[0]?.format('YYYY-MM-DD'), toDate: v?.[1]?.format('YYYY-MM-DD') })}
            />
          </Form.Item>
          <Form.Item label="状态">
            <Select allowClear style={{ width: 120 }} placeholder="全部" options={options('tripStatus')} value={filters.status || undefined} onChange={(v) => setFilters({ status: v })} />
          </Form.Item>
        </Form>
        <QueryError error={trips.error} />
        <Table<Trip>
          rowKey="id"
          size="middle"
          loading={trips.loading}
          dataSource={trips.data?.adminTrips.items ?? []}
          pagination={{
            current: paging.page,
            pageSize: paging.pageSize,
            total: trips.data?.adminTrips.total ?? 0,
            showTotal: (t) => `共 ${t} 个班次`,
            onChange: setPaging,
            showSizeChanger: true,
          }}
          columns={[
            { title: '出发', dataIndex: 'departureAt', render: (v: string) => hkTime(v), width: 150 },
            { title: '到达', dataIndex: 'arrivalAt', render: (v: string) => hkTime(v).slice(11), width: 70 },
            { title: '线路', render: (_, t) => routes.label(t.routeId) },
            { title: '座位', dataIndex: 'capacity', width: 70 },
            { title: '已售', dataIndex: 'sold', width: 70 },
            { title: '锁定', dataIndex: 'locked', width: 70 },
            { title: '余票', dataIndex: 'available', width: 70 },
            { title: '状态', dataIndex: 'status', width: 80, render: (s: string) => <Tag color={s === 'SCHEDULED' ? 'processing' : 'default'}>{label('tripStatus', s)}</Tag> },
            ...(canEdit ? [{ title: '操作', width: 70, render: (_: unknown, t: Trip) => <Button type="link" size="small" onClick={() => setEditing(t)}>编辑</Button> }] : []),
          ]}
        />
      </Card>
      <Drawer title="按时刻表生成班次" open={generating} onClose={() => setGenerating(false)} size={560} destroyOnHidden>
        <ScheduleGenerator routeOptions={routes.options} defaultRouteId={filters.routeId || undefined} onGenerated={() => void trips.refetch()} />
      </Drawer>
      <TripForm
        trip={editing}
        routeLabel={editing ? routes.label(editing.routeId) : ''}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          void trips.refetch();
        }}
      />
    </>
  );
}
