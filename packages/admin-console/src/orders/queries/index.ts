export {
  AdminOrdersDocument, AdminOrderDocument, AdminRetryRefundDocument, AdminResendNotificationDocument, AdminResolveRedemptionConflictDocument,
} from '@deeptravel/client';
export type { AdminOrdersQuery, AdminOrderQuery } from '@deeptravel/client';

/** The order snapshot (prices, entitlements and rules as sold), as the server writes it (version 1). */
export interface OrderSnapshot {
  version: number;
  items: Array<{
    index: number;
    productId: number;
    kind: 'TICKET' | 'PACKAGE';
    productName: string;
    tripId: number | null;
    travelDate: string;
    departureAt: string | null;
    validFrom: string;
    validUntil: string;
    passengerIndexes: number[];
    entitlements: Array<{ name: string; merchantName: string; scope: string; uses: number }>;
    refundRule: { name: string; tiers: Array<{ minHoursBefore: number; feePercent: number }>; summaryZh: string } | null;
    lines: Array<{ passengerType: string; qty: number; unitPrice: number; discount: number; subtotal: number }>;
  }>;
  passengers: Array<{ name: string; type: string; phone: string | null }>;
  promotion: { code: string; name: string; kind: string; value: number } | null;
}
