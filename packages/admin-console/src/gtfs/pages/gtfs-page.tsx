import { useState } from 'react';
import { Alert, Button, Card, Col, DatePicker, Descriptions, Form, InputNumber, Row, Select, Steps, Table, Typography, Upload, message } from 'antd';
import { InboxOutlined } from '@ant-design/icons';
import type { UploadFile } from 'antd';
import { useMutation } from '../../app/api';
import { showApiError } from '../../app/api-errors';
import { PageHeader } from '../../app/common';
import { useSession } from '../../app/session';
import { useMerchants } from '../../merchants/queries';
import { gtfsMessageZh, readFeedFiles } from '../components/gtfs-messages';
import { AdminImportGtfsDocument, type AdminImportGtfsMutation } from '../queries';

type Report = AdminImportGtfsMutation['adminImportGtfs'];
type Problem = Report['errors'][number];

/** GTFS import: upload text files or a zip, read the report (nothing written), then confirm. */
export default function GtfsPage() {
  const merchants = useMerchants();
  const { canEdit } = useSession();
  const [form] = Form.useForm();
  const [fileList, setFileList] = useState<UploadFile[]>([]);
  const [report, setReport] = useState<Report | null>(null);
  const [run, { loading }] = useMutation(AdminImportGtfsDocument);

  const send = async (confirm: boolean) => {
    const v = await form.validateFields();
    const files = fileList.map((f) => f.originFileObj as File).filter(Boolean);
    if (!files.length) {
      void message.warning('请先选择 GTFS 文件或 zip');
      return;
    }
    try {
      const feed = await readFeedFiles(files);
      const r = await run({
        input: { ...feed, operatorMerchantId: v.operatorMerchantId, fromDate: v.range?.[0]?.format('YYYY-MM-DD'), toDate: v.range?.[1]?.format('YYYY-MM-DD'), capacity: v.capacity ?? undefined, confirm },
      });
      setReport(r.adminImportGtfs);
      if (confirm && r.adminImportGtfs.applied) void message.success('已导入');
    } catch (err) {
      showApiError(err, form);
    }
  };

  const problems = (list: Problem[], kind: string) =>
    list.length ? (
      <Table<Problem>
        size="small"
        rowKey={(p, i) => `${kind}${i}`}
        pagination={false}
        dataSource={list}
        columns={[
          { title: '文件', dataIndex: 'file', width: 160 },
          { title: '行', dataIndex: 'line', width: 60, render: (l: number | null) => l ?? '—' },
          { title: '说明', dataIndex: 'message', render: (m: string) => gtfsMessageZh(m) },
        ]}
        style={{ marginBottom: 16 }}
      />
    ) : null;

  const step = !report ? 0 : report.applied ? 2 : 1;
  return (
    <>
      <PageHeader title="GTFS 导入" sub="站点需与我们的站点代码（stop_id）一致；每个 GTFS 班次成为首站到末站的一个班次" />
      <Steps current={step} style={{ marginBottom: 16 }} items={[{ title: '上传' }, { title: '查看报告' }, { title: '确认导入' }]} />
      <Row gutter={16}>
        <Col xs={24} xl={10}>
          <Card title="上传">
            <Form name="gtfs" form={form} layout="vertical" disabled={!canEdit} onValuesChange={() => setReport(null)}>
              <Form.Item name="operatorMerchantId" label="承运商户" rules={[{ required: true, message: '请选择承运商户' }]}>
                <Select options={merchants.options} showSearch optionFilterProp="label" />
              </Form.Item>
              <Form.Item name="range" label="导入日期范围（默认今天起 30 天）">
                <DatePicker.RangePicker style={{ width: '100%' }} />
              </Form.Item>
              <Form.Item name="capacity" label="每班座位数（默认 100）">
                <InputNumber min={1} max={5000} />
              </Form.Item>
              <Upload.Dragger
                multiple
                accept=".txt,.zip"
                fileList={fileList}
                beforeUpload={() => false}
                onChange={({ fileList: next }) => {
                  setFileList(next);
                  setReport(null);
                }}
              >
                <p className="ant-upload-drag-icon"><InboxOutlined /></p>
                <p>点击或拖入 GTFS 文件（stops.txt、routes.txt、trips.txt、stop_times.txt、calendar.txt …）或一个 zip</p>
              </Upload.Dragger>
            </Form>
            {canEdit ? (
              <div style={{ marginTop: 16, display: 'flex', gap: 8 }}>
                <Button onClick={() => void send(false)} loading={loading && step === 0}>预检（不写入）</Button>
                <Button type="primary" disabled={!report || !report.ok || report.applied} onClick={() => void send(true)} loading={loading && step === 1}>确认导入</Button>
              </div>
            ) : (
              <Alert type="info" showIcon title="只读账号不能导入" style={{ marginTop: 16 }} />
            )}
          </Card>
        </Col>
        <Col xs={24} xl={14}>
          <Card title="报告">
            {!report ? (
              <Alert type="info" showIcon title="上传后先预检：报告列出错误（含文件和行号）、警告和将要新建的内容，确认后才写入。" />
            ) : (
              <>
                <Alert
                  type={report.applied ? 'success' : report.ok ? 'info' : 'error'}
                  showIcon
                  title={report.applied ? '已导入' : report.ok ? '预检通过：确认后导入' : `有 ${report.errors.length} 个错误，未导入任何内容`}
                  style={{ marginBottom: 16 }}
                />
                <Descriptions size="small" column={3} bordered style={{ marginBottom: 16 }}>
                  <Descriptions.Item label="新线路">{report.routesCreated}</Descriptions.Item>
                  <Descriptions.Item label="已有线路">{report.routesExisting}</Descriptions.Item>
                  <Descriptions.Item label="新产品">{report.productsCreated}</Descriptions.Item>
                  <Descriptions.Item label="新班次">{report.tripsCreated}</Descriptions.Item>
                  <Descriptions.Item label="已有班次">{report.tripsExisting}</Descriptions.Item>
                </Descriptions>
                {report.errors.length ? <Typography.Title level={5}>错误（{report.errors.length}）</Typography.Title> : null}
                {problems(report.errors, 'e')}
                {report.warnings.length ? <Typography.Title level={5}>提示（{report.warnings.length}）</Typography.Title> : null}
                {problems(report.warnings, 'w')}
              </>
            )}
          </Card>
        </Col>
      </Row>
    </>
  );
}
