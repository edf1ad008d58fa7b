import { useState, type ReactNode } from 'react';
import { Button, Card, Descriptions, Empty, Space, Table, Tag, Timeline, Typography } from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import { Link } from 'react-router';
import { runOp, useQuery } from '../../app/api';
import { EditOnly, PageHeader, QueryError } from '../../app/common';
import { hkTime, label, money, refundFailureText } from '../../app/format';
import { ReasonModal } from '../../app/reason-modal';
import { OrderDrawer } from '../components/order-drawer';
import {
  AdminOrderDocument, AdminResendNotificationDocument, AdminResolveRedemptionConflictDocument, AdminRetryRefundDocument, type AdminOrderQuery,
} from '../queries';

type Detail = AdminOrderQuery['adminOrder'];
type Action = { kind: 'retryRefund' | 'resend' | 'resolve'; id: string; what: string };

const ACTION_TITLES: Record<Action['kind'], string> = { retryRefund: '重试退款', resend: '重发消息', resolve: '处理离线核销冲突' };
const ACTION_TEXT: Record<Action['kind'], string> = {
  retryRefund: '以新的退款单号再次向微信支付发起退款；相关票回到“退款中”。',
  resend: '消息重新进入发送队列（会再使用旅客的一次订阅）；已在队列或已发送的消息不会重复发送。',
  resolve: '把这条冲突标记为已处理，原因会记入冲突记录与操作日志。',
};

/** A section of the order page: a card with a title and a count. */
function Section({ title, count, children, testId }: { title: string; count?: number; children: ReactNode; testId?: string }) {
  return (
    <Card size="small" title={count === undefined ? title : `${title}（${count}）`} style={{ marginBottom: 16 }} data-testid={testId}>
      {children}
    </Card>
  );
}

/** Who did it, in words: traveller:12 → 旅客 #12, admin:alice → 后台 alice … */
export function actorText(actor: string): string {
  const [kind, who] = actor.split(':', 2);
  const names: Record<string, string> = { traveller: '旅客', admin: '后台', staff: '商户员工', system: '系统', gateway: '支付网关', refund: '退款', job: '定时任务' };
  return names[kind] ? `${names[kind]} ${who ?? ''}`.trim() : actor;
}

/**
 * The order page: the order and its buyer, lines, passengers, payments, refunds, tickets with their
 * lines, redemptions, offline conflicts, messages and every state transition; with the operator
 * actions (ADMIN only; each asks for a reason and is audited).
 */
export default function OrderPage({ id }: { id: string }) {
  const q = useQuery(AdminOrderDocument, { id });
  const [action, setAction] = useState<Action | null>(null);
  const [snapshot, setSnapshot] = useState(false);
  const d: Detail | undefined = q.data?.adminOrder;
  const o = d?.order;
  const run = (a: Action, reason: string) => {
    if (a.kind === 'retryRefund') return runOp(AdminRetryRefundDocument, { refundId: a.id, reason });
    if (a.kind === 'resend') return runOp(AdminResendNotificationDocument, { id: a.id, reason });
    return runOp(AdminResolveRedemptionConflictDocument, { id: a.id, reason });
  };
  return (
    <div data-testid="order-page">
      <PageHeader
        title={o ? `订单 ${o.orderNo}` : '订单'}
        sub={o ? `${label('orderStatus', o.status)} · ${money(o.totalAmount, o.currency)} · 下单 ${hkTime(o.createdAt)}` : undefined}
        extra={<>
          <Link to="/orders"><Button icon={<ArrowLeftOutlined />}>返回订单列表</Button></Link>
          {o ? <Button onClick={() => setSnapshot(true)}>查看快照</Button> : null}
        </>}
      />
      <QueryError error={q.error} />
      {!d || !o ? null : (
        <>
          <Section title="概况">
            <Descriptions size="small" column={3} bordered>
              <Descriptions.Item label="状态"><Tag>{label('orderStatus', o.status)}</Tag>{o.cancelReason ? label('cancelReason', o.cancelReason) : null}</Descriptions.Item>
              <Descriptions.Item label="金额">{money(o.totalAmount, o.currency)}（优惠 {money(o.discountAmount, o.currency)}）</Descriptions.Item>
              <Descriptions.Item label="旅客">#{d.traveller?.id} {d.traveller?.nickname ?? ''}</Descriptions.Item>
              <Descriptions.Item label="openid">{d.traveller?.openid ?? '—'}</Descriptions.Item>
              <Descriptions.Item label="下单">{hkTime(o.createdAt, true)}</Descriptions.Item>
              <Descriptions.Item label="支付">{hkTime(o.paidAt, true)}</Descriptions.Item>
            </Descriptions>
          </Section>
          <Section title="订单明细" count={d.items.length}>
            <Table size="small" rowKey="id" pagination={false} dataSource={d.items} columns={[
              { title: '产品', dataIndex: 'productName' },
              { title: '出发 / 使用日', render: (_, i) => (i.departureAt ? hkTime(i.departureAt) : i.travelDate ?? '—') },
              { title: '乘客类型', dataIndex: 'passengerType', render: (v: string | null) => label('passengerType', v) },
              { title: '数量', dataIndex: 'qty', width: 70 },
              { title: '单价', dataIndex: 'unitPrice', render: (v: number) => money(v, o.currency) },
              { title: '优惠', dataIndex: 'discount', render: (v: number) => money(v, o.currency) },
              { title: '小计', dataIndex: 'subtotal', render: (v: number) => money(v, o.currency) },
            ]} />
            <Table size="small" rowKey="id" pagination={false} style={{ marginTop: 12 }} dataSource={d.passengers} locale={{ emptyText: '未登记乘客' }} columns={[
              { title: '乘客', dataIndex: 'name' },
              { title: '类型', dataIndex: 'passengerType', render: (v: string) => label('passengerType', v) },
              { title: '手机', dataIndex: 'phone', render: (v: string | null) => v ?? '—' },
            ]} />
          </Section>
          <Section title="支付" count={d.payments.length} testId="order-payments">
            <Table size="small" rowKey="id" pagination={false} dataSource={d.payments} locale={{ emptyText: '没有支付' }} columns={[
              { title: '微信支付单号', dataIndex: 'gatewayTxnId', render: (v: string | null) => <Typography.Text copyable={!!v}>{v ?? '—'}</Typography.Text> },
              { title: '渠道', dataIndex: 'gateway' },
              { title: '金额', dataIndex: 'amount', render: (v: number, p) => money(v, p.currency) },
              { title: '状态', dataIndex: 'status', render: (v: string) => label('paymentStatus', v) },
              { title: '标记', dataIndex: 'flag', render: (v: string | null) => (v ? <Tag color="orange">{label('transitionReason', v)}</Tag> : '—') },
              { title: '退款', dataIndex: 'refundStatus', render: (v: string | null) => (v ? label('state', v) : '—') },
              { title: '时间', dataIndex: 'createdAt', render: (v: string) => hkTime(v, true) },
            ]} />
          </Section>
          <Section title="退款" count={d.refunds.length} testId="order-refunds">
            <Table size="small" rowKey="id" pagination={false} dataSource={d.refunds} locale={{ emptyText: '没有退款' }} columns={[
              { title: '退款单号', dataIndex: 'refundNo' },
              { title: '类型', dataIndex: 'kind', render: (v: string) => label('refundKind', v) },
              { title: '票', dataIndex: 'ticketCodes', render: (v: string[]) => v.join('、') || '—' },
              { title: '退回', dataIndex: 'amount', render: (v: number, r) => money(v, r.currency) },
              { title: '手续费', dataIndex: 'fee', render: (v: number, r) => money(v, r.currency) },
              { title: '状态', dataIndex: 'status', render: (v: string, r) => <Space direction="vertical" size={0}><Tag color={v === 'FAILED' ? 'red' : v === 'SUCCEEDED' ? 'green' : 'gold'}>{label('refundStatus', v)}</Tag>{r.failureReason ? <Typography.Text type="secondary">{refundFailureText(r.failureReason)}</Typography.Text> : null}</Space> },
              { title: '发起', dataIndex: 'requestedBy', render: (v: string | null) => (v ? actorText(v) : '—') },
              { title: '时间', dataIndex: 'createdAt', render: (v: string) => hkTime(v, true) },
              { title: '', width: 100, render: (_, r) => (r.status === 'FAILED' && !d.refunds.some((x) => x.id !== r.id && Number(x.id) > Number(r.id) && x.ticketCodes.join() === r.ticketCodes.join()) ? (
                <EditOnly><Button size="small" danger onClick={() => setAction({ kind: 'retryRefund', id: r.id, what: r.refundNo })} data-testid={`retry-refund-${r.id}`}>重试退款</Button></EditOnly>
              ) : null) },
            ]} />
          </Section>
          <Section title="票与权益" count={d.tickets.length} testId="order-tickets">
            <Table size="small" rowKey="id" pagination={false} dataSource={d.tickets} expandable={{ defaultExpandAllRows: true, rowExpandable: (t) => t.lines.length > 0, expandedRowRender: (t) => (
              <Table size="small" rowKey="id" pagination={false} dataSource={t.lines} columns={[
                { title: '权益', dataIndex: 'name' }, { title: '商户', dataIndex: 'merchantName' },
                { title: '剩余 / 总次数', render: (_, l) => `${l.usesLeft} / ${l.usesTotal}` },
              ]} />
            ) }} columns={[
              { title: '票号', dataIndex: 'code', render: (v: string) => <Typography.Text copyable>{v}</Typography.Text> },
              { title: '产品', dataIndex: 'productName' },
              { title: '乘客', dataIndex: 'passengerName', render: (v: string | null, t) => v ?? (t.shared ? '全单共享' : '—') },
              { title: '状态', dataIndex: 'status', render: (v: string) => <Tag>{label('ticketStatus', v)}</Tag> },
              { title: '有效期', render: (_, t) => `${hkTime(t.validFrom)} ~ ${hkTime(t.validUntil)}` },
              { title: '票价', dataIndex: 'price', render: (v: number) => money(v, o.currency) },
            ]} />
          </Section>
          <Section title="核销记录" count={d.redemptions.length} testId="order-redemptions">
            <Table size="small" rowKey="id" pagination={false} dataSource={d.redemptions} locale={{ emptyText: '尚未核销' }} columns={[
              { title: '时间', dataIndex: 'at', render: (v: string) => hkTime(v, true) },
              { title: '票号', dataIndex: 'ticketCode' }, { title: '权益', dataIndex: 'lineName' },
              { title: '商户', dataIndex: 'merchantName' }, { title: '终端', dataIndex: 'terminalCode' }, { title: '员工', dataIndex: 'staffUsername' },
              { title: '方式', dataIndex: 'offline', render: (v: boolean) => (v ? <Tag color="purple">离线</Tag> : <Tag>在线</Tag>) },
              { title: '核销后剩余', dataIndex: 'usesLeftAfter' },
            ]} />
          </Section>
          <Section title="离线核销冲突" count={d.conflicts.length} testId="order-conflicts">
            <Table size="small" rowKey="id" pagination={false} dataSource={d.conflicts} locale={{ emptyText: '没有冲突' }} columns={[
              { title: '扫码时间', dataIndex: 'scannedAt', render: (v: string) => hkTime(v, true) },
              { title: '票号', dataIndex: 'ticketCode' }, { title: '权益', dataIndex: 'lineName' },
              { title: '终端', render: (_, c) => `${c.merchantName ?? ''} ${c.terminalCode}` },
              { title: '原因', dataIndex: 'reason', render: (v: string) => label('conflictReason', v) },
              { title: '状态', dataIndex: 'status', render: (v: string, c) => (v === 'OPEN' ? <Tag color="red">待处理</Tag> : <Space direction="vertical" size={0}><Tag color="green">已处理</Tag><Typography.Text type="secondary">{c.resolvedBy ? actorText(c.resolvedBy) : ''}：{c.resolutionNote}</Typography.Text></Space>) },
              { title: '', width: 100, render: (_, c) => (c.status === 'OPEN' ? (
                <EditOnly><Button size="small" onClick={() => setAction({ kind: 'resolve', id: c.id, what: `${c.ticketCode} ${c.lineName}` })} data-testid={`resolve-conflict-${c.id}`}>处理</Button></EditOnly>
              ) : null) },
            ]} />
          </Section>
          <Section title="消息通知" count={d.notifications.length} testId="order-notifications">
            <Table size="small" rowKey="id" pagination={false} dataSource={d.notifications} locale={{ emptyText: '没有消息' }} columns={[
              { title: '消息', dataIndex: 'kind', render: (v: string) => label('notificationKind', v) },
              { title: '状态', dataIndex: 'status', render: (v: string, n) => <Space direction="vertical" size={0}><Tag color={v === 'SENT' ? 'green' : v === 'FAILED' || v === 'DEAD' ? 'red' : undefined}>{label('notificationStatus', v)}</Tag>{n.lastError ? <Typography.Text type="secondary">{n.lastError}</Typography.Text> : null}</Space> },
              { title: '尝试次数', dataIndex: 'attempts', width: 90 },
              { title: '创建', dataIndex: 'createdAt', render: (v: string) => hkTime(v, true) },
              { title: '发送', dataIndex: 'sentAt', render: (v: string | null) => hkTime(v, true) },
              { title: '', width: 100, render: (_, n) => (n.status === 'FAILED' || n.status === 'DEAD' ? (
                <EditOnly><Button size="small" onClick={() => setAction({ kind: 'resend', id: n.id, what: label('notificationKind', n.kind) })} data-testid={`resend-notification-${n.id}`}>重发</Button></EditOnly>
              ) : null) },
            ]} />
          </Section>
          <Section title="状态流转" count={d.history.length} testId="order-history">
            {d.history.length === 0 ? <Empty description="没有记录" /> : (
              <Timeline items={d.history.map((h) => ({
                key: h.id,
                color: h.toState === 'FAILED' || h.toState === 'CANCELLED' ? 'red' : h.actor.startsWith('admin:') ? 'purple' : 'blue',
                children: (
                  <span>
                    <Typography.Text type="secondary">{hkTime(h.at, true)}</Typography.Text>{' '}
                    <Tag>{label('historyEntity', h.entityType)} #{h.entityId}</Tag>
                    {h.fromState ? label('state', h.fromState) : '（新建）'} → <b>{label('state', h.toState)}</b>{' · '}{actorText(h.actor)}
                    {h.reason ? <Typography.Text type="secondary">（{label('transitionReason', h.reason)}）</Typography.Text> : null}
                  </span>
                ),
              }))} />
            )}
          </Section>
        </>
      )}
      {action ? (
        <ReasonModal
          open
          title={`${ACTION_TITLES[action.kind]}：${action.what}`}
          description={ACTION_TEXT[action.kind]}
          onSubmit={(reason) => run(action, reason)}
          onClose={(done) => { setAction(null); if (done) void q.refetch(); }}
        />
      ) : null}
      <OrderDrawer order={snapshot && o ? o : null} onClose={() => setSnapshot(false)} />
    </div>
  );
}
