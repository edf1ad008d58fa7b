import { AdminRefundRulesDocument, AdminUpsertRefundRuleDocument } from '@deeptravel/client';
import { useQuery } from '../../app/api';

export { AdminUpsertRefundRuleDocument };

/** Refund and change rules with Select options. */
export function useRefundRules() {
  const q = useQuery(AdminRefundRulesDocument);
  const rules = q.data?.adminRefundRules ?? [];
  return { ...q, rules, options: rules.map((r) => ({ value: r.id, label: r.name })), name: (id: string | null | undefined) => rules.find((r) => r.id === id)?.name ?? id ?? '—' };
}
