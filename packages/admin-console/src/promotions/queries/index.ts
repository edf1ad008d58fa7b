export { AdminPromotionsDocument, AdminUpsertPromotionDocument } from '@deeptravel/client';
export type { AdminPromotionsQuery } from '@deeptravel/client';
