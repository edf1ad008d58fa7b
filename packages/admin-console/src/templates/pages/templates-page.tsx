import { useState } from 'react';
import { Button, Card, Table, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { AdminPackageTemplatesQuery } from '@deeptravel/client';
import { EditOnly, PageHeader, QueryError } from '../../app/common';
import { label } from '../../app/format';
import { useSession } from '../../app/session';
import { useMerchants } from '../../merchants/queries';
import { TemplateForm } from '../components/template-form';
import { useTemplates } from '../queries';

type Template = AdminPackageTemplatesQuery['adminPackageTemplates'][number];

/** Package templates (套票) and the entitlements each one grants. */
export default function TemplatesPage() {
  const templates = useTemplates();
  const merchants = useMerchants();
  const { canEdit } = useSession();
  const [editing, setEditing] = useState<{ row: Template | null } | null>(null);
  return (
    <>
      <PageHeader title="套票模板" sub="每项权益由一个商户核销；每位乘客一份或全单共享一份" extra={<EditOnly><Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ row: null })}>新建模板</Button></EditOnly>} />
      <QueryError error={templates.error} />
      <Card>
        <Table<Template>
          key={templates.templates.length}
          rowKey="id"
          loading={templates.loading}
          dataSource={templates.templates}
          pagination={false}
          expandable={{
            defaultExpandAllRows: true,
            expandedRowRender: (t) => (
              <Table
                rowKey="id"
                size="small"
                pagination={false}
                dataSource={t.lines}
                columns={[
                  { title: '权益', dataIndex: 'name' },
                  { title: '核销商户', render: (_, l) => merchants.name(l.merchantId) },
                  { title: '范围', dataIndex: 'scope', render: (s: string) => <Tag>{label('scope', s)}</Tag> },
                  { title: '次数', dataIndex: 'uses' },
                ]}
              />
            ),
          }}
          columns={[
            { title: 'ID', dataIndex: 'id', width: 60 },
            { title: '名称', dataIndex: 'name' },
            { title: '有效期', dataIndex: 'validityDays', render: (d: number) => `${d} 天`, width: 90 },
            { title: '权益数', render: (_, t) => t.lines.length, width: 80 },
            { title: '说明', dataIndex: 'description', ellipsis: true },
            ...(canEdit ? [{ title: '操作', width: 70, render: (_: unknown, t: Template) => <Button type="link" size="small" onClick={() => setEditing({ row: t })}>编辑</Button> }] : []),
          ]}
        />
      </Card>
      <TemplateForm
        template={editing?.row ?? null}
        open={!!editing}
        merchantOptions={merchants.options}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          void templates.refetch();
        }}
      />
    </>
  );
}
