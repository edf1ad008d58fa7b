import { useState } from 'react';
import { Alert, Button, DatePicker, InputNumber, Select, Space, Table, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import type { PassengerType } from '@deeptravel/shared';
import { hkToday } from '../../app/format';
import { checkRows, partyPriceSentence, rowKey, TYPE_ZH, type TierRow } from './tier-table';

/**
 * The fare tier table (阶梯定价) editor: one row per passenger type and party-size range, checked as
 * you type with the shared validator the API uses (gaps and overlaps are listed and their rows
 * marked), and a party price preview with the shared pricing.
 */
export function TierTableEditor({ value, onChange, readOnly = false, currencySymbol = '¥' }: { value: TierRow[]; onChange: (rows: TierRow[]) => void; readOnly?: boolean; currencySymbol?: string }) {
  const check = checkRows(value);
  const set = (key: string, patch: Partial<TierRow>) => onChange(value.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const add = () => {
    const type: PassengerType = value.length ? value[value.length - 1].passengerType : 'ADULT';
    const own = value.filter((r) => r.passengerType === type);
    const lastMax = own.reduce<number | null>((m, r) => (r.maxQty !== null && (m === null || r.maxQty > m) ? r.maxQty : m), null);
    onChange([...value, { key: rowKey(), passengerType: type, minQty: own.length ? (lastMax ?? 0) + 1 : 1, maxQty: null, price: null }]);
  };

  return (
    <div data-testid="tier-editor">
      <Table<TierRow>
        rowKey="key"
        size="small"
        pagination={false}
        dataSource={value}
        rowClassName={(r) => (check.badRows.has(r.key) ? 'tier-row-bad' : '')}
        locale={{ emptyText: '还没有票价，点“添加一档”' }}
        columns={[
          {
            title: '旅客类型',
            width: 110,
            render: (_, r) => (
              <Select
                disabled={readOnly}
                value={r.passengerType}
                style={{ width: 90 }}
                onChange={(v) => set(r.key, { passengerType: v })}
                options={(Object.keys(TYPE_ZH) as PassengerType[]).map((t) => ({ value: t, label: TYPE_ZH[t] }))}
                aria-label="旅客类型"
              />
            ),
          },
          {
            title: '同行人数 从',
            width: 110,
            render: (_, r) => <InputNumber disabled={readOnly} min={0} value={r.minQty} onChange={(v) => set(r.key, { minQty: v ?? null })} aria-label="起始人数" />,
          },
          {
            title: '到（空 = 不限）',
            width: 130,
            render: (_, r) => <InputNumber disabled={readOnly} min={0} value={r.maxQty} placeholder="不限" onChange={(v) => set(r.key, { maxQty: v ?? null })} aria-label="上限人数" />,
          },
          {
            title: `单价（${currencySymbol}）`,
            width: 130,
            render: (_, r) => (
              <InputNumber disabled={readOnly} min={0} step={1} precision={2} value={r.price} onChange={(v) => set(r.key, { price: v ?? null })} aria-label="单价" />
            ),
          },
          ...(readOnly
            ? []
            : [{ title: '', width: 50, render: (_: unknown, r: TierRow) => <Button type="text" danger icon={<DeleteOutlined />} aria-label="删除这一档" onClick={() => onChange(value.filter((x) => x.key !== r.key))} /> }]),
        ]}
      />
      {!readOnly ? <Button icon={<PlusOutlined />} onClick={add} style={{ marginTop: 8 }}>添加一档</Button> : null}
      <div style={{ marginTop: 12 }} data-testid="tier-problems">
        {check.problems.length ? (
          <Alert type="error" showIcon title="票价表有问题" description={<ul style={{ margin: 0, paddingInlineStart: 18 }}>{check.problems.map((p, i) => <li key={i}>{p}</li>)}</ul>} />
        ) : value.length ? (
          <Alert type="success" showIcon title="票价表完整：每种旅客从 1 人起，无缺口、无重叠，最后一档不限人数" />
        ) : null}
      </div>
      <PartyPricePreview rows={value} currencySymbol={currencySymbol} />
    </div>
  );
}

/** "5月12日 2 成人 + 1 儿童：¥620.00" for a party the admin types in. */
export function PartyPricePreview({ rows, currencySymbol = '¥' }: { rows: TierRow[]; currencySymbol?: string }) {
  const [party, setParty] = useState<Record<PassengerType, number>>({ ADULT: 2, CHILD: 1, SENIOR: 0 });
  const [day, setDay] = useState<Dayjs>(dayjs(hkToday()));
  const s = partyPriceSentence(rows, party, currencySymbol);
  return (
    <div style={{ marginTop: 16, padding: 12, background: '#fafafa', borderRadius: 8 }} data-testid="party-preview">
      <Space wrap>
        <Typography.Text strong>价格预览</Typography.Text>
        <DatePicker value={day} onChange={(d) => d && setDay(d)} allowClear={false} size="small" />
        {(Object.keys(TYPE_ZH) as PassengerType[]).map((t) => (
          <InputNumber key={t} size="small" min={0} max={50} value={party[t]} onChange={(v) => setParty({ ...party, [t]: v ?? 0 })} suffix={TYPE_ZH[t]} style={{ width: 90 }} aria-label={`${TYPE_ZH[t]}人数`} />
        ))}
      </Space>
      <div style={{ marginTop: 8 }}>
        <Typography.Text type={s.ok ? undefined : 'warning'} strong data-testid="party-price">
          {day.format('M月D日')} {s.text}
        </Typography.Text>
        {s.detail ? <Typography.Text type="secondary" style={{ marginLeft: 8 }}>（{s.detail}）</Typography.Text> : null}
      </div>
    </div>
  );
}
