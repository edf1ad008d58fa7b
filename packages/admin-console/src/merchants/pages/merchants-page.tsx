import { useState } from 'react';
import { Button, Card, Drawer, Space, Table, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { AdminMerchantsQuery } from '@deeptravel/client';
import { runOp } from '../../app/api';
import { BulkEnableBar } from '../../app/bulk-bar';
import { EditOnly, PageHeader, QueryError } from '../../app/common';
import { label } from '../../app/format';
import { useSession } from '../../app/session';
import { useUrlFilters } from '../../app/url-state';
import { MerchantDevices } from '../components/merchant-devices';
import { MerchantForm } from '../components/merchant-form';
import { AdminUpsertMerchantDocument, useMerchants } from '../queries';

type Merchant = AdminMerchantsQuery['adminMerchants'][number];
const FILTERS = ['m'] as const;

/** Merchants, and per merchant its terminals and staff (the open merchant is in the URL). */
export default function MerchantsPage() {
  const merchants = useMerchants();
  const { canEdit } = useSession();
  const { filters, setFilters } = useUrlFilters(FILTERS);
  const [editing, setEditing] = useState<{ row: Merchant | null } | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const open = filters.m ? merchants.byId.get(filters.m) : undefined;
  return (
    <>
      <PageHeader title="商户 · 终端 · 员工" sub="商户员工在登记过的终端上登录核销" extra={<EditOnly><Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ row: null })}>新建商户</Button></EditOnly>} />
      <QueryError error={merchants.error} />
      <Card>
        {canEdit ? (
          <Space style={{ marginBottom: 12 }}>
            <BulkEnableBar
              selected={merchants.merchants.filter((m) => selected.includes(m.id))}
              noun="商户"
              on="启用"
              off="停用"
              offWarning="其员工将不能再核销。"
              apply={(m, enabled) => runOp(AdminUpsertMerchantDocument, { id: m.id, code: m.code, name: m.name, kind: m.kind, enabled })}
              onDone={() => { setSelected([]); void merchants.refetch(); }}
              testId="merchants-bulk"
            />
          </Space>
        ) : null}
        <Table<Merchant>
          rowKey="id"
          loading={merchants.loading}
          dataSource={merchants.merchants}
          pagination={false}
          rowSelection={canEdit ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]) } : undefined}
          columns={[
            { title: 'ID', dataIndex: 'id', width: 60 },
            { title: '代码', dataIndex: 'code', width: 140 },
            { title: '名称', dataIndex: 'name' },
            { title: '类型', dataIndex: 'kind', width: 110, render: (k: string) => label('merchantKind', k) },
            { title: '状态', dataIndex: 'enabled', width: 80, render: (e: boolean) => (e ? <Tag color="success">启用</Tag> : <Tag>停用</Tag>) },
            {
              title: '操作',
              width: 170,
              render: (_, m) => (
                <>
                  <Button type="link" size="small" onClick={() => setFilters({ m: m.id })}>终端与员工</Button>
                  {canEdit ? <Button type="link" size="small" onClick={() => setEditing({ row: m })}>编辑</Button> : null}
                </>
              ),
            },
          ]}
        />
      </Card>
      <Drawer title={open ? `${open.name}：终端与员工` : ''} open={!!open} onClose={() => setFilters({ m: null })} size={720} destroyOnHidden>
        {open ? <MerchantDevices merchantId={open.id} /> : null}
      </Drawer>
      <MerchantForm
        merchant={editing?.row ?? null}
        open={!!editing}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          void merchants.refetch();
        }}
      />
    </>
  );
}
