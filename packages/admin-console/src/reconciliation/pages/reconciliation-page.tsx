import { useState } from 'react';
import { App, Button, Card, DatePicker, Form, Switch, Table, Tag, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { AdminReconciliationDifferencesDocument, AdminResolveReconciliationDifferenceDocument, type AdminReconciliationDifferencesQuery } from '@deeptravel/client';
import { runOp, useQuery } from '../../app/api';
import { EditOnly, PageHeader, QueryError } from '../../app/common';
import { downloadText, toCsv, type CsvColumn } from '../../app/csv';
import { label } from '../../app/format';
import { ReasonModal } from '../../app/reason-modal';
import { SavedViewsBar } from '../../app/saved-views-bar';
import { orUndef, useUrlFilters } from '../../app/url-state';

type Difference = AdminReconciliationDifferencesQuery['adminReconciliationDifferences'][number];
const FILTERS = ['date', 'all'] as const;
const amountOf = (v: unknown) => {
  const a = (v as { amount?: number } | null)?.amount;
  return typeof a === 'number' ? `¥${(a / 100).toFixed(2)}` : '—';
};
const statusOf = (v: unknown) => {
  const x = v as { status?: string; state?: string } | null;
  return x?.status ?? x?.state ?? '';
};

/** The CSV columns of a differences export. */
export const DIFFERENCE_CSV: CsvColumn<Difference>[] = [
  { title: '账单日', value: (d) => d.billDate },
  { title: '对象', value: (d) => (d.subject === 'REFUND' ? '退款' : '支付') },
  { title: '差异', value: (d) => label('differenceKind', d.kind) },
  { title: '单号', value: (d) => d.key },
  { title: '订单号', value: (d) => d.orderNo },
  { title: '我方', value: (d) => JSON.stringify(d.ours ?? null) },
  { title: '微信账单', value: (d) => JSON.stringify(d.theirs ?? null) },
  { title: '已处理', value: (d) => (d.resolved ? '是' : '否') },
  { title: '处理说明', value: (d) => d.resolution },
  { title: '处理人', value: (d) => d.resolvedBy },
];

/**
 * Differences between WeChat Pay's daily bills and our records (docs/payments.md): by bill day, open
 * ones first; each resolved with a reason (ADMIN), a payment missing on our side can be applied as a
 * late payment; CSV of what the filter shows.
 */
export default function ReconciliationPage() {
  const { message } = App.useApp();
  const { filters, setFilters } = useUrlFilters(FILTERS);
  const q = useQuery(AdminReconciliationDifferencesDocument, { date: orUndef(filters.date), unresolvedOnly: filters.all !== '1' });
  const rows = q.data?.adminReconciliationDifferences ?? [];
  const [resolving, setResolving] = useState<{ d: Difference; process: boolean } | null>(null);
  return (
    <>
      <PageHeader
        title="对账差异"
        sub="微信支付日账单与我方记录的差异；每条处理都需填写原因并记入操作日志"
        extra={<Button icon={<DownloadOutlined />} disabled={!rows.length} onClick={() => { downloadText(`reconciliation-${dayjs().format('YYYYMMDD-HHmmss')}.csv`, toCsv(DIFFERENCE_CSV, rows)); message.success(`已导出 ${rows.length} 条`); }}>导出 CSV（{rows.length} 条）</Button>}
      />
      <Card>
        <SavedViewsBar page="reconciliation" />
        <Form layout="inline" className="filters" style={{ marginTop: 12 }}>
          <Form.Item label="账单日">
            <DatePicker value={filters.date ? dayjs(filters.date) : null} onChange={(v) => setFilters({ date: v?.format('YYYY-MM-DD') })} />
          </Form.Item>
          <Form.Item label="包括已处理">
            <Switch checked={filters.all === '1'} onChange={(v) => setFilters({ all: v ? '1' : null })} />
          </Form.Item>
        </Form>
        <QueryError error={q.error} />
        <Table<Difference>
          rowKey="id"
          loading={q.loading}
          dataSource={rows}
          data-testid="reconciliation-table"
          columns={[
            { title: '账单日', dataIndex: 'billDate', width: 110, sorter: (a, b) => a.billDate.localeCompare(b.billDate) },
            { title: '对象', dataIndex: 'subject', width: 70, render: (v: string) => (v === 'REFUND' ? '退款' : '支付') },
            { title: '差异', dataIndex: 'kind', width: 110, render: (v: string) => <Tag color="orange">{label('differenceKind', v)}</Tag> },
            { title: '单号', dataIndex: 'key', render: (v: string, d) => <>{v}{d.orderNo ? <div><Typography.Text type="secondary">订单 {d.orderNo}</Typography.Text></div> : null}</> },
            { title: '我方', render: (_, d) => (d.ours ? `${amountOf(d.ours)} ${statusOf(d.ours)}` : '无记录') },
            { title: '微信账单', render: (_, d) => (d.theirs ? `${amountOf(d.theirs)} ${statusOf(d.theirs)}` : '无记录') },
            { title: '状态', render: (_, d) => (d.resolved ? <><Tag color="green">已处理</Tag><Typography.Text type="secondary">{d.resolvedBy}：{d.resolution}</Typography.Text></> : <Tag color="red">待处理</Tag>) },
            { title: '', width: 170, render: (_, d) => (d.resolved ? null : (
              <EditOnly>
                <Button size="small" onClick={() => setResolving({ d, process: false })}>处理</Button>{' '}
                {d.kind === 'MISSING_OURS' && d.subject === 'PAYMENT' ? <Button size="small" onClick={() => setResolving({ d, process: true })}>补单</Button> : null}
              </EditOnly>
            )) },
          ]}
        />
      </Card>
      {resolving ? (
        <ReasonModal
          open
          title={`${resolving.process ? '补单并处理' : '处理差异'}：${resolving.d.key}`}
          description={resolving.process ? '把我方缺少的这笔支付作为迟到支付入账（座位不足时自动退款），并标记差异已处理。' : '标记差异已处理。'}
          onSubmit={(reason) => runOp(AdminResolveReconciliationDifferenceDocument, { id: Number(resolving.d.id), reason, processPayment: resolving.process })}
          onClose={(done) => { setResolving(null); if (done) void q.refetch(); }}
        />
      ) : null}
    </>
  );
}
