import DataLoader from 'dataloader';
import type { Sql } from '../common/db/sql.js';
import { orderRepository, type OrderLineRecord, type PassengerRecord } from '../modules/orders/order.repository.js';
import { ticketRepository, type TicketLineRecord } from '../modules/tickets/ticket.repository.js';

/** A station with its city id, as nested GraphQL fields resolve it. */
export interface StationRecord { id: number; code: string; nameZh: string; nameEn: string; cityId: number }
export interface CityRecord { id: number; code: string; nameZh: string; nameEn: string; pinyin: string; isHot: boolean }
export interface RouteRecord { id: number; code: string; mode: 'BUS' | 'FERRY'; originId: number; destinationId: number; operatorId: number; durationMinutes: number }
export interface MerchantRecord { id: number; code: string; name: string; kind: string }

/** Per-request batching loaders: a nested list resolves with one statement per level, not per row. */
export interface Loaders {
  city: DataLoader<number, CityRecord | null>;
  station: DataLoader<number, StationRecord | null>;
  route: DataLoader<number, RouteRecord | null>;
  merchant: DataLoader<number, MerchantRecord | null>;
  orderLines: DataLoader<number, OrderLineRecord[]>;
  orderPassengers: DataLoader<number, PassengerRecord[]>;
  ticketLines: DataLoader<number, TicketLineRecord[]>;
}

function manyByOrder<T extends { orderId: number }>(load: (ids: number[]) => Promise<T[]>): DataLoader<number, T[]> {
  return new DataLoader<number, T[]>(async (ids) => {
    const rows = await load(ids as number[]);
    return ids.map((id) => rows.filter((r) => r.orderId === id));
  });
}

function byId<T extends { id: number }>(sql: Sql, select: string): DataLoader<number, T | null> {
  return new DataLoader<number, T | null>(async (ids) => {
    const rows = await sql.query<T>(`${select} WHERE id = ANY($1::int[])`, [ids as number[]]);
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  });
}

export function createLoaders(sql: Sql): Loaders {
  return {
    city: byId<CityRecord>(sql, 'SELECT id, code, name_zh AS "nameZh", name_en AS "nameEn", pinyin, is_hot AS "isHot" FROM city'),
    station: byId<StationRecord>(sql, 'SELECT id, code, name_zh AS "nameZh", name_en AS "nameEn", city_id AS "cityId" FROM station'),
    route: byId<RouteRecord>(
      sql,
      'SELECT id, code, mode, origin_id AS "originId", destination_id AS "destinationId", operator_id AS "operatorId", duration_minutes AS "durationMinutes" FROM route',
    ),
    merchant: byId<MerchantRecord>(sql, 'SELECT id, code, name, kind FROM merchant'),
    orderLines: manyByOrder((ids) => orderRepository.linesOf(sql, ids)),
    orderPassengers: manyByOrder((ids) => orderRepository.passengersOf(sql, ids)),
    ticketLines: new DataLoader<number, TicketLineRecord[]>(async (ids) => {
      const rows = await ticketRepository.linesOf(sql, ids as number[]);
      return ids.map((id) => rows.filter((r) => r.ticketId === id));
    }),
  };
}
