import { useEffect, useMemo, useState } from 'react';
import { Badge, Calendar, Drawer, Spin, Table, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { AdminTripsDocument, type AdminTripsQuery } from '@deeptravel/client';
import { runOp } from '../../app/api';
import { QueryError } from '../../app/common';
import { fetchAllPages } from '../../app/csv';
import { hkTime, label } from '../../app/format';
import { groupTripsByDay, monthRange } from './trip-days';

type Trip = AdminTripsQuery['adminTrips']['items'][number];

/**
 * Departures in a month grid: per day how many departures (cancelled ones apart) and seats left; a
 * click on a day lists that day's departures. The month's departures are read through the paged API.
 */
export function TripCalendar({ month, routeId, status, routeLabel, onMonth, refreshKey }: {
  month: string;
  routeId?: string;
  status?: string;
  routeLabel: (id: string) => string;
  onMonth: (month: string) => void;
  refreshKey?: number;
}) {
  const [trips, setTrips] = useState<Trip[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [day, setDay] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const [fromDate, toDate] = monthRange(month);
    setLoading(true);
    fetchAllPages((limit, offset) => runOp(AdminTripsDocument, { routeId, status, fromDate, toDate, limit, offset }).then((r) => r.adminTrips))
      .then((r) => { if (live) { setTrips(r.items); setError(null); } })
      .catch((e) => { if (live) setError(e); })
      .finally(() => { if (live) setLoading(false); });
    return () => { live = false; };
  }, [month, routeId, status, refreshKey]);
  const days = useMemo(() => groupTripsByDay(trips), [trips]);
  const selected = day ? days.get(day) : undefined;
  return (
    <Spin spinning={loading}>
      <QueryError error={error} />
      <div data-testid="trip-calendar">
        <Calendar
          value={dayjs(`${month}-01`)}
          onPanelChange={(d: Dayjs) => onMonth(d.format('YYYY-MM'))}
          onSelect={(d: Dayjs, info) => {
            if (info.source === 'date') setDay(d.format('YYYY-MM-DD'));
            if (d.format('YYYY-MM') !== month) onMonth(d.format('YYYY-MM'));
          }}
          cellRender={(d: Dayjs, info) => {
            if (info.type !== 'date') return info.originNode;
            const s = days.get(d.format('YYYY-MM-DD'));
            if (!s) return null;
            return (
              <div data-testid={`trip-day-${s.date}`}>
                <Badge status="processing" text={`${s.trips.length - s.cancelled} 班`} />
                {s.cancelled ? <div><Badge status="default" text={`取消 ${s.cancelled}`} /></div> : null}
                <div><Typography.Text type="secondary" style={{ fontSize: 12 }}>余票 {s.available}</Typography.Text></div>
              </div>
            );
          }}
        />
      </div>
      <Drawer title={day ? `${day} 的班次（${selected?.trips.length ?? 0}）` : ''} open={!!day} onClose={() => setDay(null)} size={640} destroyOnHidden>
        <Table<Trip>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={selected?.trips ?? []}
          data-testid="trip-day-list"
          columns={[
            { title: '出发', dataIndex: 'departureAt', render: (v: string) => hkTime(v).slice(11), width: 70 },
            { title: '线路', render: (_, t) => routeLabel(t.routeId) },
            { title: '座位', dataIndex: 'capacity', width: 60 },
            { title: '已售', dataIndex: 'sold', width: 60 },
            { title: '余票', dataIndex: 'available', width: 60 },
            { title: '状态', dataIndex: 'status', width: 80, render: (s: string) => <Tag color={s === 'SCHEDULED' ? 'processing' : 'default'}>{label('tripStatus', s)}</Tag> },
          ]}
        />
      </Drawer>
    </Spin>
  );
}
