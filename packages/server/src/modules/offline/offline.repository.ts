import type { Sql } from '../../common/db/sql.js';
import type { SyncStatus } from './offline-sync.service.js';

/** The ticket and line an offline item names, locked (order row, then ticket row). */
export interface SyncTicketRow {
  id: number;
  code: string;
  orderId: number;
  orderNo: string;
  travellerId: number;
  status: string;
  validFrom: Date;
  validUntil: Date;
  productName: string;
  passengerName: string | null;
  lineId: number | null;
  lineMerchantId: number | null;
  lineName: string | null;
  usesLeft: number | null;
  usesTotal: number | null;
  tripId: number | null;
}

/** The latest offline redemption of a line scanned after a given time (the one that gives way). */
export interface LaterOfflineRow {
  redemptionId: number;
  terminalId: number;
  staffId: number;
  scanNonce: string;
  scannedAt: Date;
  qrRef: string;
  qrStep: number;
}

/** A conflict as managers read it. */
export interface ConflictRow {
  id: number;
  scannedAt: Date;
  status: string;
  reason: string;
  terminalId: number;
  terminalCode: string;
  terminalName: string;
  staffUsername: string;
  ticketId: number;
  ticketCode: string;
  productName: string;
  passengerName: string | null;
  lineId: number;
  lineName: string;
  winnerAt: Date | null;
  winnerTerminalCode: string | null;
  resolutionNote: string | null;
  resolvedBy: string | null;
  resolvedAt: Date | null;
}

/** SQL of offline sync, enrolment aside (raw and parameterised: the sync is a hot path after an outage). */
export const offlineRepository = {
  /** Staff ids (of those given) that belong to the merchant. */
  async staffOfMerchant(sql: Sql, merchantId: number, ids: number[]): Promise<Set<number>> {
    const clean = [...new Set(ids.filter((i) => Number.isSafeInteger(i) && i > 0))];
    if (!clean.length) return new Set();
    const rows = await sql.query<{ id: number }>('SELECT id FROM merchant_staff WHERE merchant_id = $1 AND id = ANY($2::int[])', [merchantId, clean]);
    return new Set(rows.map((r) => r.id));
  },

  async username(sql: Sql, staffId: number): Promise<string> {
    const [row] = await sql.query<{ username: string }>('SELECT username FROM merchant_staff WHERE id = $1', [staffId]);
    return row?.username ?? '';
  },

  /** What an item (by nonce and line) became when it was synced before: a redemption or a conflict. */
  async priorOutcome(sql: Sql, nonce: string, lineId: number): Promise<{ status: SyncStatus; redemptionId: number | null; conflictId: number | null; code: string | null; message: string | null } | null> {
    const [row] = await sql.query<{ redemptionId: string | null; conflictId: number | null; winner: string | null }>(
      `SELECT (SELECT r.id FROM redemption r WHERE r.scan_nonce = $1 AND r.ticket_line_id = $2) AS "redemptionId",
              c.id AS "conflictId", c.winner_redemption_id AS winner
         FROM (SELECT 1) x LEFT JOIN redemption_conflict c ON c.scan_nonce = $1 AND c.ticket_line_id = $2`,
      [nonce, lineId],
    );
    if (row?.redemptionId) return { status: 'APPLIED', redemptionId: Number(row.redemptionId), conflictId: null, code: null, message: null };
    if (row?.conflictId) {
      return { status: 'CONFLICT', redemptionId: row.winner ? Number(row.winner) : null, conflictId: row.conflictId, code: 'REDEMPTION_CONFLICT', message: 'Kept as a conflict for a manager' };
    }
    return null;
  },

  /** Locks the order and the ticket (in that order) and reads the ticket with the line. */
  async lockTicketAndLine(sql: Sql, ticketId: number, lineId: number): Promise<SyncTicketRow | null> {
    await sql.query('SELECT o.id FROM orders o JOIN ticket t ON t.order_id = o.id WHERE t.id = $1 FOR UPDATE OF o', [ticketId]);
    const rows = await sql.query<SyncTicketRow>(
      `SELECT t.id, t.code, t.order_id AS "orderId", o.order_no AS "orderNo", o.traveller_id AS "travellerId", t.status,
              t.valid_from AS "validFrom", t.valid_until AS "validUntil", t.product_name AS "productName", p.name AS "passengerName",
              l.id AS "lineId", l.merchant_id AS "lineMerchantId", l.name AS "lineName", l.uses_left AS "usesLeft", l.uses_total AS "usesTotal",
              t.trip_id AS "tripId"
         FROM ticket t JOIN orders o ON o.id = t.order_id LEFT JOIN order_passenger p ON p.id = t.passenger_id
         LEFT JOIN ticket_line l ON l.id = $2 AND l.ticket_id = t.id
        WHERE t.id = $1
          FOR UPDATE OF t`,
      [ticketId, lineId],
    );
    return rows[0] ?? null;
  },

  /** True when this line was already used with this displayed code (ref + rotating step). */
  async stepUsed(sql: Sql, lineId: number, ref: string, step: number): Promise<boolean> {
    const rows = await sql.query('SELECT 1 FROM redemption WHERE ticket_line_id = $1 AND qr_ref = $2 AND qr_step = $3 LIMIT 1', [lineId, ref, step]);
    return rows.length > 0;
  },

  async lastRedemptionId(sql: Sql, lineId: number): Promise<number | null> {
    const [row] = await sql.query<{ id: string }>('SELECT id FROM redemption WHERE ticket_line_id = $1 ORDER BY at DESC, id DESC LIMIT 1', [lineId]);
    return row ? Number(row.id) : null;
  },

  /** Takes one use (the ticket is locked by the caller); returns the uses left after. */
  async takeUse(sql: Sql, lineId: number, now: Date): Promise<number> {
    const [row] = await sql.query<{ usesLeft: number }>(
      'UPDATE ticket_line SET uses_left = uses_left - 1, updated_at = $2 WHERE id = $1 AND uses_left > 0 RETURNING uses_left AS "usesLeft"',
      [lineId, now],
    );
    if (!row) throw new Error(`line ${lineId} had no use left under lock`);
    return row.usesLeft;
  },

  async insertOfflineRedemption(sql: Sql, r: { redemptionId: number; lineId: number; terminalId: number; scannedAt: Date; now: Date }): Promise<void> {
    await sql.query(
      'INSERT INTO offline_redemption (redemption_id, ticket_line_id, terminal_id, scanned_at, synced_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5, $5)',
      [r.redemptionId, r.lineId, r.terminalId, r.scannedAt, r.now],
    );
  },

  /** Marks the ALLOWED log row of a synced redemption as made offline (and when it was synced). */
  async markLogOffline(sql: Sql, redemptionId: number, syncedAt: Date): Promise<void> {
    await sql.query(`UPDATE redemption_log SET detail = jsonb_build_object('offline', true, 'syncedAt', $2::text) WHERE redemption_id = $1 AND action = 'REDEEM'`, [
      redemptionId, syncedAt.toISOString(),
    ]);
  },

  /** The latest offline use of a line that was scanned after `at` (null when every use came earlier, or online). */
  async laterOfflineRedemption(sql: Sql, lineId: number, at: Date): Promise<LaterOfflineRow | null> {
    const rows = await sql.query<LaterOfflineRow>(
      `SELECT r.id AS "redemptionId", r.terminal_id AS "terminalId", r.staff_id AS "staffId", r.scan_nonce AS "scanNonce",
              o.scanned_at AS "scannedAt", r.qr_ref AS "qrRef", r.qr_step AS "qrStep"
         FROM offline_redemption o JOIN redemption r ON r.id = o.redemption_id
        WHERE o.ticket_line_id = $1 AND o.scanned_at > $2
        ORDER BY o.scanned_at DESC LIMIT 1`,
      [lineId, at],
    );
    const row = rows[0];
    return row ? { ...row, redemptionId: Number(row.redemptionId) } : null;
  },

  /** Gives an existing redemption to the earlier scan (the later one was kept as a conflict first). */
  async moveRedemption(sql: Sql, id: number, to: { at: Date; terminalId: number; staffId: number; scanNonce: string; qrRef: string; qrStep: number; now: Date }): Promise<void> {
    await sql.query(
      'UPDATE redemption SET at = $2, terminal_id = $3, staff_id = $4, scan_nonce = $5, qr_ref = $6, qr_step = $7 WHERE id = $1',
      [id, to.at, to.terminalId, to.staffId, to.scanNonce, to.qrRef, to.qrStep],
    );
    await sql.query('UPDATE offline_redemption SET scanned_at = $2, terminal_id = $3, synced_at = $4, updated_at = $4 WHERE redemption_id = $1', [id, to.at, to.terminalId, to.now]);
    // The bundle's deltas notice the line's new last use.
    await sql.query('UPDATE ticket_line SET updated_at = $2 WHERE id = (SELECT ticket_line_id FROM redemption WHERE id = $1)', [id, to.now]);
  },

  async insertConflict(
    sql: Sql,
    c: { merchantId: number; ticketId: number; lineId: number; terminalId: number; staffId: number; scanNonce: string; scannedAt: Date; qrRef: string | null; qrStep: number | null; reason: string; winnerRedemptionId: number | null; now: Date },
  ): Promise<number> {
    const [row] = await sql.query<{ id: number }>(
      `INSERT INTO redemption_conflict (merchant_id, ticket_id, ticket_line_id, terminal_id, staff_id, scan_nonce, scanned_at, qr_ref, qr_step, reason, winner_redemption_id, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id`,
      [c.merchantId, c.ticketId, c.lineId, c.terminalId, c.staffId, c.scanNonce, c.scannedAt, c.qrRef, c.qrStep, c.reason, c.winnerRedemptionId, c.now],
    );
    return row.id;
  },

  /** A scan refused offline, logged once (by its nonce). */
  async insertOfflineRefusalLog(sql: Sql, r: { at: Date; merchantId: number; terminalId: number; staffId: number; scanNonce: string; reason: string; qrRef: string | null; syncedAt: Date }): Promise<void> {
    await sql.query(
      `INSERT INTO redemption_log (at, merchant_id, terminal_id, staff_id, action, result, reason, scan_nonce, qr_ref, detail)
       SELECT $1::timestamptz, $2::int, $3::int, $4::int, 'SCAN', 'DENIED', $5::text, $6::text, $7::text, $8::jsonb
        WHERE NOT EXISTS (SELECT 1 FROM redemption_log WHERE scan_nonce = $6::text AND action = 'SCAN' AND merchant_id = $2::int)`,
      [r.at, r.merchantId, r.terminalId, r.staffId, r.reason, r.scanNonce, r.qrRef, JSON.stringify({ offline: true, syncedAt: r.syncedAt.toISOString() })],
    );
  },

  conflicts(sql: Sql, merchantId: number, status: string | null, limit: number): Promise<ConflictRow[]> {
    return sql.query<ConflictRow>(
      `SELECT c.id, c.scanned_at AS "scannedAt", c.status, c.reason, c.terminal_id AS "terminalId", tm.code AS "terminalCode", tm.name AS "terminalName",
              s.username AS "staffUsername", c.ticket_id AS "ticketId", t.code AS "ticketCode", t.product_name AS "productName", p.name AS "passengerName",
              c.ticket_line_id AS "lineId", l.name AS "lineName", w.at AS "winnerAt", wt.code AS "winnerTerminalCode",
              c.resolution_note AS "resolutionNote", c.resolved_by AS "resolvedBy", c.resolved_at AS "resolvedAt"
         FROM redemption_conflict c JOIN terminal tm ON tm.id = c.terminal_id JOIN merchant_staff s ON s.id = c.staff_id
         JOIN ticket t ON t.id = c.ticket_id JOIN ticket_line l ON l.id = c.ticket_line_id
         LEFT JOIN order_passenger p ON p.id = t.passenger_id
         LEFT JOIN redemption w ON w.id = c.winner_redemption_id LEFT JOIN terminal wt ON wt.id = w.terminal_id
        WHERE c.merchant_id = $1 AND ($2::text IS NULL OR c.status = $2)
        ORDER BY c.status, c.scanned_at DESC, c.id DESC
        LIMIT $3`,
      [merchantId, status, limit],
    );
  },

  /** Resolves an open conflict of the merchant; null when there is none such (or it is resolved already). */
  async resolveConflict(sql: Sql, merchantId: number, id: number, note: string, by: string, now: Date): Promise<number | null> {
    const [row] = await sql.query<{ id: number }>(
      `UPDATE redemption_conflict SET status = 'RESOLVED', resolution_note = $3, resolved_by = $4, resolved_at = $5, updated_at = $5
        WHERE id = $1 AND merchant_id = $2 AND status = 'OPEN' RETURNING id`,
      [id, merchantId, note, by, now],
    );
    return row?.id ?? null;
  },
};
