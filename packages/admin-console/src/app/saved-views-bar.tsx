import { useEffect, useState } from 'react';
import { Button, Input, Popconfirm, Select, Space, Tooltip } from 'antd';
import { DeleteOutlined, SaveOutlined } from '@ant-design/icons';
import { useLocation, useNavigate } from 'react-router';
import { deleteView, loadViews, rememberLast, saveView, viewQuery, type SavedView } from './saved-views';
import { useSession } from './session';

/**
 * Named views of a list page's filters (saved per admin in localStorage); it also remembers the
 * page's last filters, which the side menu's link to the page carries (app-layout.tsx).
 */
export function SavedViewsBar({ page }: { page: string }) {
  const { session } = useSession();
  const user = session?.username ?? 'anonymous';
  const location = useLocation();
  const navigate = useNavigate();
  const [views, setViews] = useState<SavedView[]>(() => loadViews(user, page));
  const [name, setName] = useState('');

  useEffect(() => {
    // Only this page's own URL (never another route's, seen while leaving).
    if (location.pathname.split('/')[1] === page) rememberLast(user, page, location.search);
  }, [location.search, location.pathname, page, user]);

  const current = viewQuery(location.search);
  const active = views.find((v) => v.query === current)?.name;
  return (
    <Space wrap data-testid="saved-views">
      <Select
        style={{ width: 180 }}
        placeholder="已保存的视图"
        value={active ?? null}
        allowClear
        onClear={() => navigate({ pathname: location.pathname, search: '' })}
        options={views.map((v) => ({ value: v.name, label: v.name }))}
        onChange={(n?: string) => {
          const v = views.find((x) => x.name === n);
          if (v) navigate({ pathname: location.pathname, search: v.query ? `?${v.query}` : '' });
        }}
        data-testid="saved-views-select"
      />
      <Input style={{ width: 150 }} placeholder="视图名称" value={name} onChange={(e) => setName(e.target.value)} data-testid="saved-view-name" />
      <Tooltip title="把当前筛选保存为视图">
        <Button icon={<SaveOutlined />} disabled={!name.trim()} onClick={() => { setViews(saveView(user, page, { name, query: location.search })); setName(''); }} data-testid="saved-view-save">
          保存视图
        </Button>
      </Tooltip>
      {active ? (
        <Popconfirm title={`删除视图「${active}」？`} onConfirm={() => setViews(deleteView(user, page, active))}>
          <Button icon={<DeleteOutlined />} aria-label="删除视图" />
        </Popconfirm>
      ) : null}
    </Space>
  );
}
