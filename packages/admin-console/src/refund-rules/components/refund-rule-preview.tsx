import { useState } from 'react';
import { InputNumber, Space, Typography } from 'antd';
import { refundSentence, type RefundTier } from './refund-preview';

/** "出发前30小时退票：手续费 ¥x，退回 ¥y" for hours and a price the admin types in. */
export function RefundRulePreview({ tiers }: { tiers: RefundTier[] }) {
  const [hours, setHours] = useState<number>(30);
  const [price, setPrice] = useState<number>(260);
  const clean = tiers.filter((t) => t && t.minHoursBefore !== null && t.feePercent !== null && t.minHoursBefore !== undefined && t.feePercent !== undefined);
  return (
    <div style={{ padding: 12, background: '#fafafa', borderRadius: 8 }} data-testid="refund-preview">
      <Space wrap>
        <Typography.Text strong>退票预览</Typography.Text>
        <InputNumber size="small" min={0} value={hours} onChange={(v) => setHours(v ?? 0)} aria-label="出发前小时数" prefix="出发前" suffix="小时" style={{ width: 150 }} />
        <InputNumber size="small" min={0} precision={2} value={price} onChange={(v) => setPrice(v ?? 0)} aria-label="票价" prefix="票价 ¥" style={{ width: 150 }} />
      </Space>
      <div style={{ marginTop: 8 }}>
        <Typography.Text strong data-testid="refund-sentence">{refundSentence(clean, hours, Math.round(price * 100))}</Typography.Text>
      </div>
    </div>
  );
}
