export { AdminMetricsDocument } from '@deeptravel/client';
export type { AdminMetricsQuery } from '@deeptravel/client';
