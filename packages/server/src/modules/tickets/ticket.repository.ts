import type { PassengerType, TicketStatus } from '@deeptravel/shared';
import type { Sql } from '../../common/db/sql.js';

/** A ticket with what travellers and merchants see of it. */
export interface TicketRecord {
  id: number;
  code: string;
  orderId: number;
  orderNo: string;
  travellerId: number;
  productId: number;
  productName: string;
  status: TicketStatus;
  shared: boolean;
  validFrom: Date;
  validUntil: Date;
  qrSecret: string;
  passengerName: string | null;
  passengerType: PassengerType | null;
  tripId: number | null;
  travelDate: string;
  price: number;
  replacesTicketId: number | null;
  createdAt: Date;
}

export interface TicketLineRecord {
  id: number;
  ticketId: number;
  name: string;
  merchantId: number;
  merchantName: string;
  usesTotal: number;
  usesLeft: number;
  lastUsedAt?: Date | null;
  lastUsedPlace?: string | null;
}

/** A ticket to insert. */
export interface NewTicket {
  code: string;
  orderId: number;
  orderItemId: number;
  passengerId: number | null;
  productId: number;
  productName: string;
  shared: boolean;
  validFrom: Date;
  validUntil: Date;
  qrSecret: string;
  /** Paid for this ticket, fen. */
  price: number;
  tripId: number | null;
  travelDate: string;
  replacesTicketId?: number | null;
  lines: Array<{ name: string; merchantId: number; uses: number }>;
}

const TICKET_SELECT = `SELECT t.id, t.code, t.order_id AS "orderId", o.order_no AS "orderNo", o.traveller_id AS "travellerId",
  t.product_id AS "productId", t.product_name AS "productName", t.status, t.shared, t.valid_from AS "validFrom",
  t.valid_until AS "validUntil", t.qr_secret AS "qrSecret", p.name AS "passengerName", p.passenger_type AS "passengerType",
  t.trip_id AS "tripId", t.travel_date::text AS "travelDate", t.price, t.replaces_ticket_id AS "replacesTicketId",
  t.created_at AS "createdAt"
  FROM ticket t JOIN orders o ON o.id = t.order_id
  LEFT JOIN order_passenger p ON p.id = t.passenger_id`;

/** The tickets module's SQL. */
export const ticketRepository = {
  /** Inserts tickets and their lines: one statement each, whatever the party size. */
  async insertMany(sql: Sql, tickets: NewTicket[], now: Date): Promise<void> {
    if (!tickets.length) return;
    const values: unknown[] = [];
    const tuples = tickets.map((t, i) => {
      const b = i * 15;
      values.push(t.code, t.orderId, t.orderItemId, t.passengerId, t.productId, t.productName, t.shared, t.validFrom, t.validUntil, t.qrSecret, now,
        t.price, t.tripId, t.travelDate, t.replacesTicketId ?? null);
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, 'ACTIVE', $${b + 7}, $${b + 8}, $${b + 9}, $${b + 10}, $${b + 11}, $${b + 11}, $${b + 12}, $${b + 13}, $${b + 14}::date, $${b + 15})`;
    });
    const insertTickets = `INSERT INTO ticket (code, order_id, order_item_id, passenger_id, product_id, product_name, status, shared, valid_from, valid_until, qr_secret,
                           created_at, updated_at, price, trip_id, travel_date, replaces_ticket_id)
       VALUES ${tuples.join(', ')}`;
    const lines = tickets.flatMap((t) => t.lines.map((l, n) => ({ code: t.code, n, name: l.name, merchantId: l.merchantId, uses: l.uses })));
    if (!lines.length) {
      await sql.query(insertTickets, values);
      return;
    }
    // Tickets and their lines in one statement: the lines find their ticket by code in the RETURNING rows.
    await sql.query(
      `WITH t AS (${insertTickets} RETURNING id, code)
       INSERT INTO ticket_line (ticket_id, name, merchant_id, uses_total, uses_left)
       SELECT t.id, l.name, l."merchantId", l.uses, l.uses
         FROM jsonb_to_recordset($${values.length + 1}::jsonb) AS l(code text, n int, name text, "merchantId" int, uses int)
         JOIN t ON t.code = l.code
        ORDER BY t.id, l.n`,
      [...values, JSON.stringify(lines)],
    );
  },

  byOrder(sql: Sql, orderIds: number[]): Promise<TicketRecord[]> {
    return sql.query<TicketRecord>(`${TICKET_SELECT} WHERE t.order_id = ANY($1::int[]) ORDER BY t.id`, [orderIds]);
  },

  byTraveller(sql: Sql, travellerId: number, status: string | null, limit: number): Promise<TicketRecord[]> {
    return sql.query<TicketRecord>(
      `${TICKET_SELECT} WHERE o.traveller_id = $1 AND ($2::text IS NULL OR t.status = $2) ORDER BY t.valid_from DESC, t.id LIMIT $3`,
      [travellerId, status, limit],
    );
  },

  async byId(sql: Sql, id: number, forUpdate = false): Promise<TicketRecord | null> {
    const rows = await sql.query<TicketRecord>(`${TICKET_SELECT} WHERE t.id = $1${forUpdate ? ' FOR UPDATE OF t' : ''}`, [id]);
    return rows[0] ?? null;
  },

  async byCode(sql: Sql, code: string): Promise<TicketRecord | null> {
    const rows = await sql.query<TicketRecord>(`${TICKET_SELECT} WHERE t.code = $1`, [code]);
    return rows[0] ?? null;
  },

  linesOf(sql: Sql, ticketIds: number[]): Promise<TicketLineRecord[]> {
    return sql.query<TicketLineRecord>(
      `SELECT l.id, l.ticket_id AS "ticketId", l.name, l.merchant_id AS "merchantId", m.name AS "merchantName",
              l.uses_total AS "usesTotal", l.uses_left AS "usesLeft", u.at AS "lastUsedAt", u.place AS "lastUsedPlace"
         FROM ticket_line l JOIN merchant m ON m.id = l.merchant_id
         LEFT JOIN LATERAL (SELECT r.at, tm.name AS place FROM redemption r JOIN terminal tm ON tm.id = r.terminal_id
                             WHERE r.ticket_line_id = l.id ORDER BY r.at DESC, r.id DESC LIMIT 1) u ON true
        WHERE l.ticket_id = ANY($1::int[]) ORDER BY l.id`,
      [ticketIds],
    );
  },
};
