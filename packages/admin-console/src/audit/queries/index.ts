export { AdminAuditLogDocument } from '@deeptravel/client';
export type { AdminAuditLogQuery } from '@deeptravel/client';
