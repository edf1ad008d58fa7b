import { Button, Card, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { AdminPaymentAnomaliesDocument, AdminResolvePaymentAnomalyDocument, ERROR_MESSAGES, errorMessage, type AdminPaymentAnomaliesQuery } from '@deeptravel/client';
import { useMutation, useQuery } from '../../app/api';
import { EditOnly, PageHeader, QueryError } from '../../app/common';
import { ReasonModal } from '../../app/reason-modal';
import { hkTime, money } from '../../app/format';

type Anomaly = AdminPaymentAnomaliesQuery['adminPaymentAnomalies'][number];

/** Kinds of flagged payment notifications (payment.service.ts `flag`); unknown ones fall back to the shared sentences. */
const KIND_ZH: Record<string, string> = {
  UNKNOWN_ORDER: '找不到订单（未知订单号）',
  AMOUNT_MISMATCH: '金额与订单不符',
  DOUBLE_PAYMENT: '重复支付（已原路退回）',
  TXN_REUSED: '交易号被重复使用',
  LATE_PAYMENT_REFUNDED: '订单取消后才到账（已原路退回）',
};

function kindText(kind: string): string {
  return KIND_ZH[kind] ?? (ERROR_MESSAGES[kind] ? errorMessage(kind) : '其他异常');
}

/** Payment notifications the server flagged (unknown order, other amount, reused or second transaction). */
export default function PaymentAnomaliesPage() {
  const [unresolvedOnly, setUnresolvedOnly] = useState(true);
  const q = useQuery(AdminPaymentAnomaliesDocument, { unresolvedOnly }, { pollMs: 30_000 });
  const [resolve] = useMutation(AdminResolvePaymentAnomalyDocument);
  const [resolving, setResolving] = useState<Anomaly | null>(null);
  return (
    <>
      <PageHeader title="支付异常" sub="支付通知中发现的问题；重复或多付的款项由系统原路退回" extra={<>只看未处理 <Switch checked={unresolvedOnly} onChange={setUnresolvedOnly} /></>} />
      <QueryError error={q.error} />
      <Card>
        <Table<Anomaly>
          rowKey="id"
          loading={q.loading}
          dataSource={q.data?.adminPaymentAnomalies ?? []}
          locale={{ emptyText: '没有支付异常' }}
          expandable={{ expandedRowRender: (a) => <Typography.Text code style={{ whiteSpace: 'pre-wrap' }}>{JSON.stringify(a.detail, null, 2)}</Typography.Text> }}
          columns={[
            { title: '时间', dataIndex: 'createdAt', width: 160, render: (v: string) => hkTime(v, true) },
            { title: '类型', dataIndex: 'kind', render: (k: string) => <Tag color="red">{kindText(k)}</Tag> },
            { title: '渠道', dataIndex: 'gateway', width: 90, render: (g: string) => (g === 'wechat' ? '微信支付' : g === 'mock' ? '模拟' : g) },
            { title: '交易号', dataIndex: 'gatewayTxnId', width: 200 },
            { title: '订单', dataIndex: 'orderNo', width: 190, render: (no: string | null, x) => no ?? (x.orderId ? `#${x.orderId}` : '—') },
            { title: '金额', dataIndex: 'amount', width: 100, render: (v: number | null) => money(v) },
            {
              title: '处理',
              dataIndex: 'resolved',
              width: 220,
              render: (r: boolean, a) =>
                r ? (
                  <Typography.Text type="secondary">已处理 · {a.resolvedBy?.replace(/^admin:/, '')} {a.resolvedAt ? hkTime(a.resolvedAt, true) : ''}{a.resolutionNote ? `：${a.resolutionNote}` : ''}</Typography.Text>
                ) : (
                  <EditOnly>
                    <Button size="small" onClick={() => setResolving(a)}>标记已处理</Button>
                  </EditOnly>
                ),
            },
          ]}
        />
      </Card>
      <ReasonModal
        open={resolving !== null}
        title="标记支付异常已处理"
        description="写明做了什么（例如：已在商户平台原路退款、已联系旅客补单），会记入操作日志。"
        onSubmit={(reason) => resolve({ id: resolving!.id, reason })}
        onClose={(done) => {
          setResolving(null);
          if (done) void q.refetch();
        }}
      />
    </>
  );
}
