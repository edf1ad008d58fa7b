import { App, Button, Card, Form, Input, Select, Switch, Table, Tag, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useState } from 'react';
import { runOp, useQuery } from '../../app/api';
import { errorText } from '../../app/api-errors';
import { downloadText, fetchAllPages, toCsv, type CsvColumn } from '../../app/csv';
import { SavedViewsBar } from '../../app/saved-views-bar';
import { PageHeader, QueryError } from '../../app/common';
import { hkTime, label, LABELS } from '../../app/format';
import { orUndef, useUrlFilters } from '../../app/url-state';
import { AuditDiff, auditDiff } from '../components/audit-diff';
import { AdminAuditLogDocument, type AdminAuditLogQuery } from '../queries';

type Entry = AdminAuditLogQuery['adminAuditLog']['items'][number];
const FILTERS = ['entityType', 'entityId', 'actor'] as const;

/** The CSV columns of an audit export (before and after as JSON). */
const AUDIT_CSV: CsvColumn<Entry>[] = [
  { title: '时间', value: (e) => hkTime(e.at, true) },
  { title: '操作人', value: (e) => e.actor },
  { title: '动作', value: (e) => label('auditAction', e.action) },
  { title: '对象', value: (e) => label('entityType', e.entityType) },
  { title: '对象 ID', value: (e) => e.entityId },
  { title: '修改前', value: (e) => JSON.stringify(e.before ?? null) },
  { title: '修改后', value: (e) => JSON.stringify(e.after ?? null) },
];

/** Every admin change, newest first: who, what, and the before/after diff. */
export default function AuditPage() {
  const { filters, setFilters, paging, setPaging, limit, offset } = useUrlFilters(FILTERS);
  const filter = { entityType: orUndef(filters.entityType), entityId: orUndef(filters.entityId), actor: orUndef(filters.actor) };
  const q = useQuery(AdminAuditLogDocument, { ...filter, limit, offset });
  const [onlyChanged, setOnlyChanged] = useState(true);
  const { message } = App.useApp();
  const [exporting, setExporting] = useState(false);
  const total = q.data?.adminAuditLog.total ?? 0;
  const exportCsv = async () => {
    setExporting(true);
    try {
      const all = await fetchAllPages((l, o) => runOp(AdminAuditLogDocument, { ...filter, limit: l, offset: o }).then((r) => r.adminAuditLog));
      downloadText(`audit-${dayjs().format('YYYYMMDD-HHmmss')}.csv`, toCsv(AUDIT_CSV, all.items));
      message.success(all.truncated ? `已导出前 ${all.items.length} 条（共 ${all.total} 条）` : `已导出 ${all.items.length} 条`);
    } catch (err) {
      message.error(errorText(err));
    } finally {
      setExporting(false);
    }
  };
  return (
    <>
      <PageHeader
        title="操作日志"
        sub="每次后台修改：谁、何时、改了什么"
        extra={<Button icon={<DownloadOutlined />} loading={exporting} disabled={!total} onClick={() => void exportCsv()} data-testid="audit-export">导出 CSV（{total} 条）</Button>}
      />
      <Card>
        <SavedViewsBar page="audit" />
        <Form layout="inline" className="filters" style={{ marginTop: 12 }}>
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
          pagination={{ current: paging.page, pageSize: paging.pageSize, total, onChange: setPaging, showSizeChanger: true, showTotal: (t) => `共 ${t} 条` }}
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
