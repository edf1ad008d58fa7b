import { useState } from 'react';
import { Link } from 'react-router';
import { Button, Card, Table, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { AdminRoutesQuery } from '@deeptravel/client';
import { EditOnly, PageHeader, QueryError } from '../../app/common';
import { label } from '../../app/format';
import { useSession } from '../../app/session';
import { usePlaces } from '../../cities/queries';
import { useMerchants } from '../../merchants/queries';
import { RouteForm } from '../components/route-form';
import { useRoutes } from '../queries';

type Route = AdminRoutesQuery['adminRoutes'][number];

/** Routes (bus and ferry lines between two stations). */
export default function RoutesPage() {
  const places = usePlaces();
  const merchants = useMerchants();
  const routes = useRoutes(places.stationLabel);
  const { canEdit } = useSession();
  const [editing, setEditing] = useState<{ row: Route | null } | null>(null);
  return (
    <>
      <PageHeader
        title="线路"
        sub="新线路需要一个班次票产品（产品与票价）才能售卖"
        extra={<EditOnly><Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ row: null })} data-testid="new-route">新建线路</Button></EditOnly>}
      />
      <QueryError error={routes.error} />
      <Card>
        <Table<Route>
          rowKey="id"
          loading={routes.loading}
          dataSource={routes.routes}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          columns={[
            { title: '代码', dataIndex: 'code', width: 140 },
            { title: '方式', dataIndex: 'mode', width: 80, render: (m: string) => <Tag color={m === 'FERRY' ? 'blue' : 'green'}>{label('mode', m)}</Tag> },
            { title: '出发站', render: (_, r) => places.stationLabel(r.originId) },
            { title: '到达站', render: (_, r) => places.stationLabel(r.destinationId) },
            { title: '承运商户', render: (_, r) => merchants.name(r.operatorId) },
            { title: '时长', dataIndex: 'durationMinutes', width: 90, render: (m: number) => `${m} 分钟` },
            { title: '状态', dataIndex: 'enabled', width: 80, render: (e: boolean) => (e ? <Tag color="success">启用</Tag> : <Tag>停用</Tag>) },
            {
              title: '操作',
              width: 150,
              render: (_, r) => (
                <>
                  <Link to={`/trips?routeId=${r.id}`}>班次</Link>
                  {canEdit ? <Button type="link" size="small" onClick={() => setEditing({ row: r })}>编辑</Button> : null}
                </>
              ),
            },
          ]}
        />
      </Card>
      <RouteForm
        route={editing?.row ?? null}
        open={!!editing}
        stationOptions={places.stationOptions}
        merchantOptions={merchants.options}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          void routes.refetch();
        }}
      />
    </>
  );
}
