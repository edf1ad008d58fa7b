import { useState } from 'react';
import { Button, Card, Table, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { AdminRefundRulesQuery } from '@deeptravel/client';
import { EditOnly, PageHeader, QueryError } from '../../app/common';
import { useSession } from '../../app/session';
import { RefundRuleForm } from '../components/refund-rule-form';
import { useRefundRules } from '../queries';

type Rule = AdminRefundRulesQuery['adminRefundRules'][number];

/** Refund and change rules; orders keep the rule they were sold with. */
export default function RefundRulesPage() {
  const rules = useRefundRules();
  const { canEdit } = useSession();
  const [editing, setEditing] = useState<{ row: Rule | null } | null>(null);
  return (
    <>
      <PageHeader title="退改规则" sub="已下的订单沿用下单时的规则" extra={<EditOnly><Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ row: null })}>新建规则</Button></EditOnly>} />
      <QueryError error={rules.error} />
      <Card>
        <Table<Rule>
          rowKey="id"
          loading={rules.loading}
          dataSource={rules.rules}
          pagination={false}
          columns={[
            { title: 'ID', dataIndex: 'id', width: 60 },
            { title: '名称', dataIndex: 'name', width: 180 },
            {
              title: '退票手续费',
              render: (_, r) =>
                [...r.tiers].sort((a, b) => b.minHoursBefore - a.minHoursBefore).map((t) => <Tag key={t.minHoursBefore}>≥{t.minHoursBefore}小时 {t.feePercent}%</Tag>),
            },
            { title: '改签', width: 150, render: (_, r) => (r.changeAllowed ? `出发前 ${r.changeMinHoursBefore} 小时前可改` : '不可改签') },
            { title: '旅客说明', dataIndex: 'summaryZh', ellipsis: true },
            ...(canEdit ? [{ title: '操作', width: 70, render: (_: unknown, r: Rule) => <Button type="link" size="small" onClick={() => setEditing({ row: r })}>编辑</Button> }] : []),
          ]}
        />
      </Card>
      <RefundRuleForm
        rule={editing?.row ?? null}
        open={!!editing}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          void rules.refetch();
        }}
      />
    </>
  );
}
