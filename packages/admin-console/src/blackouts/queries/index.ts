export { AdminAddBlackoutDateDocument, AdminBlackoutDatesDocument, AdminRemoveBlackoutDateDocument } from '@deeptravel/client';
export type { AdminBlackoutDatesQuery } from '@deeptravel/client';
