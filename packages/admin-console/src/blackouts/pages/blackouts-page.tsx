import { useState } from 'react';
import { Button, Card, Form, Input, List, Modal, Popconfirm, Select, Space, Tag, Typography, message } from 'antd';
import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { AdminProductsDocument } from '@deeptravel/client';
import { useMutation, useQuery } from '../../app/api';
import { showApiError } from '../../app/api-errors';
import { PageHeader, QueryError } from '../../app/common';
import { hkToday } from '../../app/format';
import { useSession } from '../../app/session';
import { useUrlFilters } from '../../app/url-state';
import { YearView } from '../components/year-view';
import { AdminAddBlackoutDateDocument, AdminBlackoutDatesDocument, AdminRemoveBlackoutDateDocument } from '../queries';

const FILTERS = ['year'] as const;

/** Blackout dates (禁售日) over a year: click a day to see, add or remove them. */
export default function BlackoutsPage() {
  const today = hkToday();
  const { filters, setFilters } = useUrlFilters(FILTERS);
  const year = Number(filters.year) || Number(today.slice(0, 4));
  const { canEdit } = useSession();
  const q = useQuery(AdminBlackoutDatesDocument, { year });
  const products = useQuery(AdminProductsDocument, {});
  const productName = (id: string | null) => (id ? products.data?.adminProducts.find((p) => p.id === id)?.name ?? `产品 #${id}` : '全部产品');
  const [day, setDay] = useState<string | null>(null);
  const [form] = Form.useForm();
  const [add, { loading: adding }] = useMutation(AdminAddBlackoutDateDocument);
  const [remove] = useMutation(AdminRemoveBlackoutDateDocument);
  const list = q.data?.adminBlackoutDates ?? [];
  const onDay = list.filter((b) => b.date === day);

  const submit = async (v: { productId?: string; reason?: string }) => {
    try {
      await add({ date: day!, productId: v.productId ?? null, reason: v.reason || null });
      void message.success('已添加禁售日');
      form.resetFields();
      await q.refetch();
    } catch (err) {
      showApiError(err, form);
    }
  };

  return (
    <>
      <PageHeader
        title="禁售日"
        sub="禁售日当天不能购买（全部产品或指定产品）"
        extra={
          <Space>
            <Button icon={<LeftOutlined />} onClick={() => setFilters({ year: String(year - 1) })} aria-label="上一年" />
            <Typography.Text strong style={{ fontSize: 16 }}>{year} 年</Typography.Text>
            <Button icon={<RightOutlined />} onClick={() => setFilters({ year: String(year + 1) })} aria-label="下一年" />
          </Space>
        }
      />
      <QueryError error={q.error} />
      <Card>
        <Space style={{ marginBottom: 12 }}>
          <Tag color="#ff4d4f">全部产品禁售</Tag>
          <Tag color="#ffa940">部分产品禁售</Tag>
          <Typography.Text type="secondary">本年共 {list.length} 条</Typography.Text>
        </Space>
        <YearView year={year} blackouts={list} today={today} onPick={setDay} />
      </Card>
      <Modal title={day ? `${day} 禁售设置` : ''} open={!!day} onCancel={() => setDay(null)} footer={null} destroyOnHidden>
        <List
          size="small"
          locale={{ emptyText: '这一天没有禁售' }}
          dataSource={onDay}
          renderItem={(b) => (
            <List.Item
              actions={
                canEdit
                  ? [
                      <Popconfirm key="rm" title="删除这条禁售？" onConfirm={async () => {
                        try {
                          await remove({ id: b.id });
                          await q.refetch();
                        } catch (err) {
                          showApiError(err);
                        }
                      }}>
                        <Button type="link" danger size="small">删除</Button>
                      </Popconfirm>,
                    ]
                  : []
              }
            >
              <Space><Tag color={b.productId ? 'orange' : 'red'}>{productName(b.productId ?? null)}</Tag>{b.reason ?? ''}</Space>
            </List.Item>
          )}
        />
        {canEdit ? (
          <Form name="blackout" form={form} layout="vertical" onFinish={submit} style={{ marginTop: 16 }}>
            <Form.Item name="productId" label="产品（空 = 全部产品）">
              <Select allowClear options={(products.data?.adminProducts ?? []).map((p) => ({ value: p.id, label: p.name }))} showSearch optionFilterProp="label" />
            </Form.Item>
            <Form.Item name="reason" label="原因">
              <Input placeholder="例如 台风停航" />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={adding}>添加禁售</Button>
          </Form>
        ) : null}
      </Modal>
    </>
  );
}
