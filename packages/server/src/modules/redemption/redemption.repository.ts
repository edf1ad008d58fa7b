import type { PassengerType, TicketStatus } from '@deeptravel/shared';
import type { Sql } from '../../common/db/sql.js';

/** A ticket as the gate sees it after a scan. */
export interface ScanTicketRow {
  id: number;
  code: string;
  status: TicketStatus;
  shared: boolean;
  validFrom: Date;
  validUntil: Date;
  qrSecret: string;
  productName: string;
  orderNo: string;
  passengerName: string | null;
  passengerType: PassengerType | null;
  /** The departure this ticket is for (null: a pass, valid on any departure). */
  tripId: number | null;
  departureAt: Date | null;
}

/** A line of a scanned ticket, with its last use and whether this very code already used it. */
export interface ScanLineRow {
  id: number;
  ticketId: number;
  name: string;
  merchantId: number;
  merchantName: string;
  usesTotal: number;
  usesLeft: number;
  lastRedeemedAt: Date | null;
  lastTerminalCode: string | null;
  lastTerminalName: string | null;
  replayed: boolean;
}

/** The SCAN log row a redeem presents (by its nonce), and an earlier redemption of the same line with it. */
export interface ScanRow {
  at: Date;
  terminalId: number;
  staffId: number;
  qrTyp: 'T' | 'O';
  qrRef: string;
  qrStep: number;
  detail: { codes?: string[]; tripId?: number } | null;
  priorRedemptionId: number | null;
}

/** What the conditional UPDATE returns when it took one use. */
export interface RedeemedLineRow {
  usesLeft: number;
  usesTotal: number;
  lineName: string;
  ticketCode: string;
  orderId: number;
  travellerId: number;
  productName: string;
  passengerName: string | null;
  tripId: number | null;
  /** The ticket's other lines that still have a use left (read in the same statement). */
  otherLinesLeft: number;
}

/** A redemption as staff, the live feed and replays see it. */
export interface RedemptionView {
  id: number;
  at: Date;
  merchantId: number;
  terminalId: number;
  terminalCode: string;
  terminalName: string;
  staffId: number;
  staffUsername: string;
  ticketId: number;
  ticketCode: string;
  ticketStatus: TicketStatus;
  lineId: number;
  lineName: string;
  usesLeft: number;
  usesTotal: number;
  productName: string;
  passengerName: string | null;
  /** The redeemed ticket's departure (live departure counts listen for it). */
  tripId?: number | null;
}

/** Why a redeem changed nothing: the facts the refusal is computed from. */
export interface DiagnosisRow {
  status: TicketStatus;
  validFrom: Date;
  validUntil: Date;
  inScan: boolean;
  lineId: number | null;
  merchantId: number | null;
  usesLeft: number | null;
  lastAt: Date | null;
  lastTerminalCode: string | null;
  lastTerminalName: string | null;
  lastMerchantName: string | null;
  replayed: boolean;
  priorRedemptionId: number | null;
  tripId: number | null;
  departureAt: Date | null;
}

/** One audit entry to write. */
export interface LogEntry {
  at: Date;
  merchantId: number;
  terminalId: number;
  staffId: number;
  action: 'SCAN' | 'REDEEM';
  result: 'ALLOWED' | 'DENIED';
  reason?: string | null;
  scanNonce?: string | null;
  qrTyp?: string | null;
  qrRef?: string | null;
  qrStep?: number | null;
  ticketId?: number | null;
  ticketLineId?: number | null;
  detail?: Record<string, unknown> | null;
}

/** A log entry as managers read it. */
export interface LogRecord {
  id: number;
  at: Date;
  action: 'SCAN' | 'REDEEM';
  result: 'ALLOWED' | 'DENIED';
  reason: string | null;
  terminalId: number;
  terminalCode: string;
  terminalName: string;
  staffId: number;
  staffUsername: string;
  staffName: string;
  ticketId: number | null;
  ticketCode: string | null;
  productName: string | null;
  lineId: number | null;
  lineName: string | null;
  qrTyp: string | null;
  qrRef: string | null;
  redemptionId: number | null;
}

/** Filters of the log (merchant always set by the service from the principal). */
export interface LogQuery {
  merchantId: number;
  terminalId: number | null;
  result: string | null;
  action: string | null;
  from: Date | null;
  to: Date | null;
  /** Keyset: entries strictly older than this (at, id). */
  before: { at: Date; id: number } | null;
  limit: number;
}

const TICKET_COLUMNS = `t.id, t.code, t.status, t.shared, t.valid_from AS "validFrom", t.valid_until AS "validUntil", t.qr_secret AS "qrSecret",
  t.product_name AS "productName", o.order_no AS "orderNo", p.name AS "passengerName", p.passenger_type AS "passengerType",
  t.trip_id AS "tripId", (SELECT tr.departure_at FROM trip tr WHERE tr.id = t.trip_id) AS "departureAt"`;

/** The redemption module's SQL. Tickets are read here (not through the tickets module) to keep the hot path to a few statements. */
export const redemptionRepository = {
  /** The tickets a verified QR names: one ticket (typ T), or the listed tickets of an order (typ O). */
  scanTickets(sql: Sql, typ: 'T' | 'O', ref: string, codes: string[]): Promise<ScanTicketRow[]> {
    const from = `FROM ticket t JOIN orders o ON o.id = t.order_id LEFT JOIN order_passenger p ON p.id = t.passenger_id`;
    return typ === 'T'
      ? sql.query<ScanTicketRow>(`SELECT ${TICKET_COLUMNS} ${from} WHERE t.code = $1`, [ref])
      : sql.query<ScanTicketRow>(`SELECT ${TICKET_COLUMNS} ${from} WHERE o.order_no = $1 AND t.code = ANY($2::text[]) ORDER BY t.id`, [ref, codes]);
  },

  /** The lines of scanned tickets with their last use, and whether this code (ref + step) already redeemed each. */
  scanLines(sql: Sql, ticketIds: number[], ref: string, step: number): Promise<ScanLineRow[]> {
    return sql.query<ScanLineRow>(
      `SELECT l.id, l.ticket_id AS "ticketId", l.name, l.merchant_id AS "merchantId", m.name AS "merchantName",
              l.uses_total AS "usesTotal", l.uses_left AS "usesLeft", last.at AS "lastRedeemedAt",
              tm.code AS "lastTerminalCode", tm.name AS "lastTerminalName",
              EXISTS (SELECT 1 FROM redemption x WHERE x.ticket_line_id = l.id AND x.qr_ref = $2 AND x.qr_step = $3) AS replayed
         FROM ticket_line l JOIN merchant m ON m.id = l.merchant_id
         LEFT JOIN LATERAL (SELECT r.at, r.terminal_id FROM redemption r WHERE r.ticket_line_id = l.id ORDER BY r.at DESC, r.id DESC LIMIT 1) last ON true
         LEFT JOIN terminal tm ON tm.id = last.terminal_id
        WHERE l.ticket_id = ANY($1::int[]) ORDER BY l.ticket_id, l.id`,
      [ticketIds, ref, step],
    );
  },

  /** Appends an audit entry; returns its id. */
  async insertLog(sql: Sql, e: LogEntry): Promise<number> {
    const [row] = await sql.query<{ id: number }>(
      `INSERT INTO redemption_log (at, merchant_id, terminal_id, staff_id, action, result, reason, scan_nonce, qr_typ, qr_ref, qr_step, ticket_id, ticket_line_id, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
      [e.at, e.merchantId, e.terminalId, e.staffId, e.action, e.result, e.reason ?? null, e.scanNonce ?? null, e.qrTyp ?? null, e.qrRef ?? null,
        e.qrStep ?? null, e.ticketId ?? null, e.ticketLineId ?? null, e.detail ? JSON.stringify(e.detail) : null],
    );
    return row.id;
  },

  /** The nonce of the latest verified scan of a ticket (alone or in an order QR) on a terminal since `since`. */
  async latestScanNonce(sql: Sql, terminalId: number, staffId: number, ticketId: number, since: Date): Promise<string | null> {
    const rows = await sql.query<{ nonce: string }>(
      `SELECT s.scan_nonce AS nonce FROM redemption_log s, ticket t
        WHERE t.id = $3 AND s.terminal_id = $1 AND s.staff_id = $2 AND s.action = 'SCAN' AND s.qr_ref IS NOT NULL AND s.at >= $4
          AND s.scan_nonce IS NOT NULL AND (s.qr_ref = t.code OR COALESCE(s.detail->'codes', '[]'::jsonb) ? t.code)
        ORDER BY s.id DESC LIMIT 1`,
      [terminalId, staffId, ticketId, since],
    );
    return rows[0]?.nonce ?? null;
  },

  /** The verified scan behind a nonce, with the redemption it already made of `lineId` (if any). */
  async scanByNonce(sql: Sql, nonce: string, lineId: number): Promise<ScanRow | null> {
    return (await this.scansByNonce(sql, [{ nonce, lineId }]))[0];
  },

  /**
   * `scanByNonce` for several redeems in one statement (one answer per key, in order): concurrent
   * redeems share it (`concurrentReads` in RedemptionService).
   */
  async scansByNonce(sql: Sql, keys: ReadonlyArray<{ nonce: string; lineId: number }>): Promise<Array<ScanRow | null>> {
    const rows = await sql.query<ScanRow & { n: number }>(
      `SELECT k.n, x.*
         FROM unnest($1::text[], $2::int[]) WITH ORDINALITY AS k(nonce, line_id, n),
              LATERAL (SELECT s.at, s.terminal_id AS "terminalId", s.staff_id AS "staffId", s.qr_typ AS "qrTyp", s.qr_ref AS "qrRef",
                              s.qr_step AS "qrStep", s.detail, r.id AS "priorRedemptionId"
                         FROM redemption_log s LEFT JOIN redemption r ON r.scan_nonce = s.scan_nonce AND r.ticket_line_id = k.line_id
                        WHERE s.scan_nonce = k.nonce AND s.action = 'SCAN' AND s.qr_ref IS NOT NULL
                        LIMIT 1) x`,
      [keys.map((k) => k.nonce), keys.map((k) => k.lineId)],
    );
    const byPosition = new Map(rows.map(({ n, ...row }) => [Number(n), row as ScanRow]));
    return keys.map((_, i) => byPosition.get(i + 1) ?? null);
  },

  /**
   * The redemptions themselves, one statement for a set of redeems of distinct tickets (a redeem group,
   * or one redeem alone): for each, one conditional UPDATE of its line, and for each use taken its
   * redemption row, its ALLOWED log row and, when `events` is given, its outbox event (the payload
   * plus the new `redemptionId` and what the UPDATE read). The ticket row is locked first (so two lines
   * of one ticket, or a refund, serialise with it) and must be ACTIVE, within its validity and named
   * by the scanned code; the line must belong to the merchant and have a use left. The caller has
   * locked the tickets' orders before this statement (TxOptions.opening), so its snapshot sees every
   * earlier redeemer's commit and `otherLinesLeft` is exact. Returns one row per use taken, by `k`.
   */
  async redeemAndRecord(
    sql: Sql,
    jobs: Array<{
      k: number; ticketId: number; lineId: number; merchantId: number; terminalId: number; staffId: number; now: Date;
      ref: string; codes: string[]; tripId: number | null; scanNonce: string; qrStep: number; qrTyp: string; event: Record<string, unknown>;
    }>,
    events: { topic: string; at: Date; delivered: boolean } | null,
  ): Promise<Array<RedeemedLineRow & { k: number; redemptionId: number }>> {
    const rows = await sql.query<RedeemedLineRow & { k: number; redemptionId: number }>(
      `WITH j AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb)
           AS j(k int, ticket_id int, line_id int, merchant_id int, terminal_id int, staff_id int, at timestamptz, ref text, codes jsonb, trip_id int,
                scan_nonce text, qr_step int, qr_typ text, event jsonb)),
       t AS (
         SELECT j.k, j.line_id, j.merchant_id, j.at, t.id, t.code, t.order_id, t.product_name, t.trip_id, o.traveller_id, p.name AS passenger_name
           FROM j JOIN ticket t ON t.id = j.ticket_id JOIN orders o ON o.id = t.order_id LEFT JOIN order_passenger p ON p.id = t.passenger_id
          -- The ids again as an array: the planner then reads the tickets by key (from the recordset alone
          -- it guessed 100 rows and, on a freshly loaded table, scanned all of them).
          WHERE t.id = ANY($5::int[]) AND t.status = 'ACTIVE' AND t.valid_from <= j.at AND t.valid_until > j.at
            AND (t.code = j.ref OR (o.order_no = j.ref AND t.code = ANY (ARRAY(SELECT jsonb_array_elements_text(j.codes)))))
            AND (j.trip_id IS NULL OR t.trip_id IS NULL OR t.trip_id = j.trip_id)
            FOR UPDATE OF t),
       u AS (
         UPDATE ticket_line l SET uses_left = l.uses_left - 1, updated_at = t.at
           FROM t
          WHERE l.id = t.line_id AND l.ticket_id = t.id AND l.merchant_id = t.merchant_id AND l.uses_left > 0
         RETURNING t.k, l.uses_left, l.uses_total, l.name AS line_name, t.code AS ticket_code, t.order_id, t.traveller_id, t.product_name,
                   t.passenger_name, t.trip_id,
                   -- The ticket's other lines with a use left, so "all lines used" costs no extra round trip.
                   (SELECT count(*)::int FROM ticket_line o WHERE o.ticket_id = t.id AND o.id <> l.id AND o.uses_left > 0) AS other_lines_left),
       r AS (
         INSERT INTO redemption (at, ticket_id, ticket_line_id, merchant_id, terminal_id, staff_id, scan_nonce, qr_ref, qr_step, uses_left_after)
         SELECT j.at, j.ticket_id, j.line_id, j.merchant_id, j.terminal_id, j.staff_id, j.scan_nonce, j.ref, j.qr_step, u.uses_left
           FROM u JOIN j ON j.k = u.k ORDER BY u.k
         RETURNING id, ticket_line_id),
       lg AS (
         INSERT INTO redemption_log (at, merchant_id, terminal_id, staff_id, action, result, scan_nonce, qr_typ, qr_ref, qr_step, ticket_id, ticket_line_id, redemption_id)
         SELECT j.at, j.merchant_id, j.terminal_id, j.staff_id, 'REDEEM', 'ALLOWED', j.scan_nonce, j.qr_typ, j.ref, j.qr_step, j.ticket_id, j.line_id, r.id
           FROM j JOIN r ON r.ticket_line_id = j.line_id ORDER BY j.k),
       ev AS (
         INSERT INTO outbox_event (topic, payload, available_at, status, delivered_at)
         SELECT $2::varchar,
                j.event || jsonb_build_object('redemptionId', r.id, 'travellerId', u.traveller_id, 'orderId', u.order_id, 'ticketCode', u.ticket_code,
                                              'lineName', u.line_name, 'usesLeft', u.uses_left),
                $3::timestamptz, CASE WHEN $4::boolean THEN 'DELIVERED' ELSE 'PENDING' END, CASE WHEN $4::boolean THEN $3::timestamptz END
           FROM j JOIN r ON r.ticket_line_id = j.line_id JOIN u ON u.k = j.k WHERE $2::varchar IS NOT NULL ORDER BY j.k)
       SELECT u.k, r.id AS "redemptionId", u.uses_left AS "usesLeft", u.uses_total AS "usesTotal", u.line_name AS "lineName", u.ticket_code AS "ticketCode",
              u.order_id AS "orderId", u.traveller_id AS "travellerId", u.product_name AS "productName", u.passenger_name AS "passengerName",
              u.trip_id AS "tripId", u.other_lines_left AS "otherLinesLeft"
         FROM u JOIN j ON j.k = u.k JOIN r ON r.ticket_line_id = j.line_id`,
      [
        JSON.stringify(jobs.map((j) => ({
          k: j.k, ticket_id: j.ticketId, line_id: j.lineId, merchant_id: j.merchantId, terminal_id: j.terminalId, staff_id: j.staffId, at: j.now.toISOString(),
          ref: j.ref, codes: j.codes, trip_id: j.tripId, scan_nonce: j.scanNonce, qr_step: j.qrStep, qr_typ: j.qrTyp, event: j.event,
        }))),
        events?.topic ?? null, events?.at ?? null, events?.delivered ?? false, jobs.map((j) => j.ticketId),
      ],
    );
    return rows.map((r) => ({ ...r, k: Number(r.k), redemptionId: Number(r.redemptionId) }));
  },

  /** Lines of a ticket with uses left (the ticket is locked by the caller's transaction). */
  async linesLeft(sql: Sql, ticketId: number): Promise<number> {
    const [row] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM ticket_line WHERE ticket_id = $1 AND uses_left > 0', [ticketId]);
    return row.n;
  },

  /** Records the use and its ALLOWED log entry in one statement; returns the redemption id. */
  async insertRedemption(
    sql: Sql,
    r: { at: Date; ticketId: number; lineId: number; merchantId: number; terminalId: number; staffId: number; scanNonce: string; qrRef: string; qrStep: number; qrTyp: string; usesLeftAfter: number },
  ): Promise<number> {
    const [row] = await sql.query<{ id: number }>(
      `WITH r AS (
         INSERT INTO redemption (at, ticket_id, ticket_line_id, merchant_id, terminal_id, staff_id, scan_nonce, qr_ref, qr_step, uses_left_after)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id)
       INSERT INTO redemption_log (at, merchant_id, terminal_id, staff_id, action, result, scan_nonce, qr_typ, qr_ref, qr_step, ticket_id, ticket_line_id, redemption_id)
       SELECT $1, $4, $5, $6, 'REDEEM', 'ALLOWED', $7, $11, $8, $9, $2, $3, r.id FROM r
       RETURNING redemption_id AS id`,
      [r.at, r.ticketId, r.lineId, r.merchantId, r.terminalId, r.staffId, r.scanNonce, r.qrRef, r.qrStep, r.usesLeftAfter, r.qrTyp],
    );
    return Number(row.id);
  },

  /** A stored redemption (for replays of the same request). */
  async redemptionView(sql: Sql, id: number): Promise<RedemptionView | null> {
    const rows = await sql.query<RedemptionView>(
      `SELECT r.id, r.at, r.merchant_id AS "merchantId", r.terminal_id AS "terminalId", tm.code AS "terminalCode", tm.name AS "terminalName",
              r.staff_id AS "staffId", s.username AS "staffUsername", r.ticket_id AS "ticketId", t.code AS "ticketCode", t.status AS "ticketStatus",
              r.ticket_line_id AS "lineId", l.name AS "lineName", r.uses_left_after AS "usesLeft", l.uses_total AS "usesTotal",
              t.product_name AS "productName", p.name AS "passengerName"
         FROM redemption r JOIN ticket t ON t.id = r.ticket_id JOIN ticket_line l ON l.id = r.ticket_line_id
         JOIN terminal tm ON tm.id = r.terminal_id JOIN merchant_staff s ON s.id = r.staff_id
         LEFT JOIN order_passenger p ON p.id = t.passenger_id
        WHERE r.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  },

  /** The facts behind a refused redeem (read after the conditional UPDATE took nothing). */
  async diagnose(sql: Sql, a: { ticketId: number; lineId: number; ref: string; codes: string[]; step: number; nonce: string }): Promise<DiagnosisRow | null> {
    const rows = await sql.query<DiagnosisRow>(
      `SELECT t.status, t.valid_from AS "validFrom", t.valid_until AS "validUntil",
              (t.code = $3 OR (o.order_no = $3 AND t.code = ANY($4::text[]))) AS "inScan",
              l.id AS "lineId", l.merchant_id AS "merchantId", l.uses_left AS "usesLeft",
              last.at AS "lastAt", tm.code AS "lastTerminalCode", tm.name AS "lastTerminalName", m.name AS "lastMerchantName",
              EXISTS (SELECT 1 FROM redemption x WHERE x.ticket_line_id = l.id AND x.qr_ref = $3 AND x.qr_step = $5) AS replayed,
              (SELECT pr.id FROM redemption pr WHERE pr.scan_nonce = $6 AND pr.ticket_line_id = $2) AS "priorRedemptionId",
              t.trip_id AS "tripId", (SELECT tr.departure_at FROM trip tr WHERE tr.id = t.trip_id) AS "departureAt"
         FROM ticket t JOIN orders o ON o.id = t.order_id
         LEFT JOIN ticket_line l ON l.id = $2 AND l.ticket_id = t.id
         LEFT JOIN LATERAL (SELECT r.at, r.terminal_id, r.merchant_id FROM redemption r WHERE r.ticket_line_id = l.id ORDER BY r.at DESC, r.id DESC LIMIT 1) last ON true
         LEFT JOIN terminal tm ON tm.id = last.terminal_id
         LEFT JOIN merchant m ON m.id = last.merchant_id
        WHERE t.id = $1`,
      [a.ticketId, a.lineId, a.ref, a.codes, a.step, a.nonce],
    );
    return rows[0] ?? null;
  },

  /** A page of the log, newest first (keyset on (at, id)). */
  logs(sql: Sql, q: LogQuery): Promise<LogRecord[]> {
    return sql.query<LogRecord>(
      `SELECT l.id, l.at, l.action, l.result, l.reason, l.terminal_id AS "terminalId", tm.code AS "terminalCode", tm.name AS "terminalName",
              l.staff_id AS "staffId", s.username AS "staffUsername", s.display_name AS "staffName", l.ticket_id AS "ticketId",
              t.code AS "ticketCode", t.product_name AS "productName", l.ticket_line_id AS "lineId", tl.name AS "lineName",
              l.qr_typ AS "qrTyp", l.qr_ref AS "qrRef", l.redemption_id AS "redemptionId"
         FROM redemption_log l JOIN terminal tm ON tm.id = l.terminal_id JOIN merchant_staff s ON s.id = l.staff_id
         LEFT JOIN ticket t ON t.id = l.ticket_id LEFT JOIN ticket_line tl ON tl.id = l.ticket_line_id
        WHERE l.merchant_id = $1
          AND ($2::int IS NULL OR l.terminal_id = $2)
          AND ($3::text IS NULL OR l.result = $3)
          AND ($4::text IS NULL OR l.action = $4)
          AND ($5::timestamptz IS NULL OR l.at >= $5)
          AND ($6::timestamptz IS NULL OR l.at < $6)
          AND ($7::timestamptz IS NULL OR (l.at, l.id) < ($7::timestamptz, $8::bigint))
        ORDER BY l.at DESC, l.id DESC
        LIMIT $9`,
      [q.merchantId, q.terminalId, q.result, q.action, q.from, q.to, q.before?.at ?? null, q.before?.id ?? null, q.limit],
    );
  },
};
