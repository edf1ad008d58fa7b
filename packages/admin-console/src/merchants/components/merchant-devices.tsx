import { useState } from 'react';
import { Alert, Button, Form, Input, Modal, Select, Space, Switch, Table, Tabs, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { AdminMerchantDevicesQuery } from '@deeptravel/client';
import { useMutation, useQuery } from '../../app/api';
import { showApiError } from '../../app/api-errors';
import { EditOnly } from '../../app/common';
import { hkTime, label, options } from '../../app/format';
import { useSession } from '../../app/session';
import {
  AdminCreateEnrolmentCodeDocument, AdminCreateStaffDocument, AdminMerchantDevicesDocument, AdminRegisterTerminalDocument, AdminSetStaffEnabledDocument, AdminSetTerminalEnabledDocument,
} from '../queries';
import { enrolmentPayload, qrDataUrl } from './terminal-enrolment';

type Terminal = AdminMerchantDevicesQuery['adminTerminals'][number];
type Staff = AdminMerchantDevicesQuery['adminStaff'][number];

/** A merchant's terminals and staff: register a terminal (its key shown once, with an enrolment QR), add staff, enable or disable. */
export function MerchantDevices({ merchantId }: { merchantId: string }) {
  const { canEdit } = useSession();
  const q = useQuery(AdminMerchantDevicesDocument, { merchantId });
  const [registerTerminal, { loading: registering }] = useMutation(AdminRegisterTerminalDocument);
  const [createStaff, { loading: creating }] = useMutation(AdminCreateStaffDocument);
  const [setTerminal] = useMutation(AdminSetTerminalEnabledDocument);
  const [setStaff] = useMutation(AdminSetStaffEnabledDocument);
  const [createEnrolment] = useMutation(AdminCreateEnrolmentCodeDocument);
  const [enrolment, setEnrolment] = useState<{ terminalCode: string; code: string; qrPayload: string; expiresAt: string } | null>(null);
  const [terminalOpen, setTerminalOpen] = useState(false);
  const [staffOpen, setStaffOpen] = useState(false);
  const [issued, setIssued] = useState<{ code: string; key: string } | null>(null);
  const [tForm] = Form.useForm();
  const [sForm] = Form.useForm();

  const toggle = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (err) {
      showApiError(err);
    }
    await q.refetch();
  };

  const submitTerminal = async () => {
    const v = await tForm.validateFields();
    try {
      const r = await registerTerminal({ merchantId, code: v.code.trim(), name: v.name });
      setTerminalOpen(false);
      tForm.resetFields();
      setIssued({ code: r.adminRegisterTerminal.code, key: r.adminRegisterTerminal.key });
      await q.refetch();
    } catch (err) {
      showApiError(err, tForm);
    }
  };
  const submitStaff = async () => {
    const v = await sForm.validateFields();
    try {
      await createStaff({ merchantId, username: v.username.trim(), displayName: v.displayName, role: v.role, password: v.password });
      setStaffOpen(false);
      sForm.resetFields();
      await q.refetch();
    } catch (err) {
      showApiError(err, sForm);
    }
  };

  return (
    <>
      <Tabs
        items={[
          {
            key: 'terminals',
            label: `核销终端（${q.data?.adminTerminals.length ?? 0}）`,
            children: (
              <>
                <EditOnly><Button icon={<PlusOutlined />} onClick={() => setTerminalOpen(true)} style={{ marginBottom: 12 }}>登记终端</Button></EditOnly>
                <Table<Terminal>
                  rowKey="id"
                  size="small"
                  loading={q.loading}
                  dataSource={q.data?.adminTerminals ?? []}
                  pagination={false}
                  columns={[
                    { title: '终端代码', dataIndex: 'code' },
                    { title: '名称', dataIndex: 'name' },
                    {
                      title: '启用',
                      dataIndex: 'enabled',
                      render: (e: boolean, t) => (canEdit ? <Switch checked={e} onChange={(v) => void toggle(() => setTerminal({ id: t.id, enabled: v }))} /> : e ? <Tag color="success">启用</Tag> : <Tag>停用</Tag>),
                    },
                    ...(canEdit
                      ? [
                          {
                            title: '商户 App 激活',
                            render: (_: unknown, t: Terminal) => (
                              <Button
                                size="small"
                                disabled={!t.enabled}
                                onClick={async () => {
                                  try {
                                    setEnrolment((await createEnrolment({ terminalId: t.id })).adminCreateEnrolmentCode);
                                  } catch (err) {
                                    showApiError(err);
                                  }
                                }}
                              >
                                激活码
                              </Button>
                            ),
                          },
                        ]
                      : []),
                  ]}
                />
              </>
            ),
          },
          {
            key: 'staff',
            label: `员工（${q.data?.adminStaff.length ?? 0}）`,
            children: (
              <>
                <EditOnly><Button icon={<PlusOutlined />} onClick={() => setStaffOpen(true)} style={{ marginBottom: 12 }}>添加员工</Button></EditOnly>
                <Table<Staff>
                  rowKey="id"
                  size="small"
                  loading={q.loading}
                  dataSource={q.data?.adminStaff ?? []}
                  pagination={false}
                  columns={[
                    { title: '用户名', dataIndex: 'username' },
                    { title: '姓名', dataIndex: 'displayName' },
                    { title: '角色', dataIndex: 'role', render: (r: string) => <Tag color={r === 'MANAGER' ? 'gold' : 'default'}>{label('staffRole', r)}</Tag> },
                    { title: '最近登录', dataIndex: 'lastLoginAt', render: (v: string | null) => hkTime(v) },
                    {
                      title: '启用',
                      dataIndex: 'enabled',
                      render: (e: boolean, s) => (canEdit ? <Switch checked={e} onChange={(v) => void toggle(() => setStaff({ id: s.id, enabled: v }))} /> : e ? <Tag color="success">启用</Tag> : <Tag>停用</Tag>),
                    },
                  ]}
                />
              </>
            ),
          },
        ]}
      />
      <Modal title="登记核销终端" open={terminalOpen} onCancel={() => setTerminalOpen(false)} onOk={submitTerminal} confirmLoading={registering} okText="登记" forceRender>
        <Form name="terminal" form={tForm} layout="vertical">
          <Form.Item name="code" label="终端代码" extra="2–40 位字母、数字或 -，例如 PEAK-GATE1" rules={[{ required: true, message: '请填写终端代码' }]}>
            <Input />
          </Form.Item>
          <Form.Item name="name" label="名称" rules={[{ required: true, message: '请填写名称' }]}>
            <Input placeholder="例如 山顶闸口1" />
          </Form.Item>
        </Form>
      </Modal>
      <Modal title="添加员工" open={staffOpen} onCancel={() => setStaffOpen(false)} onOk={submitStaff} confirmLoading={creating} okText="添加" forceRender>
        <Form name="staff" form={sForm} layout="vertical" initialValues={{ role: 'STAFF' }}>
          <Form.Item name="username" label="用户名" rules={[{ required: true, message: '请填写用户名' }]}>
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item name="displayName" label="姓名" rules={[{ required: true, message: '请填写姓名' }]}>
            <Input />
          </Form.Item>
          <Form.Item name="role" label="角色">
            <Select options={options('staffRole')} />
          </Form.Item>
          <Form.Item name="password" label="初始密码" extra="至少 8 位" rules={[{ required: true, message: '请填写初始密码' }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </Form>
      </Modal>
      <Modal title="商户 App 激活码" open={!!enrolment} onCancel={() => setEnrolment(null)} footer={<Button type="primary" onClick={() => setEnrolment(null)}>完成</Button>}>
        {enrolment ? (
          <Space orientation="vertical" style={{ width: '100%' }} data-testid="enrolment-code">
            <Alert type="info" showIcon title={`在商户 App 的“激活终端”中扫码或输入激活码。一次有效，${hkTime(enrolment.expiresAt)} 前使用；激活后设备获得新的终端密钥，旧密钥作废。`} />
            <div style={{ textAlign: 'center' }}>
              <img className="qr-img" src={qrDataUrl(enrolment.qrPayload)} alt="激活二维码" />
            </div>
            <Typography.Text>终端：<Typography.Text code>{enrolment.terminalCode}</Typography.Text></Typography.Text>
            <Typography.Text>激活码：<Typography.Text code copyable style={{ fontSize: 18 }}>{enrolment.code}</Typography.Text></Typography.Text>
          </Space>
        ) : null}
      </Modal>
      <Modal title="终端已登记" open={!!issued} onCancel={() => setIssued(null)} footer={<Button type="primary" onClick={() => setIssued(null)}>我已保存密钥</Button>} mask={{ closable: false }}>
        {issued ? (
          <Space orientation="vertical" style={{ width: '100%' }} data-testid="terminal-key">
            <Alert type="warning" showIcon title="终端密钥只显示这一次，服务器只保存其哈希。请立即配置到设备上；商户 App 也可以用“激活码”激活（会换发新密钥）。" />
            <div style={{ textAlign: 'center' }}>
              <img className="qr-img" src={qrDataUrl(enrolmentPayload(issued.code, issued.key))} alt="终端登记二维码" />
            </div>
            <Typography.Text>终端代码：<Typography.Text code>{issued.code}</Typography.Text></Typography.Text>
            <Typography.Text>终端密钥：<Typography.Text code copyable>{issued.key}</Typography.Text></Typography.Text>
          </Space>
        ) : null}
      </Modal>
    </>
  );
}
