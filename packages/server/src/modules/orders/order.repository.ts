import type { OrderStatus, PassengerType } from '@deeptravel/shared';
import type { Sql, TxSql } from '../../common/db/sql.js';

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

/** An order's conditional state change ($1 id, $2 from, $3 to, $4 now, $5 cancel reason, $6 payment state). */
const ORDER_TRANSITION = `UPDATE orders SET status = $3::varchar, updated_at = $4,
              paid_at = CASE WHEN $3::varchar = 'PAID' THEN $4 ELSE paid_at END,
              cancelled_at = CASE WHEN $3::varchar = 'CANCELLED' THEN $4 ELSE cancelled_at END,
              cancel_reason = CASE WHEN $3::varchar = 'CANCELLED' THEN $5::varchar ELSE cancel_reason END,
              payment_state = COALESCE($6::varchar, payment_state)
        WHERE id = $1 AND status = $2::varchar`;

function transitionParams(id: number, from: OrderStatus, to: OrderStatus, extra: { now: Date; cancelReason?: string; paymentState?: string }): unknown[] {
  return [id, from, to, extra.now, extra.cancelReason ?? null, extra.paymentState ?? null];
}

/** A payment row already recorded under a gateway transaction id. */
export interface ExistingPayment {
  id: number;
  orderId: number | null;
  amount: number;
  status: string;
  response: any;
}

/** An order's lines (one per product, trip and day) and passengers, as ticket issuance needs them. */
export interface TicketRefs {
  items: Array<{ id: number; productId: number; tripId: number | null; travelDate: string }> | null;
  passengers: Array<{ id: number }> | null;
}

/** The order's lines for ticketing as JSON (one per product, trip and day), for the order whose id is `orderId` (an SQL expression). */
function ticketRefItems(orderId: string): string {
  return `(SELECT json_agg(json_build_object('id', i.id, 'productId', i.product_id, 'tripId', i.trip_id, 'travelDate', i.travel_date::text))
             FROM (SELECT DISTINCT ON (product_id, trip_id, travel_date) id, product_id, trip_id, travel_date
                     FROM order_item WHERE order_id = ${orderId} ORDER BY product_id, trip_id, travel_date, id) i)`;
}

/** The order's passengers' ids as JSON, in id order. */
function ticketRefPassengers(orderId: string): string {
  return `(SELECT json_agg(json_build_object('id', p.id) ORDER BY p.id) FROM order_passenger p WHERE p.order_id = ${orderId})`;
}

/** What `lockForPayment` reads. */
export interface PaymentRead {
  order: OrderRecord;
  payment: ExistingPayment | null;
  ticketRefs: TicketRefs;
}

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
   * One-trip orders, one or many (a group commit), as ONE statement outside any transaction
   * (autocommit), so all of it is written or none of it. Per trip, the seats of all its orders here
   * are taken by one conditional UPDATE; only the orders of trips whose UPDATE succeeded are inserted,
   * with their history rows, lines, passengers and `order.created` events. The trip rows are locked
   * first in `tripIdsInLockOrder` (the order every transaction takes trip rows in), so two of these
   * statements, or one and a seat transaction, never deadlock; and they stay locked only for this one
   * statement and its commit.
   *
   * Returns each order's record with its lines, in the given order, or null where its trip had no
   * seats for all of this statement's orders on it (or was not on sale): nothing of those was written.
   * An idempotency key already used, or an order number taken, aborts the whole statement through the
   * unique constraint (isIdempotencyConflict, isOrderNoCollision), again with nothing written.
   */
  async insertPendingOrdersTakingSeats(
    sql: Sql,
    orders: ReadonlyArray<{ row: PendingOrderRow; tripId: number; qty: number }>,
    tripIdsInLockOrder: readonly number[],
  ): Promise<Array<CreatedOrder | null>> {
    const input = orders.map(({ row: o, tripId, qty }) => ({
      orderNo: o.orderNo, travellerId: o.travellerId, currency: o.currency, totalAmount: o.totalAmount, discountAmount: o.discountAmount,
      lockExpireAt: o.lockExpireAt, idempotencyKey: o.idempotencyKey, promotionId: o.promotionId, snapshot: o.snapshot, now: o.now, actor: o.actor,
      lines: o.lines, passengers: o.passengers, createdTopic: o.createdTopic, createdDelivered: o.createdDelivered, tripId, qty,
    }));
    // lk says t.id = ANY($2) as well as joining the unnest: the trips are then read by key (joined to the
    // unnest alone, the planner scanned every trip of the bench's fresh tables: auto_explain, 1,961 rows
    // per statement). No SQL comments in the text: traces keep its first 1,000 characters.
    const rows = await sql.query<CreatedOrder & { k: number }>(
      `WITH input AS MATERIALIZED (
         SELECT e.k::int AS k, e.o FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(o, k)),
       need AS (
         SELECT (o->>'tripId')::int AS trip_id, sum((o->>'qty')::int)::int AS qty, max((o->>'now')::timestamptz) AS now FROM input GROUP BY 1),
       lk AS MATERIALIZED (
         SELECT t.id FROM unnest($2::int[]) WITH ORDINALITY AS u(id, n) JOIN trip t ON t.id = u.id WHERE t.id = ANY($2::int[]) ORDER BY u.n FOR UPDATE OF t),
       seat AS (
         UPDATE trip SET locked = trip.locked + need.qty, updated_at = need.now
           FROM lk JOIN need ON need.trip_id = lk.id
          WHERE trip.id = lk.id AND trip.status = 'SCHEDULED' AND trip.departure_at > need.now AND trip.capacity - trip.sold - trip.locked >= need.qty
          RETURNING trip.id),
       ins AS (
         INSERT INTO orders (order_no, traveller_id, status, currency, total_amount, discount_amount, lock_expire_at, idempotency_key,
                             promotion_id, snapshot, created_at, updated_at)
         SELECT o->>'orderNo', (o->>'travellerId')::int, 'PENDING', o->>'currency', (o->>'totalAmount')::int, (o->>'discountAmount')::int,
                (o->>'lockExpireAt')::timestamptz, o->>'idempotencyKey', (o->>'promotionId')::int, o->'snapshot', (o->>'now')::timestamptz, (o->>'now')::timestamptz
           FROM input WHERE (o->>'tripId')::int IN (SELECT id FROM seat) ORDER BY k
         RETURNING *),
       mine AS (SELECT ins.id AS order_id, input.k, input.o FROM ins JOIN input ON input.o->>'orderNo' = ins.order_no),
       h AS (
         INSERT INTO state_transition (entity_type, entity_id, from_state, to_state, actor, reason, at)
         SELECT 'order', order_id, NULL, 'PENDING', o->>'actor', NULL, (o->>'now')::timestamptz FROM mine ORDER BY k),
       li AS (
         INSERT INTO order_item (order_id, product_id, trip_id, travel_date, product_name, passenger_type, qty, unit_price, discount, subtotal, price_lines)
         SELECT mine.order_id, (l.v->>'productId')::int, (l.v->>'tripId')::int, (l.v->>'travelDate')::date, l.v->>'productName', l.v->>'passengerType',
                (l.v->>'qty')::int, (l.v->>'unitPrice')::int, (l.v->>'discount')::int, (l.v->>'subtotal')::int, '[]'::jsonb
           FROM mine, jsonb_array_elements(mine.o->'lines') WITH ORDINALITY AS l(v, n) ORDER BY mine.k, l.n
         RETURNING id, order_id, product_id, trip_id, travel_date, product_name, passenger_type, qty, unit_price, discount, subtotal),
       pa AS (
         INSERT INTO order_passenger (order_id, name, passenger_type, phone)
         SELECT mine.order_id, p.v->>'name', p.v->>'type', p.v->>'phone'
           FROM mine, jsonb_array_elements(mine.o->'passengers') WITH ORDINALITY AS p(v, n) ORDER BY mine.k, p.n),
       ev AS (
         INSERT INTO outbox_event (topic, payload, available_at, status, delivered_at)
         SELECT o->>'createdTopic', jsonb_build_object('orderId', order_id, 'travellerId', (o->>'travellerId')::int, 'totalAmount', (o->>'totalAmount')::int),
                (o->>'now')::timestamptz, CASE WHEN (o->>'createdDelivered')::boolean THEN 'DELIVERED' ELSE 'PENDING' END,
                CASE WHEN (o->>'createdDelivered')::boolean THEN (o->>'now')::timestamptz END
           FROM mine ORDER BY k)
       SELECT mine.k, ${ORDER_COLUMNS},
              (SELECT COALESCE(jsonb_agg(jsonb_build_object(
                 'id', li.id, 'orderId', li.order_id, 'productId', li.product_id, 'tripId', li.trip_id, 'travelDate', li.travel_date::text,
                 'productName', li.product_name, 'passengerType', li.passenger_type, 'qty', li.qty, 'unitPrice', li.unit_price,
                 'discount', li.discount, 'subtotal', li.subtotal) ORDER BY li.id), '[]'::jsonb) FROM li WHERE li.order_id = ins.id) AS "createdLines"
         FROM ins JOIN mine ON mine.order_id = ins.id`,
      [JSON.stringify(input), tripIdsInLockOrder],
    );
    const out = new Array<CreatedOrder | null>(orders.length).fill(null);
    for (const { k, ...order } of rows) out[k - 1] = order;
    return out;
  },

  /** Moves an order from one status to another only if it is still in `from` (no lost updates). */
  async transition(sql: Sql, id: number, from: OrderStatus, to: OrderStatus, extra: { now: Date; cancelReason?: string; paymentState?: string }): Promise<boolean> {
    const rows = await sql.query(`${ORDER_TRANSITION} RETURNING id`, transitionParams(id, from, to, extra));
    return rows.length > 0;
  },

  /**
   * `transition` queued with the transaction's deferred writes (TxSql.later): it goes with them in one
   * statement before the COMMIT, and the transaction fails unless it moved exactly this order. For a
   * caller that holds the order's row lock, so the state cannot have moved meanwhile.
   */
  queueTransition(sql: TxSql, id: number, from: OrderStatus, to: OrderStatus, extra: { now: Date; cancelReason?: string; paymentState?: string }): void {
    sql.later(ORDER_TRANSITION, transitionParams(id, from, to, extra), { expectRows: 1 });
  },

  /** An order's lines and passengers as ticket issuance needs them (both fixed once the order exists). */
  async ticketRefs(sql: Sql, orderId: number): Promise<TicketRefs> {
    const [row] = await sql.query<TicketRefs>(`SELECT ${ticketRefItems('$1')} AS items, ${ticketRefPassengers('$1')} AS passengers`, [orderId]);
    return row ?? { items: null, passengers: null };
  },

  /**
   * What applying a payment reads, in one statement: the order (row locked), the payment already
   * recorded under this gateway transaction id, and the order's lines and passengers for ticketing.
   * The payment is read with the statement's snapshot, taken before the lock wait: a payment committed
   * by the transaction that held the lock is not seen, and inserting it again fails on its unique key;
   * the caller then runs again (a fresh snapshot sees it). Null: no such order.
   */
  async lockForPayment(sql: Sql, ref: { id: number } | { orderNo: string }, txnId: string): Promise<PaymentRead | null> {
    const [row] = await sql.query<OrderRecord & { existingPayment: ExistingPayment | null; ticketRefs: TicketRefs }>(
      `WITH o AS MATERIALIZED (SELECT ${ORDER_COLUMNS} FROM orders WHERE ${'id' in ref ? 'id = $1' : 'order_no = $1'} FOR UPDATE)
       SELECT o.*,
              (SELECT json_build_object('id', p.id, 'orderId', p.order_id, 'amount', p.amount, 'status', p.status, 'response', p.response)
                 FROM payment p WHERE p.gateway_txn_id = $2) AS "existingPayment",
              json_build_object('items', ${ticketRefItems('o.id')}, 'passengers', ${ticketRefPassengers('o.id')}) AS "ticketRefs"
         FROM o`,
      ['id' in ref ? ref.id : ref.orderNo, txnId],
    );
    if (!row) return null;
    const { existingPayment, ticketRefs, ...order } = row;
    const payment = existingPayment ? { ...existingPayment, id: Number(existingPayment.id), orderId: existingPayment.orderId === null ? null : Number(existingPayment.orderId), amount: Number(existingPayment.amount) } : null;
    return { order: order as OrderRecord, payment, ticketRefs };
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
