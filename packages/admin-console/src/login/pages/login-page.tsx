import { useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { AdminLoginDocument, ClientError, errorMessage } from '@deeptravel/client';
import { runOp } from '../../app/api';
import { errorText } from '../../app/api-errors';
import { sessionStore, useSession } from '../../app/session';
import { PLAYGROUND_URL } from '../../app/config';

/** Sign-in with an admin account (`adminLogin`); the role comes from the answer. */
export default function LoginPage() {
  const { session } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const next = params.get('next') || '/dashboard';
  if (session) return <Navigate to={next} replace />;

  const submit = async (v: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      const { adminLogin } = await runOp(AdminLoginDocument, v);
      sessionStore.set(adminLogin);
      navigate(next, { replace: true });
    } catch (err) {
      // A wrong name or password is answered UNAUTHENTICATED: say it in those words.
      setError(err instanceof ClientError && err.code === 'UNAUTHENTICATED' ? errorMessage('INVALID_CREDENTIALS') : errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-wrap">
      <Card style={{ width: 380 }}>
        <Typography.Title level={3} style={{ textAlign: 'center', marginTop: 0 }}>DeepTravel 运营后台</Typography.Title>
        <Typography.Paragraph type="secondary" style={{ textAlign: 'center' }}>请使用后台账号登录</Typography.Paragraph>
        {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="login-error" /> : null}
        <Form name="login" layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item name="username" label="用户名" rules={[{ required: true, message: '请输入用户名' }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" />
          </Form.Item>
          <Form.Item name="password" label="密码" rules={[{ required: true, message: '请输入密码' }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>登录</Button>
        </Form>
        <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0, textAlign: 'center', fontSize: 12 }}>
          开发者可使用 <a href={PLAYGROUND_URL} target="_blank" rel="noreferrer">GraphQL 调试台</a>
        </Typography.Paragraph>
      </Card>
    </div>
  );
}
