import { Card, Form, Input, Select, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useQuery } from '../../app/api';
import { PageHeader, QueryError } from '../../app/common';
import { hkTime, label, LABELS } from '../../app/format';
import { orUndef, useUrlFilters } from '../../app/url-state';
import { AuditDiff, auditDiff } from '../components/audit-diff';
import { AdminAuditLogDocument, type AdminAuditLogQuery } from '../queries';

type Entry = AdminAuditLogQuery['adminAuditLog']['items'][number];
const FILTERS = ['entityType', 'entityId', 'actor'] as const;

/** Every admin change, newest first: who, what, and the before/after diff. */
export default function AuditPage() {
  const { filters, setFilters, paging, setPaging, limit, offset } = useUrlFilters(FILTERS);
  const q = useQuery(AdminAuditLogDocument, { entityType: orUndef(filters.entityType), entityId: orUndef(filters.entityId), actor: orUndef(filters.actor), limit, offset });
  const [onlyChanged, setOnlyChanged] = useState(true);
  return (
    <>
      <PageHeader title="操作日志" sub="每次后台修改：谁、何时、改了什么" />
      <Card>
        <Form layout="inline" className="filters">
          <Form.Item label="对象">
            <Select
              allowClear
              placeholder="全部"
              style={{ width: 150 }}
              options={Object.entries(LABELS.entityType).map(([value, l]) => ({ value, label: l }))}
              value={filters.entityType || undefined}
              onChange={(v) => setFilters({ entityType: v })}
            />
          </Form.Item>
          <Form.Item label="对象 ID">
            <Input.Search key={`id-${filters.entityId}`} allowClear defaultValue={filters.entityId} onSearch={(v) => setFilters({ entityId: v.trim() })} style={{ width: 140 }} />
          </Form.Item>
          <Form.Item label="操作人">
            <Input.Search key={`actor-${filters.actor}`} allowClear defaultValue={filters.actor} onSearch={(v) => setFilters({ actor: v.trim() })} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item label="只看变化的字段">
            <Switch checked={onlyChanged} onChange={setOnlyChanged} />
          </Form.Item>
        </Form>
        <QueryError error={q.error} />
        <Table<Entry>
          rowKey="id"
          tableLayout="fixed"
          loading={q.loading}
          dataSource={q.data?.adminAuditLog.items ?? []}
          pagination={{ current: paging.page, pageSize: paging.pageSize, total: q.data?.adminAuditLog.total ?? 0, onChange: setPaging, showSizeChanger: true, showTotal: (t) => `共 ${t} 条` }}
          expandable={{ expandedRowRender: (e) => <AuditDiff before={e.before} after={e.after} onlyChanged={onlyChanged} />, expandRowByClick: true }}
          columns={[
            { title: '时间', dataIndex: 'at', width: 180, render: (v: string) => hkTime(v, true) },
            { title: '操作人', dataIndex: 'actor', width: 110 },
            { title: '动作', dataIndex: 'action', width: 110, render: (a: string) => <Tag color="blue">{label('auditAction', a)}</Tag> },
            { title: '对象', width: 160, render: (_, e) => `${label('entityType', e.entityType)}${e.entityId ? ` #${e.entityId}` : ''}` },
            {
              title: '变化',
              ellipsis: true,
              render: (_, e) => {
                const changed = auditDiff(e.before, e.after).filter((r) => r.changed);
                return <Typography.Text type="secondary">{changed.map((r) => r.key).join('、') || '—'}</Typography.Text>;
              },
            },
          ]}
        />
      </Card>
    </>
  );
}
