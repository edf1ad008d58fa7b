import { AdminCitiesDocument, AdminStationsDocument, AdminUpsertCityDocument, AdminUpsertStationDocument } from '@deeptravel/client';
import { useQuery } from '../../app/api';

export { AdminUpsertCityDocument, AdminUpsertStationDocument };

/** Cities and stations, with lookups by id (other pages name stations in their tables and forms). */
export function usePlaces() {
  const cities = useQuery(AdminCitiesDocument);
  const stations = useQuery(AdminStationsDocument);
  const cityList = cities.data?.adminCities ?? [];
  const stationList = stations.data?.adminStations ?? [];
  const cityById = new Map(cityList.map((c) => [c.id, c]));
  const stationById = new Map(stationList.map((s) => [s.id, s]));
  return {
    cities: cityList,
    stations: stationList,
    cityById,
    stationById,
    loading: cities.loading || stations.loading,
    error: cities.error || stations.error,
    refetch: async () => {
      await Promise.all([cities.refetch(), stations.refetch()]);
    },
    /** "深圳 · 蛇口邮轮母港" */
    stationLabel: (id: string | null | undefined) => {
      const s = id ? stationById.get(id) : undefined;
      if (!s) return id ?? '—';
      const c = cityById.get(s.cityId);
      return `${c ? c.nameZh + ' · ' : ''}${s.nameZh}`;
    },
    stationOptions: stationList.map((s) => ({ value: s.id, label: `${cityById.get(s.cityId)?.nameZh ?? ''} · ${s.nameZh}（${s.code}）` })),
    cityOptions: cityList.map((c) => ({ value: c.id, label: `${c.nameZh}（${c.code}）` })),
  };
}
