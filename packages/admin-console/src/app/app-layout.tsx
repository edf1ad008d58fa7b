import { Suspense } from 'react';
import { Link, Navigate, Outlet, useLocation } from 'react-router';
import { Button, Layout, Menu, Space, Spin, Tag, Typography } from 'antd';
import { ApiOutlined, LogoutOutlined } from '@ant-design/icons';
import type { MenuProps } from 'antd';
import { MENU_GROUPS, ROUTES } from './route-table';
import { PLAYGROUND_URL } from './config';
import { sessionStore, useSession } from './session';
import { label } from './format';
import { lastQuery } from './saved-views';

const { Header, Sider, Content } = Layout;

/**
 * The menu, built from the route table, grouped. A list page's entry goes back to its last filters
 * (remembered per admin by its saved-views bar), so coming back keeps them.
 */
function menuItems(user: string): MenuProps['items'] {
  return (Object.keys(MENU_GROUPS) as (keyof typeof MENU_GROUPS)[]).map((g) => ({
    type: 'group' as const,
    key: g,
    label: MENU_GROUPS[g],
    children: ROUTES.filter((r) => r.group === g).map((r) => ({ key: r.path, icon: r.icon, label: <Link to={{ pathname: `/${r.path}`, search: lastQuery(user, r.path) ? `?${lastQuery(user, r.path)}` : '' }}>{r.label}</Link> })),
  }));
}

/** The frame of every signed-in page: side menu, header with the account and the playground link. */
export function AppLayout() {
  const { session } = useSession();
  const location = useLocation();
  if (!session) {
    // After an expired session, come back here once logged in again; after a logout, start afresh.
    const next = sessionStore.endedBy() === 'logout' ? '' : `?next=${encodeURIComponent(location.pathname + location.search)}`;
    return <Navigate to={`/login${next}`} replace />;
  }
  const current = location.pathname.split('/')[1] ?? '';
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Sider width={212} theme="light" className="app-sider">
        <div className="app-brand">DeepTravel 运营后台</div>
        <Menu mode="inline" selectedKeys={[current]} items={menuItems(session.username)} style={{ borderInlineEnd: 0 }} />
      </Sider>
      <Layout>
        <Header className="app-header">
          <Space size="middle">
            <a href={PLAYGROUND_URL} target="_blank" rel="noreferrer" data-testid="playground-link">
              <ApiOutlined /> GraphQL 调试台
            </a>
            <Typography.Text>{session.username}</Typography.Text>
            <Tag color={session.role === 'ADMIN' ? 'blue' : 'default'} data-testid="role-tag">{label('role', session.role)}</Tag>
            <Button
              icon={<LogoutOutlined />}
              onClick={() => sessionStore.clear('logout')}
            >
              退出
            </Button>
          </Space>
        </Header>
        <Content className="app-content">
          <Suspense fallback={<Spin style={{ display: 'block', margin: '80px auto' }} />}>
            <Outlet />
          </Suspense>
        </Content>
      </Layout>
    </Layout>
  );
}
