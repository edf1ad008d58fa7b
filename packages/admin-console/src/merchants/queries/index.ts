import {
  AdminCreateEnrolmentCodeDocument, AdminCreateStaffDocument, AdminMerchantDevicesDocument, AdminMerchantsDocument, AdminRegisterTerminalDocument, AdminSetStaffEnabledDocument,
  AdminSetTerminalEnabledDocument, AdminUpsertMerchantDocument,
} from '@deeptravel/client';
import { useQuery } from '../../app/api';

export {
  AdminCreateEnrolmentCodeDocument, AdminCreateStaffDocument, AdminMerchantDevicesDocument, AdminRegisterTerminalDocument, AdminSetStaffEnabledDocument, AdminSetTerminalEnabledDocument,
  AdminUpsertMerchantDocument,
};

/** Merchants (operators of routes, providers of package entitlements), with a lookup by id. */
export function useMerchants() {
  const q = useQuery(AdminMerchantsDocument);
  const merchants = q.data?.adminMerchants ?? [];
  const byId = new Map(merchants.map((m) => [m.id, m]));
  return {
    ...q,
    merchants,
    byId,
    name: (id: string | null | undefined) => (id ? byId.get(id)?.name ?? `#${id}` : '—'),
    options: merchants.map((m) => ({ value: m.id, label: `${m.name}（${m.code}）` })),
  };
}
