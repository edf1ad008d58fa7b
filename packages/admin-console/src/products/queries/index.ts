export { AdminProductsDocument, AdminSetDailyQuotaDocument, AdminSetFareTiersDocument, AdminUpsertProductDocument } from '@deeptravel/client';
export type { AdminProductsQuery } from '@deeptravel/client';
