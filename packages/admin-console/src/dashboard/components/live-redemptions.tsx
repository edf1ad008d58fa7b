import { Card, Table, Tag } from 'antd';
import { AdminRecentRedemptionsDocument, type AdminRecentRedemptionsQuery } from '@deeptravel/client';
import { useQuery } from '../../app/api';
import { hkTime } from '../../app/format';

type Row = AdminRecentRedemptionsQuery['adminRecentRedemptions'][number];
/** How often the live list is re-read. */
export const LIVE_REDEMPTIONS_POLL_MS = 5_000;

/** The latest redemptions at every merchant, newest first, re-read every 5 s. */
export function LiveRedemptions() {
  const q = useQuery(AdminRecentRedemptionsDocument, { limit: 10 }, { pollMs: LIVE_REDEMPTIONS_POLL_MS });
  return (
    <Card size="small" title="实时核销" extra={<Tag color="green">每 5 秒刷新</Tag>}>
      <Table<Row>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={q.data?.adminRecentRedemptions ?? []}
        locale={{ emptyText: '暂无核销' }}
        data-testid="live-redemptions"
        columns={[
          { title: '时间', dataIndex: 'at', width: 160, render: (v: string) => hkTime(v, true) },
          { title: '商户', dataIndex: 'merchantName' },
          { title: '终端', dataIndex: 'terminalCode' },
          { title: '权益', dataIndex: 'lineName' },
          { title: '票号', dataIndex: 'ticketCode' },
          { title: '', dataIndex: 'offline', width: 60, render: (v: boolean) => (v ? <Tag color="purple">离线</Tag> : null) },
        ]}
      />
    </Card>
  );
}
