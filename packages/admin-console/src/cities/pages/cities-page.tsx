import { useState } from 'react';
import { Button, Card, Col, Row, Table, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { AdminCitiesQuery, AdminStationsQuery } from '@deeptravel/client';
import { EditOnly, PageHeader, QueryError } from '../../app/common';
import { useSession } from '../../app/session';
import { CityForm } from '../components/city-form';
import { StationForm } from '../components/station-form';
import { usePlaces } from '../queries';

type City = AdminCitiesQuery['adminCities'][number];
type Station = AdminStationsQuery['adminStations'][number];

/** Cities travellers search by, and their stations. */
export default function CitiesPage() {
  const places = usePlaces();
  const { canEdit } = useSession();
  const [city, setCity] = useState<{ row: City | null } | null>(null);
  const [station, setStation] = useState<{ row: Station | null } | null>(null);
  const saved = () => {
    setCity(null);
    setStation(null);
    void places.refetch();
  };
  return (
    <>
      <PageHeader title="城市与站点" sub="旅客按城市搜索；线路连接两个站点" />
      <QueryError error={places.error} />
      <Row gutter={16}>
        <Col xs={24} xl={11}>
          <Card title="城市" extra={<EditOnly><Button icon={<PlusOutlined />} onClick={() => setCity({ row: null })}>新建城市</Button></EditOnly>}>
            <Table<City>
              rowKey="id"
              size="small"
              loading={places.loading}
              dataSource={places.cities}
              pagination={false}
              columns={[
                { title: '代码', dataIndex: 'code', width: 70 },
                { title: '名称', render: (_, c) => <>{c.nameZh} <span style={{ color: '#8c8c8c' }}>{c.nameEn}</span></> },
                { title: '拼音', dataIndex: 'pinyin' },
                { title: '热门', dataIndex: 'isHot', width: 60, render: (v: boolean) => (v ? <Tag color="red">热门</Tag> : null) },
                ...(canEdit ? [{ title: '操作', width: 70, render: (_: unknown, c: City) => <Button type="link" size="small" onClick={() => setCity({ row: c })}>编辑</Button> }] : []),
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={13}>
          <Card title="站点" extra={<EditOnly><Button icon={<PlusOutlined />} onClick={() => setStation({ row: null })}>新建站点</Button></EditOnly>}>
            <Table<Station>
              rowKey="id"
              size="small"
              loading={places.loading}
              dataSource={places.stations}
              pagination={{ pageSize: 15, hideOnSinglePage: true }}
              columns={[
                { title: '代码', dataIndex: 'code', width: 110 },
                { title: '城市', render: (_, s) => places.cityById.get(s.cityId)?.nameZh ?? s.cityId, width: 80 },
                { title: '名称', render: (_, s) => <>{s.nameZh} <span style={{ color: '#8c8c8c' }}>{s.nameEn}</span></> },
                ...(canEdit ? [{ title: '操作', width: 70, render: (_: unknown, s: Station) => <Button type="link" size="small" onClick={() => setStation({ row: s })}>编辑</Button> }] : []),
              ]}
            />
          </Card>
        </Col>
      </Row>
      <CityForm city={city?.row ?? null} open={!!city} onClose={() => setCity(null)} onSaved={saved} />
      <StationForm station={station?.row ?? null} cityOptions={places.cityOptions} open={!!station} onClose={() => setStation(null)} onSaved={saved} />
    </>
  );
}
