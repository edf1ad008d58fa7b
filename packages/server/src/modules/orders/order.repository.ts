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

/** What createOrder writes for a new PENDING order (orders, history, lines, passengers, outbox event). */
export interface PendingOrderRow {
  orderNo: string; travellerId: number; currency: string; totalAmount: number; discountAmount: number; lockExpireAt: Date; idempotencyKey: string | null;
  promotionId: number | null; snapshot: OrderSnapshot; now: Date; actor: string;
  lines: Array<Omit<OrderLineRecord, 'id' | 'orderId'>>;
  passengers: Array<{ name: string; type: PassengerType; phone: string | null }>;
  createdTopic: string;
  /** True when no handler consumes `createdTopic`: the event is written as delivered (Outbox.hasHandler). */
  createdDelivered: boolean;
}

/** Parameters $1…$15 of the pending-order statements, in the order ORDER_CHILD_ROWS and `ins` use them. */
function pendingOrderParams(o: PendingOrderRow): unknown[] {
  return [
    o.orderNo, o.travellerId, o.currency, o.totalAmount, o.discountAmount, o.lockExpireAt, o.idempotencyKey, o.promotionId, JSON.stringify(o.snapshot), o.now,
    o.actor, JSON.stringify(o.lines), JSON.stringify(o.passengers), o.createdTopic, o.createdDelivered,
  ];
}

/** The rows written with a new order, from the CTE `ins` (the inserted order): history, lines, passengers, outbox event. */
const ORDER_CHILD_ROWS = `h AS (
         INSERT INTO state_transition (entity_type, entity_id, from_state, to_state, actor, reason, at)
         SELECT 'order', id, NULL, 'PENDING', $11, NULL, $10 FROM ins),
       li AS (
         INSERT INTO order_item (order_id, product_id, trip_id, travel_date, product_name, passenger_type, qty, unit_price, discount, subtotal, price_lines)
         SELECT ins.id, (e.v->>'productId')::int, (e.v->>'tripId')::int, (e.v->>'travelDate')::date, e.v->>'productName', e.v->>'passengerType',
                (e.v->>'qty')::int, (e.v->>'unitPrice')::int, (e.v->>'discount')::int, (e.v->>'subtotal')::int, '[]'::jsonb
           FROM ins, jsonb_array_elements($12::jsonb) WITH ORDINALITY AS e(v, n) ORDER BY e.n
         RETURNING id, order_id, product_id, trip_id, travel_date, product_name, passenger_type, qty, unit_price, discount, subtotal),
       pa AS (
         INSERT INTO order_passenger (order_id, name, passenger_type, phone)
         SELECT ins.id, e.v->>'name', e.v->>'type', e.v->>'phone'
           FROM ins, jsonb_array_elements($13::jsonb) WITH ORDINALITY AS e(v, n) ORDER BY e.n),
       ev AS (
         INSERT INTO outbox_event (topic, payload, available_at, status, delivered_at)
         SELECT $14, jsonb_build_object('orderId', id, 'travellerId', traveller_id, 'totalAmount', total_amount), $10,
                CASE WHEN $15::boolean THEN 'DELIVERED' ELSE 'PENDING' END, CASE WHEN $15::boolean THEN $10 END FROM ins)`;

/** The lines just inserted by ORDER_CHILD_ROWS (CTE `li`), as `OrderLineRecord`s in id order. */
const CREATED_LINES = `(SELECT COALESCE(jsonb_agg(jsonb_build_object(
         'id', li.id, 'orderId', li.order_id, 'productId', li.product_id, 'tripId', li.trip_id, 'travelDate', li.travel_date::text,
         'productName', li.product_name, 'passengerType', li.passenger_type, 'qty', li.qty, 'unitPrice', li.unit_price,
         'discount', li.discount, 'subtotal', li.subtotal) ORDER BY li.id), '[]'::jsonb) FROM li) AS "createdLines"`;

/** A new order as the insert returns it: the record and its lines (so neither is read again). */
export type CreatedOrder = OrderRecord & { createdLines: OrderLineRecord[] };

/** True for the error of a second order with an idempotency key the traveller already used (the autocommit path). */
export function isIdempotencyConflict(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' && e.constraint === 'orders_traveller_id_idempotency_key_unique';
}

/** True for the error of an order number that is already taken (random numbers: draw another). */
export function isOrderNoCollision(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' && e.constraint === 'orders_order_no_unique';
}

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
   * createOrder's hot path in one statement: the order (unless the traveller already used this
   * idempotency key: then nothing at all is written and null comes back), its first history row
   * (null → PENDING), its lines and passengers (in the given order, so ids follow it), and its
   * `order.created` outbox event; returns the whole order record, so nothing is re-read. The caller
   * kicks the outbox after commit.
   */
  async insertPendingOrder(sql: Sql, o: PendingOrderRow): Promise<CreatedOrder | null> {
    const rows = await sql.query<CreatedOrder>(
      `WITH ins AS (
         INSERT INTO orders (order_no, traveller_id, status, currency, total_amount, discount_amount, lock_expire_at, idempotency_key,
                             promotion_id, snapshot, created_at, updated_at)
         VALUES ($1, $2, 'PENDING', $3, $4, $5, $6, $7, $8, $9, $10, $10)
         ON CONFLICT (traveller_id, idempotency_key) DO NOTHING RETURNING *),
       ${ORDER_CHILD_ROWS}
       SELECT ${ORDER_COLUMNS}, ${CREATED_LINES} FROM ins`,
      pendingOrderParams(o),
    );
    return rows[0] ?? null;
  },

  /**
   * The whole createOrder for one trip, as ONE statement outside any transaction (autocommit): the
   * seats are taken by the conditional UPDATE and the order and its rows are inserted only from that
   * UPDATE's row, so either all of it is written or none of it (a statement is atomic). No seats:
   * `'NO_SEATS'` and nothing written. An idempotency key already used: the unique constraint aborts
   * the statement (`isIdempotencyConflict`), again with nothing written. One round trip instead of
   * BEGIN · insert · UPDATE · COMMIT (docs/performance.md, "fourth pass").
   */
  async insertPendingOrderTakingSeats(sql: Sql, o: PendingOrderRow, seats: { tripId: number; qty: number }): Promise<CreatedOrder | 'NO_SEATS'> {
    const rows = await sql.query<CreatedOrder>(
      `WITH seat AS (
         UPDATE trip SET locked = locked + $17, updated_at = $10
          WHERE id = $16 AND status = 'SCHEDULED' AND departure_at > $10 AND capacity - sold - locked >= $17
          RETURNING id),
       ins AS (
         INSERT INTO orders (order_no, traveller_id, status, currency, total_amount, discount_amount, lock_expire_at, idempotency_key,
                             promotion_id, snapshot, created_at, updated_at)
         SELECT $1::varchar, $2::int, 'PENDING', $3::varchar, $4::int, $5::int, $6::timestamptz, $7::varchar, $8::int, $9::jsonb, $10::timestamptz, $10::timestamptz
           FROM seat
         RETURNING *),
       ${ORDER_CHILD_ROWS}
       SELECT ${ORDER_COLUMNS}, ${CREATED_LINES} FROM ins`,
      [...pendingOrderParams(o), seats.tripId, seats.qty],
    );
    return rows[0] ?? 'NO_SEATS';
  },

  /** Moves an order from one status to another only if it is still in `from` (no lost updates). */
  async transition(sql: Sql, id: number, from: OrderStatus, to: OrderStatus, extra: { now: Date; cancelReason?: string; paymentState?: string }): Promise<boolean> {
    const rows = await sql.query(
      `UPDATE orders SET status = $3::varchar, updated_at = $4,
              paid_at = CASE WHEN $3::varchar = 'PAID' THEN $4 ELSE paid_at END,
              cancelled_at = CASE WHEN $3::varchar = 'CANCELLED' THEN $4 ELSE cancelled_at END,
              cancel_reason = CASE WHEN $3::varchar = 'CANCELLED' THEN $5::varchar ELSE cancel_reason END,
              payment_state = COALESCE($6::varchar, payment_state)
        WHERE id = $1 AND status = $2::varchar RETURNING id`,
      [id, from, to, extra.now, extra.cancelReason ?? null, extra.paymentState ?? null],
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
