import { Descriptions, Drawer, Empty, Table, Tag, Typography } from 'antd';
import { hkTime, label, money } from '../../app/format';
import type { AdminOrdersQuery, OrderSnapshot } from '../queries';

type Order = AdminOrdersQuery['adminOrders']['items'][number];

/** "13812345678" → "138****5678" (the console never shows a traveller's full number). */
function maskPhone(p: string | null): string {
  if (!p) return '—';
  return p.length >= 7 ? `${p.slice(0, 3)}****${p.slice(-4)}` : '****';
}

/** One order: what it says now and its snapshot lines (prices, entitlements and the refund rule as sold). */
export function OrderDrawer({ order, onClose }: { order: Order | null; onClose: () => void }) {
  const snap = (order?.snapshot ?? null) as OrderSnapshot | null;
  return (
    <Drawer title={order ? `订单 ${order.orderNo}` : ''} open={!!order} onClose={onClose} size={820} destroyOnHidden>
      {order ? (
        <div data-testid="order-drawer">
          <Descriptions bordered size="small" column={2} style={{ marginBottom: 16 }}>
            <Descriptions.Item label="状态"><Tag>{label('orderStatus', order.status)}</Tag>{order.cancelReason ? label('cancelReason', order.cancelReason) : null}</Descriptions.Item>
            <Descriptions.Item label="旅客 ID">{order.travellerId}</Descriptions.Item>
            <Descriptions.Item label="金额">{money(order.totalAmount, order.currency)}</Descriptions.Item>
            <Descriptions.Item label="优惠">{money(order.discountAmount, order.currency)}{snap?.promotion ? `（${snap.promotion.code}）` : ''}</Descriptions.Item>
            <Descriptions.Item label="下单">{hkTime(order.createdAt, true)}</Descriptions.Item>
            <Descriptions.Item label="支付">{hkTime(order.paidAt, true)}</Descriptions.Item>
            {order.status === 'PENDING' ? <Descriptions.Item label="座位保留至">{hkTime(order.lockExpireAt, true)}</Descriptions.Item> : null}
            {order.cancelledAt ? <Descriptions.Item label="取消">{hkTime(order.cancelledAt, true)}</Descriptions.Item> : null}
          </Descriptions>
          <Typography.Title level={5}>快照（下单时的价格、权益与退改规则）</Typography.Title>
          {!snap?.items?.length ? (
            <Empty description="没有快照" />
          ) : (
            snap.items.map((it) => (
              <div key={it.index} style={{ marginBottom: 20 }}>
                <Typography.Text strong>
                  {it.productName}（产品 #{it.productId}）· {it.departureAt ? `出发 ${hkTime(it.departureAt)}` : `使用日 ${it.travelDate}`}
                </Typography.Text>
                <Table
                  style={{ marginTop: 8 }}
                  size="small"
                  rowKey={(l) => `${it.index}-${l.passengerType}`}
                  pagination={false}
                  dataSource={it.lines}
                  data-testid="snapshot-lines"
                  columns={[
                    { title: '旅客类型', dataIndex: 'passengerType', render: (t: string) => label('passengerType', t) },
                    { title: '数量', dataIndex: 'qty' },
                    { title: '单价', dataIndex: 'unitPrice', render: (v: number) => money(v, order.currency) },
                    { title: '优惠', dataIndex: 'discount', render: (v: number) => money(v, order.currency) },
                    { title: '小计', dataIndex: 'subtotal', render: (v: number) => money(v, order.currency) },
                  ]}
                />
                {it.entitlements?.length ? (
                  <div style={{ marginTop: 6 }}>
                    {it.entitlements.map((e, i) => <Tag key={i}>{e.name} · {e.merchantName} · {label('scope', e.scope)} · {e.uses} 次</Tag>)}
                  </div>
                ) : null}
                {it.refundRule ? <Typography.Paragraph type="secondary" style={{ marginTop: 6, marginBottom: 0 }}>退改：{it.refundRule.name}，{it.refundRule.summaryZh}</Typography.Paragraph> : null}
              </div>
            ))
          )}
          {snap?.passengers?.length ? (
            <>
              <Typography.Title level={5}>乘客</Typography.Title>
              <Table
                size="small"
                rowKey={(_, i) => String(i)}
                pagination={false}
                dataSource={snap.passengers}
                columns={[
                  { title: '姓名', dataIndex: 'name' },
                  { title: '类型', dataIndex: 'type', render: (t: string) => label('passengerType', t) },
                  { title: '手机', dataIndex: 'phone', render: (p: string | null) => maskPhone(p) },
                ]}
              />
            </>
          ) : null}
        </div>
      ) : null}
    </Drawer>
  );
}
