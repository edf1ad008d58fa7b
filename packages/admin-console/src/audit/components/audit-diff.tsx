import { formatFen } from '@deeptravel/shared';
import { label } from '../../app/format';

/** One compared field of an audit entry. */
export interface DiffRow {
  key: string;
  before: string;
  after: string;
  changed: boolean;
}

const IGNORED = new Set(['updatedAt']);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Rows are stored from SQL (snake_case) on one side and from the API input (camelCase) on the other: compare them alike. */
function camel(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(camel);
  if (!isRecord(v)) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), camel(x)]));
}

/** A fare tier or an entitlement line in words; anything else as compact JSON. */
function show(v: unknown): string {
  if (v === undefined) return '';
  if (v === null) return 'null';
  if (isRecord(v) && 'passengerType' in v && 'unitPrice' in v) {
    return `${label('passengerType', String(v.passengerType))} ${v.minQty}–${v.maxQty ?? '不限'} 人 ¥${formatFen(Number(v.unitPrice))}`;
  }
  if (isRecord(v) && 'merchantId' in v && 'scope' in v && 'uses' in v) {
    return `${v.name ?? ''}（商户 #${v.merchantId}，${label('scope', String(v.scope))}，${v.uses} 次）`;
  }
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * Before/after of an audit entry: field by field for objects, item by item for lists (a fare table,
 * entitlement lines), one value otherwise.
 */
export function auditDiff(rawBefore: unknown, rawAfter: unknown): DiffRow[] {
  const before = camel(rawBefore);
  const after = camel(rawAfter);
  const row = (key: string, b: unknown, a: unknown, hasB = true, hasA = true): DiffRow => {
    const sb = hasB ? show(b) : '';
    const sa = hasA ? show(a) : '';
    return { key, before: sb, after: sa, changed: sb !== sa };
  };
  if ((Array.isArray(before) || before === null) && (Array.isArray(after) || after === null) && (before || after)) {
    const n = Math.max(before?.length ?? 0, after?.length ?? 0);
    return Array.from({ length: n }, (_, i) => row(`第 ${i + 1} 项`, before?.[i], after?.[i], !!before && i < before.length, !!after && i < after.length));
  }
  if ((isRecord(before) || before === null) && (isRecord(after) || after === null) && (before || after)) {
    const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].filter((k) => !IGNORED.has(k));
    return keys.map((k) => row(k, before?.[k], after?.[k], !!before, !!after));
  }
  return [row('值', before, after)];
}

/** The diff as a table: changed fields highlighted, the old value struck through. */
export function AuditDiff({ before, after, onlyChanged = false }: { before: unknown; after: unknown; onlyChanged?: boolean }) {
  const rows = auditDiff(before, after).filter((r) => !onlyChanged || r.changed);
  return (
    <table className="diff-table" data-testid="audit-diff">
      <thead>
        <tr><th style={{ width: 180 }}>字段</th><th>修改前</th><th>修改后</th></tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key} className={r.changed ? 'diff-changed' : ''}>
            <td>{r.key}</td>
            <td className={r.changed ? 'diff-before' : ''}>{r.before}</td>
            <td className={r.changed ? 'diff-after' : ''}>{r.after}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
