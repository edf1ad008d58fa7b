export { AdminImportGtfsDocument } from '@deeptravel/client';
export type { AdminImportGtfsMutation } from '@deeptravel/client';
