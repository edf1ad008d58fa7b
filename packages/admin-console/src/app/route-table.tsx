import { lazy, type ComponentType, type LazyExoticComponent, type ReactNode } from 'react';
import {
  AppstoreOutlined, AuditOutlined, CarOutlined, DashboardOutlined, EnvironmentOutlined, GiftOutlined, ImportOutlined,
  NodeIndexOutlined, ProfileOutlined, ReconciliationOutlined, RollbackOutlined, SettingOutlined, ShopOutlined, StopOutlined, TagsOutlined, TeamOutlined, WarningOutlined,
} from '@ant-design/icons';

/** One page of the console: its path, its menu entry and its (lazily loaded) component. */
export interface ConsoleRoute {
  path: string;
  label: string;
  icon: ReactNode;
  group: 'overview' | 'catalog' | 'operations' | 'system';
  component: LazyExoticComponent<ComponentType>;
}

export const MENU_GROUPS: Record<ConsoleRoute['group'], string> = {
  overview: '概览',
  catalog: '商品与班次',
  operations: '订单与运营',
  system: '系统',
};

/** The one route table: the router and the side menu are both built from it. */
export const ROUTES: ConsoleRoute[] = [
  { path: 'dashboard', label: '数据看板', icon: <DashboardOutlined />, group: 'overview', component: lazy(() => import('../dashboard/pages/dashboard-page')) },
  { path: 'cities', label: '城市与站点', icon: <EnvironmentOutlined />, group: 'catalog', component: lazy(() => import('../cities/pages/cities-page')) },
  { path: 'routes', label: '线路', icon: <NodeIndexOutlined />, group: 'catalog', component: lazy(() => import('../routes/pages/routes-page')) },
  { path: 'trips', label: '班次', icon: <CarOutlined />, group: 'catalog', component: lazy(() => import('../trips/pages/trips-page')) },
  { path: 'products', label: '产品与票价', icon: <TagsOutlined />, group: 'catalog', component: lazy(() => import('../products/pages/products-page')) },
  { path: 'templates', label: '套票模板', icon: <AppstoreOutlined />, group: 'catalog', component: lazy(() => import('../templates/pages/templates-page')) },
  { path: 'blackouts', label: '禁售日', icon: <StopOutlined />, group: 'catalog', component: lazy(() => import('../blackouts/pages/blackouts-page')) },
  { path: 'refund-rules', label: '退改规则', icon: <RollbackOutlined />, group: 'catalog', component: lazy(() => import('../refund-rules/pages/refund-rules-page')) },
  { path: 'promotions', label: '优惠活动', icon: <GiftOutlined />, group: 'catalog', component: lazy(() => import('../promotions/pages/promotions-page')) },
  { path: 'gtfs', label: 'GTFS 导入', icon: <ImportOutlined />, group: 'catalog', component: lazy(() => import('../gtfs/pages/gtfs-page')) },
  { path: 'orders', label: '订单', icon: <ProfileOutlined />, group: 'operations', component: lazy(() => import('../orders/pages/orders-page')) },
  { path: 'payment-anomalies', label: '支付异常', icon: <WarningOutlined />, group: 'operations', component: lazy(() => import('../payments/pages/payment-anomalies-page')) },
  { path: 'reconciliation', label: '对账差异', icon: <ReconciliationOutlined />, group: 'operations', component: lazy(() => import('../reconciliation/pages/reconciliation-page')) },
  { path: 'merchants', label: '商户·终端·员工', icon: <ShopOutlined />, group: 'operations', component: lazy(() => import('../merchants/pages/merchants-page')) },
  { path: 'audit', label: '操作日志', icon: <AuditOutlined />, group: 'system', component: lazy(() => import('../audit/pages/audit-page')) },
  { path: 'accounts', label: '后台账号', icon: <TeamOutlined />, group: 'system', component: lazy(() => import('../accounts/pages/accounts-page')) },
  { path: 'settings', label: '平台设置', icon: <SettingOutlined />, group: 'system', component: lazy(() => import('../settings/pages/settings-page')) },
];

export const DEFAULT_PATH = 'dashboard';
