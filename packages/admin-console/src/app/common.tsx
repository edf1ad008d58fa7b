import type { ReactNode } from 'react';
import { Alert, Space, Typography } from 'antd';
import { errorText } from './api-errors';
import { useSession } from './session';

/** A page's title row with its actions on the right. */
export function PageHeader({ title, extra, sub }: { title: string; extra?: ReactNode; sub?: ReactNode }) {
  return (
    <div className="page-header">
      <div>
        <Typography.Title level={3} style={{ margin: 0 }}>{title}</Typography.Title>
        {sub ? <Typography.Text type="secondary">{sub}</Typography.Text> : null}
      </div>
      {extra ? <Space wrap>{extra}</Space> : null}
    </div>
  );
}

/** Renders its children only for the ADMIN role: a read-only operator sees no edit actions. */
export function EditOnly({ children }: { children: ReactNode }) {
  const { canEdit } = useSession();
  return canEdit ? <>{children}</> : null;
}

/** A failed query, in words. */
export function QueryError({ error }: { error: unknown }) {
  if (!error) return null;
  return <Alert type="error" showIcon title={errorText(error)} style={{ marginBottom: 16 }} />;
}
