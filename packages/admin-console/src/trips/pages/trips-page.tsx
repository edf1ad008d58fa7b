import { useState } from 'react';
import { App, Button, Card, DatePicker, Drawer, Form, Segmented, Select, Table, Tag } from 'antd';
import type { SorterResult } from 'antd/es/table/interface';
import { CalendarOutlined, DownloadOutlined, ScheduleOutlined, UnorderedListOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { AdminTripsDocument, type AdminTripsQuery } from '@deeptravel/client';
import { runOp, useQuery } from '../../app/api';
import { errorText } from '../../app/api-errors';
import { downloadText, fetchAllPages, toCsv } from '../../app/csv';
import { EditOnly, PageHeader, QueryError } from '../../app/common';
import { hkTime, label, options } from '../../app/format';
import { useSession } from '../../app/session';
import { orUndef, useUrlFilters } from '../../app/url-state';
import { usePlaces } from '../../cities/queries';
import { useRoutes } from '../../routes/queries';
import { ScheduleGenerator } from '../components/schedule-generator';
import { TripCalendar } from '../components/trip-calendar';
import { TripForm } from '../components/trip-form';
import { SavedViewsBar } from '../../app/saved-views-bar';

type Trip = AdminTripsQuery['adminTrips']['items'][number];
const FILTERS = ['routeId', 'fromDate', 'toDate', 'status', 'view', 'month', 'sort'] as const;

/** `departureAt:ASC` ↔ the table's sorter (departure ascending by default). */
function sortOrderOf(sort: string, field: string): 'ascend' | 'descend' | null {
  const [f, d] = (sort || 'departureAt:ASC').split(':');
  return f === field ? (d === 'DESC' ? 'descend' : 'ascend') : null;
}

/** Departures, paged on the server, with their filters in the URL (or a month calendar); and the schedule generator. */
export default function TripsPage() {
  const places = usePlaces();
  const routes = useRoutes(places.stationLabel);
  const { canEdit } = useSession();
  const { filters, setFilters, paging, setPaging, limit, offset } = useUrlFilters(FILTERS);
  const calendar = filters.view === 'calendar';
  const month = filters.month || dayjs().format('YYYY-MM');
  const [calendarKey, setCalendarKey] = useState(0);
  const tripFilter = {
    routeId: orUndef(filters.routeId), fromDate: orUndef(filters.fromDate), toDate: orUndef(filters.toDate), status: orUndef(filters.status), sort: orUndef(filters.sort),
  };
  const trips = useQuery(AdminTripsDocument, { ...tripFilter, limit, offset }, { skip: calendar });
  const { message } = App.useApp();
  const [exporting, setExporting] = useState(false);
  const exportCsv = async () => {
    setExporting(true);
    try {
      const all = await fetchAllPages((l, o) => runOp(AdminTripsDocument, { ...tripFilter, limit: l, offset: o }).then((r) => r.adminTrips));
      downloadText(`trips-${dayjs().format('YYYYMMDD-HHmmss')}.csv`, toCsv<Trip>([
        { title: '出发', value: (t) => hkTime(t.departureAt) }, { title: '到达', value: (t) => hkTime(t.arrivalAt) },
        { title: '线路', value: (t) => routes.label(t.routeId) }, { title: '座位', value: (t) => t.capacity }, { title: '已售', value: (t) => t.sold },
        { title: '锁定', value: (t) => t.locked }, { title: '余票', value: (t) => t.available }, { title: '状态', value: (t) => label('tripStatus', t.status) },
      ], all.items));
      message.success(all.truncated ? `已导出前 ${all.items.length} 个（共 ${all.total} 个）` : `已导出 ${all.items.length} 个班次`);
    } catch (err) {
      message.error(errorText(err));
    } finally {
      setExporting(false);
    }
  };
  const [editing, setEditing] = useState<Trip | null>(null);
  const [generating, setGenerating] = useState(false);
  const range = filters.fromDate && filters.toDate ? ([dayjs(filters.fromDate), dayjs(filters.toDate)] as [dayjs.Dayjs, dayjs.Dayjs]) : null;

  return (
    <>
      <PageHeader
        title="班次"
        sub="时间均为香港时间；容量不能低于已售加锁定"
        extra={<>
          {calendar ? null : <Button icon={<DownloadOutlined />} loading={exporting} disabled={!trips.data?.adminTrips.total} onClick={() => void exportCsv()} data-testid="trips-export">导出 CSV（{trips.data?.adminTrips.total ?? 0} 个）</Button>}
          <EditOnly><Button type="primary" icon={<ScheduleOutlined />} onClick={() => setGenerating(true)} data-testid="open-generator">按时刻表生成班次</Button></EditOnly>
        </>}
      />
      <Card>
        <div style={{ display: 'flex', justifyContent: 'space-between', flexWrap: 'wrap', gap: 8, marginBottom: 12 }}>
          <Segmented
            value={calendar ? 'calendar' : 'list'}
            onChange={(v) => setFilters({ view: v === 'calendar' ? 'calendar' : null })}
            options={[{ value: 'list', label: '列表', icon: <UnorderedListOutlined /> }, { value: 'calendar', label: '日历', icon: <CalendarOutlined /> }]}
            data-testid="trips-view"
          />
          <SavedViewsBar page="trips" />
        </div>
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
          {calendar ? null : <Form.Item label="出发日期">
            <DatePicker.RangePicker
              value={range}
              onChange={(v) => setFilters({ fromDate: v?.[0]?.format('YYYY-MM-DD'), toDate: v?.[1]?.format('YYYY-MM-DD') })}
            />
          </Form.Item>}
          <Form.Item label="状态">
            <Select allowClear style={{ width: 120 }} placeholder="全部" options={options('tripStatus')} value={filters.status || undefined} onChange={(v) => setFilters({ status: v })} />
          </Form.Item>
        </Form>
        {calendar ? (
          <TripCalendar month={month} routeId={orUndef(filters.routeId)} status={orUndef(filters.status)} routeLabel={routes.label} onMonth={(m) => setFilters({ month: m })} refreshKey={calendarKey} />
        ) : <>
        <QueryError error={trips.error} />
        <Table<Trip>
          rowKey="id"
          size="middle"
          loading={trips.loading}
          dataSource={trips.data?.adminTrips.items ?? []}
          onChange={(_p, _f, sorter) => {
            const st = (Array.isArray(sorter) ? sorter[0] : sorter) as SorterResult<Trip>;
            const field = st?.order ? String(st.columnKey) : null;
            setFilters({ sort: field && !(field === 'departureAt' && st.order === 'ascend') ? `${field}:${st.order === 'ascend' ? 'ASC' : 'DESC'}` : null });
          }}
          pagination={{
            current: paging.page,
            pageSize: paging.pageSize,
            total: trips.data?.adminTrips.total ?? 0,
            showTotal: (t) => `共 ${t} 个班次`,
            onChange: setPaging,
            showSizeChanger: true,
          }}
          columns={[
            { title: '出发', dataIndex: 'departureAt', key: 'departureAt', sorter: true, sortOrder: sortOrderOf(filters.sort, 'departureAt'), render: (v: string) => hkTime(v), width: 150 },
            { title: '到达', dataIndex: 'arrivalAt', render: (v: string) => hkTime(v).slice(11), width: 70 },
            { title: '线路', render: (_, t) => routes.label(t.routeId) },
            { title: '座位', dataIndex: 'capacity', key: 'capacity', sorter: true, sortOrder: sortOrderOf(filters.sort, 'capacity'), width: 90 },
            { title: '已售', dataIndex: 'sold', key: 'sold', sorter: true, sortOrder: sortOrderOf(filters.sort, 'sold'), width: 90 },
            { title: '锁定', dataIndex: 'locked', width: 70 },
            { title: '余票', dataIndex: 'available', key: 'available', sorter: true, sortOrder: sortOrderOf(filters.sort, 'available'), width: 90 },
            { title: '状态', dataIndex: 'status', width: 80, render: (s: string) => <Tag color={s === 'SCHEDULED' ? 'processing' : 'default'}>{label('tripStatus', s)}</Tag> },
            ...(canEdit ? [{ title: '操作', width: 70, render: (_: unknown, t: Trip) => <Button type="link" size="small" onClick={() => setEditing(t)}>编辑</Button> }] : []),
          ]}
        />
        </>}
      </Card>
      <Drawer title="按时刻表生成班次" open={generating} onClose={() => setGenerating(false)} size={560} destroyOnHidden>
        <ScheduleGenerator routeOptions={routes.options} defaultRouteId={filters.routeId || undefined} onGenerated={() => { void trips.refetch(); setCalendarKey((k) => k + 1); }} />
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
