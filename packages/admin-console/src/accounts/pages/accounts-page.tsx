import { useState } from 'react';
import { App, Button, Card, Form, Input, Modal, Select, Space, Table, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { AdminAccountsDocument, AdminCreateAccountDocument, AdminUpdateAccountDocument, type AdminAccountsQuery, type AdminAccountUpdateInput } from '@deeptravel/client';
import { ReasonModal } from '../../app/reason-modal';
import { useSession } from '../../app/session';
import { useMutation, useQuery } from '../../app/api';
import { showApiError } from '../../app/api-errors';
import { EditOnly, PageHeader, QueryError } from '../../app/common';
import { hkTime, label, options } from '../../app/format';

type Account = AdminAccountsQuery['adminAccounts'][number];

/** One pending change of an account, confirmed with a reason. */
interface PendingChange {
  account: Account;
  title: string;
  description: string;
  input: AdminAccountUpdateInput;
}

/** Admin and read-only operator accounts; an ADMIN adds new ones (audited by the server). */
export default function AccountsPage() {
  const { message } = App.useApp();
  const q = useQuery(AdminAccountsDocument, {});
  const [create, { loading }] = useMutation(AdminCreateAccountDocument);
  const [update] = useMutation(AdminUpdateAccountDocument);
  // Your own account cannot be disabled or demoted (the server refuses too): no buttons for it.
  const me = useSession().session?.username;
  const [open, setOpen] = useState(false);
  const [pending, setPending] = useState<PendingChange | null>(null);
  const [resetFor, setResetFor] = useState<Account | null>(null);
  const [resetForm] = Form.useForm<{ password: string }>();
  const [form] = Form.useForm<{ username: string; password: string; role: string }>();
  const submit = async () => {
    const v = await form.validateFields();
    try {
      await create(v);
      message.success(`已创建账号 ${v.username}`);
      setOpen(false);
      form.resetFields();
      void q.refetch();
    } catch (err) {
      showApiError(err, form);
    }
  };
  return (
    <>
      <PageHeader title="后台账号" sub="管理员可修改配置并执行运营操作；只读运营只能查看" extra={<EditOnly><Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)}>新建账号</Button></EditOnly>} />
      <Card>
        <QueryError error={q.error} />
        <Table<Account>
          rowKey="id"
          loading={q.loading}
          dataSource={q.data?.adminAccounts ?? []}
          pagination={false}
          columns={[
            { title: '用户名', dataIndex: 'username' },
            { title: '角色', dataIndex: 'role', render: (v: string) => <Tag color={v === 'ADMIN' ? 'blue' : 'default'}>{label('role', v)}</Tag> },
            { title: '状态', dataIndex: 'enabled', render: (v: boolean) => (v ? <Tag color="green">启用</Tag> : <Tag>停用</Tag>) },
            { title: '创建时间', dataIndex: 'createdAt', render: (v: string) => hkTime(v) },
            {
              title: '操作',
              key: 'actions',
              render: (_: unknown, a: Account) => (
                <EditOnly>
                  <Space wrap>
                    {a.username === me ? null : a.enabled ? (
                      <Button size="small" danger onClick={() => setPending({ account: a, title: `停用账号 ${a.username}`, description: '停用后该账号立即退出登录，无法再登录。', input: { enabled: false } })}>停用</Button>
                    ) : (
                      <Button size="small" onClick={() => setPending({ account: a, title: `启用账号 ${a.username}`, description: '启用后可用原密码登录。', input: { enabled: true } })}>启用</Button>
                    )}
                    {a.username === me ? null : <Button
                      size="small"
                      onClick={() =>
                        setPending({
                          account: a,
                          title: a.role === 'ADMIN' ? `将 ${a.username} 改为只读运营` : `将 ${a.username} 改为管理员`,
                          description: '角色变更后该账号需重新登录。',
                          input: { role: a.role === 'ADMIN' ? 'OPERATOR' : 'ADMIN' },
                        })
                      }
                    >
                      {a.role === 'ADMIN' ? '改为只读' : '改为管理员'}
                    </Button>}
                    <Button size="small" onClick={() => setResetFor(a)}>重置密码</Button>
                  </Space>
                </EditOnly>
              ),
            },
          ]}
        />
      </Card>
      <Modal open={open} title="新建账号" okText="创建" cancelText="取消" confirmLoading={loading} onOk={() => void submit()} onCancel={() => setOpen(false)} destroyOnHidden>
        <Form form={form} layout="vertical" name="account-form" initialValues={{ role: 'OPERATOR' }}>
          <Form.Item name="username" label="用户名" rules={[{ required: true, whitespace: true }]}><Input autoComplete="off" /></Form.Item>
          <Form.Item name="password" label="初始密码" rules={[{ required: true, min: 10, message: '至少 10 位' }]}><Input.Password autoComplete="new-password" /></Form.Item>
          <Form.Item name="role" label="角色"><Select options={options('role')} /></Form.Item>
        </Form>
      </Modal>
      <Modal
        open={resetFor !== null}
        title={`重置 ${resetFor?.username ?? ''} 的密码`}
        okText="下一步"
        cancelText="取消"
        onOk={() =>
          void resetForm.validateFields().then(({ password }) => {
            setPending({ account: resetFor!, title: `重置 ${resetFor!.username} 的密码`, description: '重置后该账号立即退出登录，只能用新密码登录。', input: { password } });
            setResetFor(null);
            resetForm.resetFields();
          })
        }
        onCancel={() => setResetFor(null)}
        destroyOnHidden
      >
        <Form form={resetForm} layout="vertical" name="reset-password-form">
          <Form.Item name="password" label="新密码" rules={[{ required: true, min: 10, message: '至少 10 位' }]}><Input.Password autoComplete="new-password" /></Form.Item>
        </Form>
      </Modal>
      <ReasonModal
        open={pending !== null}
        title={pending?.title ?? ''}
        description={pending?.description}
        onSubmit={(reason) => update({ id: pending!.account.id, input: pending!.input, reason })}
        onClose={(done) => {
          setPending(null);
          if (done) void q.refetch();
        }}
      />
    </>
  );
}
