import { useState } from 'react';
import { Button, Card, Drawer, Form, Input, Select, Space, Table, Tabs, Tag } from 'antd';
import { DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { formatFen } from '@deeptravel/shared';
import { runOp, useQuery } from '../../app/api';
import { BulkEnableBar } from '../../app/bulk-bar';
import { downloadText, toCsv, type CsvColumn } from '../../app/csv';
import { SavedViewsBar } from '../../app/saved-views-bar';
import { useSession } from '../../app/session';
import { EditOnly, PageHeader, QueryError } from '../../app/common';
import { label, options } from '../../app/format';
import { orUndef, useUrlFilters } from '../../app/url-state';
import { usePlaces } from '../../cities/queries';
import { useRefundRules } from '../../refund-rules/queries';
import { useRoutes } from '../../routes/queries';
import { useTemplates } from '../../templates/queries';
import { FarePanel } from '../components/fare-panel';
import { ProductForm } from '../components/product-form';
import { QuotaPanel } from '../components/quota-panel';
import { AdminProductsDocument, AdminUpsertProductDocument, type AdminProductsQuery } from '../queries';

type Product = AdminProductsQuery['adminProducts'][number];
const FILTERS = ['kind', 'enabled', 'q', 'id'] as const;

/** "成人 ¥260 起" from a fare table. */
function fareSummary(p: Product): string {
  const adult = p.fares.filter((f) => f.passengerType === 'ADULT');
  if (!p.fares.length) return '未设置';
  const min = Math.min(...(adult.length ? adult : p.fares).map((f) => f.unitPrice));
  return `${adult.length ? '成人 ' : ''}¥${formatFen(min)} 起 · ${p.fares.length} 档`;
}

/** The product as `adminUpsertProduct` takes it, with `enabled` changed (bulk 上架/下架). */
export function productInputWithEnabled(p: Product, enabled: boolean) {
  return {
    id: p.id, kind: p.kind, name: p.name, nameEn: p.nameEn, routeId: p.routeId, templateId: p.templateId, cityId: p.cityId,
    refundRuleId: p.refundRuleId, enabled, currency: p.currency, dailyQuota: p.dailyQuota, description: p.description,
  };
}

const PRODUCT_CSV: CsvColumn<Product>[] = [
  { title: 'ID', value: (p) => p.id },
  { title: '名称', value: (p) => p.name },
  { title: '类型', value: (p) => label('productKind', p.kind) },
  { title: '票价', value: fareSummary },
  { title: '状态', value: (p) => (p.enabled ? '上架' : '下架') },
];

/** Products (trip tickets and packages), their fare tables and daily quotas. Filters and the open product live in the URL. */
export default function ProductsPage() {
  const { filters, setFilters, paging, setPaging } = useUrlFilters(FILTERS);
  const places = usePlaces();
  const routes = useRoutes(places.stationLabel);
  const templates = useTemplates();
  const rules = useRefundRules();
  const products = useQuery(AdminProductsDocument, {
    kind: orUndef(filters.kind), enabled: filters.enabled === '' ? undefined : filters.enabled === 'true', query: orUndef(filters.q),
  });
  const [creating, setCreating] = useState(false);
  const { canEdit } = useSession();
  const [selected, setSelected] = useState<string[]>([]);
  const list = products.data?.adminProducts ?? [];
  const open = filters.id ? list.find((p) => p.id === filters.id) ?? null : null;
  const setOpen = (id: string | null) => setFilters({ id }, { keepPage: true });

  return (
    <>
      <PageHeader
        title="产品与票价"
        sub="票价按同行总人数分档（阶梯定价）；修改只影响之后的订单"
        extra={<EditOnly><Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="new-product">新建产品</Button></EditOnly>}
      />
      <Card>
        <div style={{ display: 'flex', justifyContent: 'space-between', flexWrap: 'wrap', gap: 8, marginBottom: 12 }}>
          <SavedViewsBar page="products" />
          <Space wrap>
            {canEdit ? (
              <BulkEnableBar
                selected={list.filter((p) => selected.includes(p.id))}
                noun="产品"
                on="上架"
                off="下架"
                offWarning="旅客将搜索不到它们。"
                apply={(p, enabled) => runOp(AdminUpsertProductDocument, { input: productInputWithEnabled(p, enabled) })}
                onDone={() => { setSelected([]); void products.refetch(); }}
                testId="bulk"
              />
            ) : null}
            <Button icon={<DownloadOutlined />} disabled={!list.length} onClick={() => downloadText(`products-${dayjs().format('YYYYMMDD-HHmmss')}.csv`, toCsv(PRODUCT_CSV, list))}>导出 CSV（{list.length} 条）</Button>
          </Space>
        </div>
        <Form layout="inline" className="filters">
          <Form.Item label="类型">
            <Select allowClear placeholder="全部" style={{ width: 120 }} options={options('productKind')} value={filters.kind || undefined} onChange={(v) => setFilters({ kind: v })} />
          </Form.Item>
          <Form.Item label="状态">
            <Select allowClear placeholder="全部" style={{ width: 110 }} options={[{ value: 'true', label: '上架' }, { value: 'false', label: '下架' }]} value={filters.enabled || undefined} onChange={(v) => setFilters({ enabled: v })} />
          </Form.Item>
          <Form.Item label="名称">
            <Input.Search key={`q-${filters.q}`} allowClear defaultValue={filters.q} onSearch={(v) => setFilters({ q: v })} style={{ width: 220 }} placeholder="搜索名称" />
          </Form.Item>
        </Form>
        <QueryError error={products.error} />
        <Table<Product>
          rowKey="id"
          loading={products.loading}
          dataSource={list}
          rowSelection={canEdit ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]) } : undefined}
          pagination={{ current: paging.page, pageSize: paging.pageSize, onChange: setPaging, showTotal: (t) => `共 ${t} 个产品`, hideOnSinglePage: true }}
          onRow={(p) => ({ onClick: () => setOpen(p.id), style: { cursor: 'pointer' } })}
          columns={[
            { title: 'ID', dataIndex: 'id', width: 60 },
            { title: '名称', dataIndex: 'name' },
            { title: '类型', dataIndex: 'kind', width: 90, render: (k: string) => <Tag color={k === 'TICKET' ? 'blue' : 'purple'}>{label('productKind', k)}</Tag> },
            { title: '线路 / 模板', render: (_, p) => (p.kind === 'TICKET' ? routes.label(p.routeId) : templates.name(p.templateId)) },
            { title: '票价', render: (_, p) => fareSummary(p), width: 180 },
            { title: '退改规则', render: (_, p) => rules.name(p.refundRuleId), width: 160 },
            { title: '状态', dataIndex: 'enabled', width: 80, render: (e: boolean) => (e ? <Tag color="success">上架</Tag> : <Tag>下架</Tag>) },
          ]}
        />
      </Card>
      <Drawer title={open ? `${open.name}（#${open.id}）` : ''} open={!!open} onClose={() => setOpen(null)} size={760} destroyOnHidden>
        {open ? (
          <Tabs
            defaultActiveKey="fares"
            items={[
              { key: 'fares', label: '票价', children: <FarePanel product={open} onSaved={() => void products.refetch()} /> },
              {
                key: 'info',
                label: '基本信息',
                children: (
                  <ProductForm product={open} routeOptions={routes.options} templateOptions={templates.options} cityOptions={places.cityOptions} refundRuleOptions={rules.options} onSaved={() => void products.refetch()} />
                ),
              },
              ...(open.kind === 'PACKAGE' ? [{ key: 'quota', label: '每日配额', children: <QuotaPanel productId={open.id} defaultQuota={open.dailyQuota} /> }] : []),
            ]}
          />
        ) : null}
      </Drawer>
      <Drawer title="新建产品" open={creating} onClose={() => setCreating(false)} size={560} destroyOnHidden>
        <ProductForm
          product={null}
          routeOptions={routes.options}
          templateOptions={templates.options}
          cityOptions={places.cityOptions}
          refundRuleOptions={rules.options}
          onSaved={async (id) => {
            setCreating(false);
            await products.refetch();
            setOpen(id);
          }}
        />
      </Drawer>
    </>
  );
}
