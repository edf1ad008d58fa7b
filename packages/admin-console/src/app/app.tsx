import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { createHashRouter, Navigate, RouterProvider } from 'react-router';
import { AppLayout } from './app-layout';
import { DEFAULT_PATH, ROUTES } from './route-table';
import LoginPage from '../login/pages/login-page';

dayjs.locale('zh-cn');

/** Hash URLs: the built console is a static folder that any web server (or CDN) can serve. */
const router = createHashRouter([
  { path: '/login', element: <LoginPage /> },
  {
    path: '/',
    element: <AppLayout />,
    children: [
      { index: true, element: <Navigate to={`/${DEFAULT_PATH}`} replace /> },
      ...ROUTES.map((r) => ({ path: `${r.path}/*`, element: <r.component /> })),
      { path: '*', element: <Navigate to={`/${DEFAULT_PATH}`} replace /> },
    ],
  },
]);

export function App() {
  return (
    <ConfigProvider locale={zhCN} theme={{ token: { colorPrimary: '#0b6bcb', borderRadius: 6 } }}>
      <AntApp>
        <RouterProvider router={router} />
      </AntApp>
    </ConfigProvider>
  );
}
