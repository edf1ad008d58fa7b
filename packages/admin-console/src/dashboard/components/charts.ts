import { addDays, formatFen } from '@deeptravel/shared';
import type { EChartsCoreOption } from 'echarts/core';
import { label } from '../../app/format';
import type { AdminMetricsQuery } from '../queries';

type Metrics = AdminMetricsQuery['adminMetrics'];
const yuan = (fen: number) => Number(formatFen(fen));

/** Every day of the range, so days without sales show as zero. */
export function daysOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to && out.length < 400; d = addDays(d, 1)) out.push(d);
  return out;
}

export function salesOption(m: Metrics): EChartsCoreOption {
  const days = daysOf(m.from, m.to);
  const by = new Map(m.salesByDay.map((s) => [s.date, s]));
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: ['销售额（元）', '支付订单'] },
    grid: { left: 56, right: 50, top: 48, bottom: 30 },
    xAxis: { type: 'category', data: days.map((d) => d.slice(5)) },
    yAxis: [{ type: 'value', name: '元' }, { type: 'value', name: '单', minInterval: 1 }],
    series: [
      { name: '销售额（元）', type: 'bar', data: days.map((d) => yuan(by.get(d)?.amount ?? 0)), itemStyle: { color: '#0b6bcb' } },
      { name: '支付订单', type: 'line', yAxisIndex: 1, data: days.map((d) => by.get(d)?.orders ?? 0), itemStyle: { color: '#fa8c16' } },
    ],
  };
}

/** A centred "暂无数据" when a chart has nothing to draw. */
function emptyTitle(empty: boolean) {
  return empty ? { text: '暂无数据', left: 'center', top: 'middle', textStyle: { color: '#aaa', fontSize: 14, fontWeight: 'normal' } } : undefined;
}

export function statusPieOption(rows: { key: string; count: number }[], group: 'orderStatus' | 'ticketStatus' | 'notificationStatus'): EChartsCoreOption {
  if (!rows.some((r) => r.count > 0)) return { title: emptyTitle(true), series: [] };
  return {
    tooltip: { trigger: 'item', formatter: '{b}：{c}（{d}%）' },
    legend: { bottom: 0, type: 'scroll' },
    series: [{ type: 'pie', radius: ['40%', '68%'], center: ['50%', '45%'], label: { formatter: '{b}\n{c}' }, data: rows.map((r) => ({ name: label(group, r.key), value: r.count })) }],
  };
}

export function conversionOption(m: Metrics): EChartsCoreOption {
  const c = m.conversion;
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 70, right: 30, top: 20, bottom: 30 },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: ['超时取消', '已取消', '已支付', '已下单'] },
    series: [{ type: 'bar', data: [c.expired, c.cancelled, c.paid, c.created], itemStyle: { color: '#52c41a' }, label: { show: true, position: 'right' } }],
  };
}

export function redemptionsOption(m: Metrics): EChartsCoreOption {
  const rows = [...m.redemptionsByMerchant].reverse();
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 130, right: 30, top: 20, bottom: 30 },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: rows.map((r) => r.name) },
    series: [{ type: 'bar', data: rows.map((r) => r.count), itemStyle: { color: '#722ed1' }, label: { show: true, position: 'right' } }],
  };
}

export function refundsOption(m: Metrics): EChartsCoreOption {
  const days = daysOf(m.from, m.to);
  const by = new Map(m.refundsByDay.map((s) => [s.date, s]));
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: ['退款额（元）', '退款笔数'] },
    grid: { left: 56, right: 50, top: 48, bottom: 30 },
    xAxis: { type: 'category', data: days.map((d) => d.slice(5)) },
    yAxis: [{ type: 'value', name: '元' }, { type: 'value', name: '笔', minInterval: 1 }],
    series: [
      { name: '退款额（元）', type: 'bar', data: days.map((d) => yuan(by.get(d)?.amount ?? 0)), itemStyle: { color: '#f5222d' } },
      { name: '退款笔数', type: 'line', yAxisIndex: 1, data: days.map((d) => by.get(d)?.count ?? 0) },
    ],
  };
}

export function backlogOption(m: Metrics): EChartsCoreOption {
  const rows = m.notifications;
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 150, right: 40, top: 20, bottom: 30 },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: {
      type: 'category',
      axisLabel: { width: 140, overflow: 'truncate' },
      data: ['出站待投递', '出站放弃', ...rows.map((r) => `通知：${label('notificationStatus', r.key)}`)],
    },
    series: [
      {
        type: 'bar',
        data: [m.outbox.pending, m.outbox.dead, ...rows.map((r) => r.count)],
        itemStyle: { color: (p: { dataIndex: number }) => (p.dataIndex === 1 ? '#f5222d' : '#13c2c2') },
        label: { show: true, position: 'right' },
      },
    ],
  };
}
