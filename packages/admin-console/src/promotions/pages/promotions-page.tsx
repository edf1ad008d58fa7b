import { useState } from 'react';
import { Button, Card, Table, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { AdminProductsDocument } from '@deeptravel/client';
import { useQuery } from '../../app/api';
import { EditOnly, PageHeader, QueryError } from '../../app/common';
import { hkTime, money } from '../../app/format';
import { useSession } from '../../app/session';
import { PromotionForm } from '../components/promotion-form';
import { AdminPromotionsDocument, type AdminPromotionsQuery } from '../queries';

type Promotion = AdminPromotionsQuery['adminPromotions'][number];

/** Promotion codes travellers enter at checkout. */
export default function PromotionsPage() {
  const q = useQuery(AdminPromotionsDocument);
  const products = useQuery(AdminProductsDocument, {});
  const { canEdit } = useSession();
  const [editing, setEditing] = useState<{ row: Promotion | null } | null>(null);
  const productOptions = (products.data?.adminProducts ?? []).map((p) => ({ value: Number(p.id), label: p.name }));
  const now = Date.now();
  return (
    <>
      <PageHeader title="优惠活动" extra={<EditOnly><Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ row: null })}>新建优惠</Button></EditOnly>} />
      <QueryError error={q.error} />
      <Card>
        <Table<Promotion>
          rowKey="id"
          loading={q.loading}
          dataSource={q.data?.adminPromotions ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          columns={[
            { title: '优惠码', dataIndex: 'code', width: 130, render: (c: string) => <Tag color="magenta">{c}</Tag> },
            { title: '名称', dataIndex: 'name' },
            { title: '优惠', width: 110, render: (_, p) => (p.kind === 'PERCENT' ? `减 ${p.value}%` : `立减 ${money(p.value)}`) },
            { title: '有效期', width: 290, render: (_, p) => `${hkTime(p.startsAt)} 至 ${hkTime(p.endsAt)}` },
            { title: '已用 / 上限', width: 110, render: (_, p) => `${p.usedCount} / ${p.usageCap ?? '不限'}` },
            { title: '最低金额', width: 100, render: (_, p) => money(p.minAmount) },
            {
              title: '状态',
              width: 90,
              render: (_, p) =>
                !p.enabled ? <Tag>停用</Tag> : Date.parse(p.endsAt) < now ? <Tag>已结束</Tag> : Date.parse(p.startsAt) > now ? <Tag color="gold">未开始</Tag> : <Tag color="success">进行中</Tag>,
            },
            ...(canEdit ? [{ title: '操作', width: 70, render: (_: unknown, p: Promotion) => <Button type="link" size="small" onClick={() => setEditing({ row: p })}>编辑</Button> }] : []),
          ]}
        />
      </Card>
      <PromotionForm
        promotion={editing?.row ?? null}
        open={!!editing}
        productOptions={productOptions}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          void q.refetch();
        }}
      />
    </>
  );
}
