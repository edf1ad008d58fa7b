import { useState } from 'react';
import { App, Button, Popconfirm } from 'antd';
import { errorText } from './api-errors';
import { runBulk } from './bulk';

/**
 * 批量启用/停用 (or 上架/下架) of the selected rows, each behind a confirm: one audited API call per
 * row; a refusal does not stop the rest, and the message says how many went through.
 */
export function BulkEnableBar<T>({ selected, noun, on, off, offWarning, apply, onDone, testId }: {
  selected: T[];
  /** 产品, 商户 … */
  noun: string;
  /** 上架 / 启用 */
  on: string;
  /** 下架 / 停用 */
  off: string;
  offWarning?: string;
  apply: (row: T, enabled: boolean) => Promise<unknown>;
  onDone: () => void;
  testId: string;
}) {
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const run = async (enabled: boolean) => {
    setBusy(true);
    const r = await runBulk(selected, (row) => apply(row, enabled));
    setBusy(false);
    const verb = enabled ? on : off;
    if (r.failed.length) message.error(`${r.done.length} 个${noun}已${verb}，${r.failed.length} 个失败：${errorText(r.failed[0].error)}`);
    else message.success(`${r.done.length} 个${noun}已${verb}`);
    onDone();
  };
  const n = selected.length;
  return (
    <>
      <Popconfirm title={`${on}选中的 ${n} 个${noun}？`} okText={on} cancelText="取消" disabled={!n} onConfirm={() => run(true)}>
        <Button disabled={!n} loading={busy} data-testid={`${testId}-enable`}>批量{on}（{n}）</Button>
      </Popconfirm>
      <Popconfirm title={`${off}选中的 ${n} 个${noun}？${offWarning ?? ''}`} okText={off} cancelText="取消" disabled={!n} onConfirm={() => run(false)}>
        <Button danger disabled={!n} loading={busy} data-testid={`${testId}-disable`}>批量{off}（{n}）</Button>
      </Popconfirm>
    </>
  );
}
