import { AdminRoutesDocument, AdminUpsertRouteDocument } from '@deeptravel/client';
import { useQuery } from '../../app/api';

export { AdminUpsertRouteDocument };

/** Routes with a lookup by id and Select options. `label` needs a station namer (from usePlaces). */
export function useRoutes(stationName: (id: string) => string = (id) => id) {
  const q = useQuery(AdminRoutesDocument);
  const routes = q.data?.adminRoutes ?? [];
  const byId = new Map(routes.map((r) => [r.id, r]));
  const label = (id: string | null | undefined) => {
    const r = id ? byId.get(id) : undefined;
    return r ? `${r.code}：${stationName(r.originId)} → ${stationName(r.destinationId)}` : id ?? '—';
  };
  return { ...q, routes, byId, label, options: routes.map((r) => ({ value: r.id, label: label(r.id) })) };
}
