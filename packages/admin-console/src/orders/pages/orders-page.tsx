import { useState } from 'react';
import { App, Button, Card, DatePicker, Form, Input, Select, Space, Table, Tag } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import type { SorterResult } from 'antd/es/table/interface';
import dayjs from 'dayjs';
import { useNavigate, useParams } from 'react-router';
import { runOp, useQuery } from '../../app/api';
import { errorText } from '../../app/api-errors';
import { PageHeader, QueryError } from '../../app/common';
import { downloadText, fetchAllPages, toCsv, type CsvColumn } from '../../app/csv';
import { hkTime, label, money, options } from '../../app/format';
import { SavedViewsBar } from '../../app/saved-views-bar';
import { orUndef, useUrlFilters } from '../../app/url-state';
import { AdminOrdersDocument, type AdminOrdersQuery } from '../queries';
import OrderPage from './order-page';

type Order = AdminOrdersQuery['adminOrders']['items'][number];
const FILTERS = ['q', 'kind', 'status', 'fromDate', 'toDate', 'sort'] as const;
const STATUS_COLOR: Record<string, string> = { PENDING: 'gold', PAID: 'blue', COMPLETED: 'green', CANCELLED: 'default' };
const productsOf = (o: Order) => ((o.snapshot as { items?: { productName: string }[] })?.items ?? []).map((i) => i.productName).join('、');

/** The CSV columns of an order export (money in yuan, times in Hong Kong time). */
export const ORDER_CSV: CsvColumn<Order>[] = [
  { title: '订单号', value: (o) => o.orderNo },
  { title: '状态', value: (o) => label('orderStatus', o.status) },
  { title: '产品', value: productsOf },
  { title: '金额（元）', value: (o) => (o.totalAmount / 100).toFixed(2) },
  { title: '优惠（元）', value: (o) => (o.discountAmount / 100).toFixed(2) },
  { title: '币种', value: (o) => o.currency },
  { title: '旅客 ID', value: (o) => o.travellerId },
  { title: '下单时间', value: (o) => hkTime(o.createdAt, true) },
  { title: '支付时间', value: (o) => (o.paidAt ? hkTime(o.paidAt, true) : '') },
];

/** `createdAt:DESC` ↔ the table's sorter. */
function sortOrderOf(sort: string, field: string): 'ascend' | 'descend' | null {
  const [f, d] = (sort || 'createdAt:DESC').split(':');
  return f === field ? (d === 'ASC' ? 'ascend' : 'descend') : null;
}

/**
 * Orders: one search box for an order number, WeChat transaction id, ticket code or traveller (the
 * server tells which it matched), status and day filters, sorting on the server; filters in the URL,
 * remembered and saved as named views; CSV of everything the filter shows. A row opens the order page.
 */
export default function OrdersPage() {
  const params = useParams();
  const openId = (params['*'] ?? '').split('/')[0];
  if (openId) return <OrderPage id={openId} />;
  return <OrdersList />;
}

function OrdersList() {
  const navigate = useNavigate();
  const { message } = App.useApp();
  const { filters, setFilters, paging, setPaging, limit, offset } = useUrlFilters(FILTERS);
  const [exporting, setExporting] = useState(false);
  const vars = {
    search: orUndef(filters.q.trim()), searchKind: orUndef(filters.kind), status: orUndef(filters.status),
    fromDate: orUndef(filters.fromDate), toDate: orUndef(filters.toDate), sort: orUndef(filters.sort),
  };
  const q = useQuery(AdminOrdersDocument, { ...vars, limit, offset });
  const items = q.data?.adminOrders.items ?? [];
  const total = q.data?.adminOrders.total ?? 0;
  const range = filters.fromDate && filters.toDate ? ([dayjs(filters.fromDate), dayjs(filters.toDate)] as [dayjs.Dayjs, dayjs.Dayjs]) : null;
  const exportCsv = async () => {
    setExporting(true);
    try {
      const all = await fetchAllPages((l, o) => runOp(AdminOrdersDocument, { ...vars, limit: l, offset: o }).then((r) => r.adminOrders));
      downloadText(`orders-${dayjs().format('YYYYMMDD-HHmmss')}.csv`, toCsv(ORDER_CSV, all.items));
      message.success(all.truncated ? `已导出前 ${all.items.length} 条（共 ${all.total} 条）` : `已导出 ${all.items.length} 条订单`);
    } catch (err) {
      message.error(errorText(err));
    } finally {
      setExporting(false);
    }
  };
  return (
    <>
      <PageHeader
        title="订单"
        sub="按订单号、微信支付单号、票号或旅客（openid、昵称、乘客手机或姓名）查找；点击一行打开订单页"
        extra={<Button icon={<DownloadOutlined />} loading={exporting} disabled={!total} onClick={() => void exportCsv()} data-testid="orders-export">导出 CSV（{total} 条）</Button>}
      />
      <Card>
        <Space direction="vertical" style={{ width: '100%' }}>
          <SavedViewsBar page="orders" />
          <Form layout="inline" className="filters">
            <Form.Item label="查找">
              <Space.Compact>
                <Select style={{ width: 150 }} value={filters.kind || 'AUTO'} onChange={(v) => setFilters({ kind: v === 'AUTO' ? null : v })} options={options('searchKind').map((o) => ({ ...o, label: o.label.replace(/（.*）/, '') }))} data-testid="order-search-kind" />
                <Input.Search
                  key={`q-${filters.q}`}
                  allowClear
                  defaultValue={filters.q}
                  onSearch={(v) => setFilters({ q: v.trim() })}
                  style={{ width: 320 }}
                  placeholder="DT… / 4200… / TKT-… / 昵称 / 手机号"
                  data-testid="order-search"
                />
              </Space.Compact>
            </Form.Item>
            <Form.Item label="状态">
              <Select allowClear placeholder="全部" style={{ width: 120 }} options={options('orderStatus')} value={filters.status || undefined} onChange={(v) => setFilters({ status: v })} />
            </Form.Item>
            <Form.Item label="下单日期">
              <DatePicker.RangePicker value={range} onChange={(v) => setFilters({ fromDate: v?.[0]?.format('YYYY-MM-DD'), toDate: v?.[1]?.format('YYYY-MM-DD') })} />
            </Form.Item>
          </Form>
          {filters.q && q.data?.adminOrders.searchKind ? (
            <Tag color="blue" data-testid="order-search-matched">按{label('searchKind', q.data.adminOrders.searchKind)}查找「{filters.q}」：{total} 个订单</Tag>
          ) : null}
        </Space>
        <QueryError error={q.error} />
        <Table<Order>
          rowKey="id"
          loading={q.loading}
          dataSource={items}
          onRow={(o) => ({ onClick: () => navigate(`/orders/${o.id}`), style: { cursor: 'pointer' } })}
          onChange={(_p, _f, sorter) => {
            const s = (Array.isArray(sorter) ? sorter[0] : sorter) as SorterResult<Order>;
            const field = s?.order ? String(s.columnKey ?? s.field) : null;
            setFilters({ sort: field ? `${field}:${s.order === 'ascend' ? 'ASC' : 'DESC'}` : null }, { keepPage: false });
          }}
          pagination={{ current: paging.page, pageSize: paging.pageSize, total, onChange: setPaging, showSizeChanger: true, showTotal: (t) => `共 ${t} 个订单` }}
          columns={[
            { title: '订单号', dataIndex: 'orderNo', key: 'orderNo', width: 190, sorter: true, sortOrder: sortOrderOf(filters.sort, 'orderNo') },
            { title: '状态', dataIndex: 'status', key: 'status', width: 90, sorter: true, sortOrder: sortOrderOf(filters.sort, 'status'), render: (s: string) => <Tag color={STATUS_COLOR[s]}>{label('orderStatus', s)}</Tag> },
            { title: '产品', render: (_, o) => productsOf(o) },
            { title: '金额', dataIndex: 'totalAmount', key: 'totalAmount', width: 110, sorter: true, sortOrder: sortOrderOf(filters.sort, 'totalAmount'), render: (v: number, o) => money(v, o.currency) },
            { title: '旅客', dataIndex: 'travellerId', width: 70 },
            { title: '下单时间', dataIndex: 'createdAt', key: 'createdAt', width: 150, sorter: true, sortOrder: sortOrderOf(filters.sort, 'createdAt'), render: (v: string) => hkTime(v) },
            { title: '支付时间', dataIndex: 'paidAt', key: 'paidAt', width: 150, sorter: true, sortOrder: sortOrderOf(filters.sort, 'paidAt'), render: (v: string | null) => hkTime(v) },
          ]}
        />
      </Card>
    </>
  );
}
