import type { OrderStatus, PassengerType } from '@deeptravel/shared';
import type { Sql } from '../../common/db/sql.js';

/** An order row as the API shows it. */
export interface OrderRecord {
  id: number;
  orderNo: string;
  travellerId: number;
  status: OrderStatus;
  currency: string;
  totalAmount: number;
  discountAmount: number;
  lockExpireAt: Date;
  idempotencyKey: string | null;
  promotionId: number | null;
  snapshot: OrderSnapshot;
  createdAt: Date;
  paidAt: Date | null;
  cancelledAt: Date | null;
  cancelReason: string | null;
  /** NONE, PREPAID, UNKNOWN, PAID, CLOSED (see the Order entity). */
  paymentState: string;
}

export interface OrderLineRecord {
  id: number;
  orderId: number;
  productId: number;
  tripId: number | null;
  travelDate: string;
  productName: string;
  passengerType: PassengerType;
  qty: number;
  unitPrice: number;
  discount: number;
  subtotal: number;
}

export interface PassengerRecord {
  id: number;
  orderId: number;
  name: string;
  passengerType: PassengerType;
  phone: string | null;
}

/** What an order froze at creation; later admin edits never change it. */
export interface OrderSnapshot {
  version: 1;
  items: Array<{
    index: number;
    productId: number;
    kind: 'TICKET' | 'PACKAGE';
    productName: string;
    tripId: number | null;
    travelDate: string;
    departureAt: string | null;
    arrivalAt: string | null;
    validFrom: string;
    validUntil: string;
    /** Indexes into `passengers` of the passengers this item is for. */
    passengerIndexes: number[];
    dailyQuota: number | null;
    entitlements: Array<{ lineId: number | null; name: string; merchantId: number; merchantName: string; scope: 'PER_PASSENGER' | 'SHARED'; uses: number }>;
    refundRule: { id: number; name: string; tiers: Array<{ minHoursBefore: number; feePercent: number }>; changeAllowed: boolean; changeMinHoursBefore: number; summaryZh: string };
    lines: Array<{ passengerType: PassengerType; qty: number; unitPrice: number; discount: number; subtotal: number }>;
  }>;
  passengers: Array<{ name: string; type: PassengerType; phone: string | null }>;
  promotion: { id: number; code: string; name: string; kind: string; value: number } | null;
}

const ORDER_COLUMNS = `id, order_no AS "orderNo", traveller_id AS "travellerId", status, currency, total_amount AS "totalAmount",
  discount_amount AS "discountAmount", lock_expire_at AS "lockExpireAt", idempotency_key AS "idempotencyKey",
  promotion_id AS "promotionId", snapshot, created_at AS "createdAt", paid_at AS "paidAt", cancelled_at AS "cancelledAt",
  cancel_reason AS "cancelReason", payment_state AS "paymentState"`;

const LINE_COLUMNS = `id, order_id AS "orderId", product_id AS "productId", trip_id AS "tripId", travel_date::text AS "travelDate",
  product_name AS "productName", passenger_type AS "passengerType", qty, unit_price AS "unitPrice", discount, subtotal`;

/** The orders module's SQL. */
export const orderRepository = {
  async byId(sql: Sql, id: number, forUpdate = false): Promise<OrderRecord | null> {
    const rows = await sql.query<OrderRecord>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
    return rows[0] ?? null;
  },

  async byOrderNo(sql: Sql, orderNo: string, forUpdate = false): Promise<OrderRecord | null> {
    const rows = await sql.query<OrderRecord>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE order_no = $1${forUpdate ? ' FOR UPDATE' : ''}`, [orderNo]);
    return rows[0] ?? null;
  },

  async byIdempotencyKey(sql: Sql, travellerId: number, key: string): Promise<OrderRecord | null> {
    const rows = await sql.query<OrderRecord>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE traveller_id = $1 AND idempotency_key = $2`, [travellerId, key]);
    return rows[0] ?? null;
  },

  async listByTraveller(sql: Sql, travellerId: number, limit: number, offset: number, status?: string | null): Promise<OrderRecord[]> {
    return sql.query<OrderRecord>(
      `SELECT ${ORDER_COLUMNS} FROM orders WHERE traveller_id = $1 AND ($4::text IS NULL OR status = $4)
        ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`,
      [travellerId, limit, offset, status ?? null],
    );
  },

  async linesOf(sql: Sql, orderIds: number[]): Promise<OrderLineRecord[]> {
    return sql.query<OrderLineRecord>(`SELECT ${LINE_COLUMNS} FROM order_item WHERE order_id = ANY($1::int[]) ORDER BY id`, [orderIds]);
  },

  async passengersOf(sql: Sql, orderIds: number[]): Promise<PassengerRecord[]> {
    return sql.query<PassengerRecord>(
      `SELECT id, order_id AS "orderId", name, passenger_type AS "passengerType", phone FROM order_passenger WHERE order_id = ANY($1::int[]) ORDER BY id`,
      [orderIds],
    );
  },

  /**
   * Inserts the order unless the traveller already used this idempotency key (then null: the
   * concurrent or earlier request owns it; PostgreSQL makes the second insert wait for the first).
   */
  async insertOrder(
    sql: Sql,
    o: { orderNo: string; travellerId: number; currency: string; totalAmount: number; discountAmount: number; lockExpireAt: Date; idempotencyKey: string | null; promotionId: number | null; snapshot: OrderSnapshot; now: Date },
  ): Promise<number | null> {
    const rows = await sql.query<{ id: number }>(
      `INSERT INTO orders (order_no, traveller_id, status, currency, total_amount, discount_amount, lock_expire_at, idempotency_key,
                           promotion_id, snapshot, created_at, updated_at)
       VALUES ($1, $2, 'PENDING', $3, $4, $5, $6, $7, $8, $9, $10, $10)
       ON CONFLICT (traveller_id, idempotency_key) DO NOTHING RETURNING id`,
      [o.orderNo, o.travellerId, o.currency, o.totalAmount, o.discountAmount, o.lockExpireAt, o.idempotencyKey, o.promotionId, JSON.stringify(o.snapshot), o.now],
    );
    return rows[0]?.id ?? null;
  },

  /**
   * createOrder's hot path in one statement: the order (unless the traveller already used this
   * idempotency key: then nothing at all is written and null comes back), its first history row
   * (null → PENDING), its lines and passengers (in the given order, so ids follow it), and its
   * `order.created` outbox event; returns the whole order record, so nothing is re-read. The caller
   * kicks the outbox after commit.
   */
  async insertPendingOrder(
    sql: Sql,
    o: {
      orderNo: string; travellerId: number; currency: string; totalAmount: number; discountAmount: number; lockExpireAt: Date; idempotencyKey: string | null;
      promotionId: number | null; snapshot: OrderSnapshot; now: Date; actor: string;
      lines: Array<Omit<OrderLineRecord, 'id' | 'orderId'>>;
      passengers: Array<{ name: string; type: PassengerType; phone: string | null }>;
      createdTopic: string;
    },
  ): Promise<OrderRecord | null> {
    const rows = await sql.query<OrderRecord>(
      `WITH ins AS (
         INSERT INTO orders (order_no, traveller_id, status, currency, total_amount, discount_amount, lock_expire_at, idempotency_key,
                             promotion_id, snapshot, created_at, updated_at)
         VALUES ($1, $2, 'PENDING', $3, $4, $5, $6, $7, $8, $9, $10, $10)
         ON CONFLICT (traveller_id, idempotency_key) DO NOTHING RETURNING *),
       h AS (
         INSERT INTO state_transition (entity_type, entity_id, from_state, to_state, actor, reason, at)
         SELECT 'order', id, NULL, 'PENDING', $11, NULL, $10 FROM ins),
       li AS (
         INSERT INTO order_item (order_id, product_id, trip_id, travel_date, product_name, passenger_type, qty, unit_price, discount, subtotal, price_lines)
         SELECT ins.id, (e.v->>'productId')::int, (e.v->>'tripId')::int, (e.v->>'travelDate')::date, e.v->>'productName', e.v->>'passengerType',
                (e.v->>'qty')::int, (e.v->>'unitPrice')::int, (e.v->>'discount')::int, (e.v->>'subtotal')::int, '[]'::jsonb
           FROM ins, jsonb_array_elements($12::jsonb) WITH ORDINALITY AS e(v, n) ORDER BY e.n),
       pa AS (
         INSERT INTO order_passenger (order_id, name, passenger_type, phone)
         SELECT ins.id, e.v->>'name', e.v->>'type', e.v->>'phone'
           FROM ins, jsonb_array_elements($13::jsonb) WITH ORDINALITY AS e(v, n) ORDER BY e.n),
       ev AS (
         INSERT INTO outbox_event (topic, payload, available_at)
         SELECT $14, jsonb_build_object('orderId', id, 'travellerId', traveller_id, 'totalAmount', total_amount), $10 FROM ins)
       SELECT ${ORDER_COLUMNS} FROM ins`,
      [
        o.orderNo, o.travellerId, o.currency, o.totalAmount, o.discountAmount, o.lockExpireAt, o.idempotencyKey, o.promotionId, JSON.stringify(o.snapshot), o.now,
        o.actor, JSON.stringify(o.lines), JSON.stringify(o.passengers), o.createdTopic,
      ],
    );
    return rows[0] ?? null;
  },

  /** All lines in one statement. */
  async insertLines(sql: Sql, orderId: number, lines: Array<Omit<OrderLineRecord, 'id' | 'orderId'>>): Promise<void> {
    const values: unknown[] = [];
    const tuples = lines.map((l, i) => {
      const b = i * 11;
      values.push(orderId, l.productId, l.tripId, l.travelDate, l.productName, l.passengerType, l.qty, l.unitPrice, l.discount, l.subtotal, '[]');
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}::date, $${b + 5}, $${b + 6}, $${b + 7}, $${b + 8}, $${b + 9}, $${b + 10}, $${b + 11})`;
    });
    await sql.query(
      `INSERT INTO order_item (order_id, product_id, trip_id, travel_date, product_name, passenger_type, qty, unit_price, discount, subtotal, price_lines)
       VALUES ${tuples.join(', ')}`,
      values,
    );
  },

  /** All passengers in one statement. */
  async insertPassengers(sql: Sql, orderId: number, passengers: Array<{ name: string; type: PassengerType; phone: string | null }>): Promise<void> {
    const values: unknown[] = [];
    const tuples = passengers.map((p, i) => {
      values.push(orderId, p.name, p.type, p.phone);
      return `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`;
    });
    await sql.query(`INSERT INTO order_passenger (order_id, name, passenger_type, phone) VALUES ${tuples.join(', ')}`, values);
  },

  /** Moves an order from one status to another only if it is still in `from` (no lost updates). */
  async transition(sql: Sql, id: number, from: OrderStatus, to: OrderStatus, extra: { now: Date; cancelReason?: string }): Promise<boolean> {
    const rows = await sql.query(
      `UPDATE orders SET status = $3::varchar, updated_at = $4,
              paid_at = CASE WHEN $3::varchar = 'PAID' THEN $4 ELSE paid_at END,
              cancelled_at = CASE WHEN $3::varchar = 'CANCELLED' THEN $4 ELSE cancelled_at END,
              cancel_reason = CASE WHEN $3::varchar = 'CANCELLED' THEN $5::varchar ELSE cancel_reason END
        WHERE id = $1 AND status = $2::varchar RETURNING id`,
      [id, from, to, extra.now, extra.cancelReason ?? null],
    );
    return rows.length > 0;
  },

  /** Expired PENDING orders that still hold seats of these trips or passes of these package days. */
  async claimExpiredHolding(sql: Sql, now: Date, tripIds: number[], packages: Array<{ productId: number; date: string }>): Promise<OrderRecord[]> {
    return sql.query<OrderRecord>(
      `SELECT ${ORDER_COLUMNS} FROM orders o WHERE o.status = 'PENDING' AND o.lock_expire_at <= $1
          AND EXISTS (SELECT 1 FROM order_item oi WHERE oi.order_id = o.id
                       AND (oi.trip_id = ANY($2::int[])
                            OR (oi.trip_id IS NULL AND (oi.product_id::text || ':' || oi.travel_date::text) = ANY($3::text[]))))
        ORDER BY o.id LIMIT 500 FOR UPDATE SKIP LOCKED`,
      [now, tripIds, packages.map((p) => `${p.productId}:${p.date}`)],
    );
  },

  /** PENDING orders whose lock has expired, claimed for this run (other instances skip them). */
  async claimExpired(sql: Sql, now: Date, limit: number): Promise<OrderRecord[]> {
    return sql.query<OrderRecord>(
      `SELECT ${ORDER_COLUMNS} FROM orders WHERE status = 'PENDING' AND lock_expire_at <= $1
        ORDER BY lock_expire_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    );
  },
};
