import { useMemo } from 'react';
import { Alert, Card, Col, DatePicker, Row, Statistic, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { addDays, formatFen } from '@deeptravel/shared';
import { useQuery } from '../../app/api';
import { errorText } from '../../app/api-errors';
import { PageHeader } from '../../app/common';
import { hkTime, hkToday, money } from '../../app/format';
import { useUrlFilters } from '../../app/url-state';
import { EChart } from '../components/echart';
import { LiveRedemptions } from '../components/live-redemptions';
import { backlogOption, conversionOption, redemptionsOption, refundsOption, salesOption, statusPieOption } from '../components/charts';
import { AdminMetricsDocument, type AdminMetricsQuery } from '../queries';

type Metrics = AdminMetricsQuery['adminMetrics'];
const FILTERS = ['from', 'to'] as const;
/** The dashboard re-reads adminMetrics this often. */
export const DASHBOARD_POLL_MS = 10_000;

function Stat({ title, value, testId, suffix, color }: { title: string; value: string | number; testId: string; suffix?: string; color?: string }) {
  return (
    <Card size="small">
      <Statistic title={title} value={value} suffix={suffix} styles={{ content: color ? { color } : undefined }} />
      <span data-testid={testId} data-value={String(value)} hidden />
    </Card>
  );
}

/** Live business figures (adminMetrics, every 10 s): sales, orders, conversion, redemptions, refunds, backlog. */
export default function DashboardPage() {
  const today = hkToday();
  const { filters, setFilters } = useUrlFilters(FILTERS);
  const to = filters.to || today;
  const from = filters.from || addDays(to, -13);
  const q = useQuery(AdminMetricsDocument, { fromDate: from, toDate: to }, { pollMs: DASHBOARD_POLL_MS });
  const m: Metrics | undefined = q.data?.adminMetrics;

  const charts = useMemo(
    () =>
      m && {
        sales: salesOption(m),
        orders: statusPieOption(m.ordersByStatus, 'orderStatus'),
        tickets: statusPieOption(m.ticketsByStatus, 'ticketStatus'),
        conversion: conversionOption(m),
        redemptions: redemptionsOption(m),
        refunds: refundsOption(m),
        backlog: backlogOption(m),
      },
    [m],
  );
  const totalSales = m?.salesByDay.reduce((s, d) => s + d.amount, 0) ?? 0;
  const paidOrders = m?.salesByDay.reduce((s, d) => s + d.orders, 0) ?? 0;
  const todaySales = m?.salesByDay.find((d) => d.date === today)?.amount ?? 0;
  const refunds = m?.refundsByDay.reduce((s, d) => s + d.amount, 0) ?? 0;
  const redemptions = m?.redemptionsByMerchant.reduce((s, r) => s + r.count, 0) ?? 0;

  return (
    <>
      <PageHeader
        title="数据看板"
        sub={m ? `${m.from} 至 ${m.to}（香港时间）· 每 10 秒刷新 · 更新于 ${hkTime(m.generatedAt, true).slice(11)}` : '加载中…'}
        extra={
          <DatePicker.RangePicker
            allowClear={false}
            value={[dayjs(from), dayjs(to)]}
            onChange={(v) => v && setFilters({ from: v[0]!.format('YYYY-MM-DD'), to: v[1]!.format('YYYY-MM-DD') })}
          />
        }
      />
      {q.error ? <Alert type="error" showIcon title={errorText(q.error)} style={{ marginBottom: 16 }} /> : null}
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6} xl={3}><Stat title="今日销售额" value={`¥${formatFen(todaySales)}`} testId="stat-sales-today" /></Col>
        <Col xs={12} md={6} xl={3}><Stat title="区间销售额" value={`¥${formatFen(totalSales)}`} testId="stat-sales-total" /></Col>
        <Col xs={12} md={6} xl={3}><Stat title="支付订单" value={paidOrders} testId="stat-paid-orders" /></Col>
        <Col xs={12} md={6} xl={3}><Stat title="下单→支付转化" value={m ? `${(m.conversion.rate * 100).toFixed(1)}%` : '—'} testId="stat-conversion" /></Col>
        <Col xs={12} md={6} xl={3}><Stat title="核销次数" value={redemptions} testId="stat-redemptions" /></Col>
        <Col xs={12} md={6} xl={3}><Stat title="退款额" value={`¥${formatFen(refunds)}`} testId="stat-refunds" color={refunds ? '#cf1322' : undefined} /></Col>
        <Col xs={12} md={6} xl={3}><Stat title="出站积压/放弃" value={m ? `${m.outbox.pending} / ${m.outbox.dead}` : '—'} testId="stat-outbox" color={m?.outbox.dead ? '#cf1322' : undefined} /></Col>
        <Col xs={12} md={6} xl={3}><Stat title="支付异常/对账" value={m ? `${m.paymentAnomalies} / ${m.reconciliationDifferences}` : '—'} testId="stat-anomalies" color={m?.paymentAnomalies ? '#cf1322' : undefined} /></Col>
      </Row>
      {charts ? (
        <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
          <Col xs={24} xl={16}><Card size="small" title="每日销售"><EChart option={charts.sales} testId="chart-sales" /></Card></Col>
          <Col xs={24} xl={8}><Card size="small" title="订单状态"><EChart option={charts.orders} testId="chart-orders" /></Card></Col>
          <Col xs={24} xl={8}><Card size="small" title="下单→支付转化"><EChart option={charts.conversion} /></Card></Col>
          <Col xs={24} xl={8}><Card size="small" title="各商户核销"><EChart option={charts.redemptions} /></Card></Col>
          <Col xs={24} xl={8}><Card size="small" title="票券状态"><EChart option={charts.tickets} /></Card></Col>
          <Col xs={24} xl={12}><Card size="small" title="每日退款"><EChart option={charts.refunds} /></Card></Col>
          <Col xs={24} xl={12}>
            <Card size="small" title="出站消息与通知" extra={m?.outbox.oldestPendingSeconds ? <Tag color="orange">最久待投递 {m.outbox.oldestPendingSeconds} 秒</Tag> : null}>
              <EChart option={charts.backlog} />
            </Card>
          </Col>
          <Col xs={24}>
            <Card size="small" title="按产品销售">
              <Table
                size="small"
                rowKey="productId"
                pagination={false}
                dataSource={m!.salesByProduct}
                locale={{ emptyText: '区间内没有销售' }}
                data-testid="sales-by-product"
                columns={[
                  { title: '产品', dataIndex: 'name' },
                  { title: '订单', dataIndex: 'orders', width: 100 },
                  { title: '销售额', dataIndex: 'amount', width: 140, render: (v: number) => money(v) },
                ]}
              />
            </Card>
          </Col>
          <Col xs={24}>
            <LiveRedemptions />
          </Col>
        </Row>
      ) : (
        <Typography.Paragraph type="secondary" style={{ marginTop: 24 }}>正在读取数据…</Typography.Paragraph>
      )}
    </>
  );
}
