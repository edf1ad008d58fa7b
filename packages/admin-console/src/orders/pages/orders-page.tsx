import { Card, DatePicker, Form, Input, Select, Table, Tag } from 'antd';
import dayjs from 'dayjs';
import { useQuery } from '../../app/api';
import { PageHeader, QueryError } from '../../app/common';
import { hkTime, label, money, options } from '../../app/format';
import { orUndef, useUrlFilters } from '../../app/url-state';
import { OrderDrawer } from '../components/order-drawer';
import { AdminOrdersDocument, type AdminOrdersQuery } from '../queries';

type Order = AdminOrdersQuery['adminOrders']['items'][number];
const FILTERS = ['orderNo', 'status', 'fromDate', 'toDate', 'open'] as const;
const STATUS_COLOR: Record<string, string> = { PENDING: 'gold', PAID: 'blue', COMPLETED: 'green', CANCELLED: 'default' };

/** Orders by number, status and day (Hong Kong), paged on the server; the open order is in the URL too. */
export default function OrdersPage() {
  const { filters, setFilters, paging, setPaging, limit, offset } = useUrlFilters(FILTERS);
  const q = useQuery(AdminOrdersDocument, {
    orderNo: orUndef(filters.orderNo.trim()), status: orUndef(filters.status), fromDate: orUndef(filters.fromDate), toDate: orUndef(filters.toDate), limit, offset,
  });
  const items = q.data?.adminOrders.items ?? [];
  const open = filters.open ? items.find((o) => o.id === filters.open) ?? null : null;
  const range = filters.fromDate && filters.toDate ? ([dayjs(filters.fromDate), dayjs(filters.toDate)] as [dayjs.Dayjs, dayjs.Dayjs]) : null;
  return (
    <>
      <PageHeader title="订单" sub="按订单号、状态、下单日期（香港时间）查找；点击一行查看快照" />
      <Card>
        <Form layout="inline" className="filters">
          <Form.Item label="订单号">
            <Input.Search key={`orderNo-${filters.orderNo}`} allowClear defaultValue={filters.orderNo} onSearch={(v) => setFilters({ orderNo: v.trim() })} style={{ width: 260 }} placeholder="DT…" data-testid="order-no-search" />
          </Form.Item>
          <Form.Item label="状态">
            <Select allowClear placeholder="全部" style={{ width: 120 }} options={options('orderStatus')} value={filters.status || undefined} onChange={(v) => setFilters({ status: v })} />
          </Form.Item>
          <Form.Item label="下单日期">
            <DatePicker.RangePicker value={range} onChange={(v) => setFilters({ fromDate: v?.[0]?.format('YYYY-MM-DD'), toDate: v?.[1]?.format('YYYY-MM-DD') })} />
          </Form.Item>
        </Form>
        <QueryError error={q.error} />
        <Table<Order>
          rowKey="id"
          loading={q.loading}
          dataSource={items}
          onRow={(o) => ({ onClick: () => setFilters({ open: o.id }, { keepPage: true }), style: { cursor: 'pointer' } })}
          pagination={{ current: paging.page, pageSize: paging.pageSize, total: q.data?.adminOrders.total ?? 0, onChange: setPaging, showSizeChanger: true, showTotal: (t) => `共 ${t} 个订单` }}
          columns={[
            { title: '订单号', dataIndex: 'orderNo', width: 190 },
            { title: '状态', dataIndex: 'status', width: 90, render: (s: string) => <Tag color={STATUS_COLOR[s]}>{label('orderStatus', s)}</Tag> },
            { title: '产品', render: (_, o) => ((o.snapshot as { items?: { productName: string }[] })?.items ?? []).map((i) => i.productName).join('、') },
            { title: '金额', dataIndex: 'totalAmount', width: 110, render: (v: number, o) => money(v, o.currency) },
            { title: '旅客', dataIndex: 'travellerId', width: 70 },
            { title: '下单时间', dataIndex: 'createdAt', width: 150, render: (v: string) => hkTime(v) },
            { title: '支付时间', dataIndex: 'paidAt', width: 150, render: (v: string | null) => hkTime(v) },
          ]}
        />
      </Card>
      <OrderDrawer order={open} onClose={() => setFilters({ open: null }, { keepPage: true })} />
    </>
  );
}
