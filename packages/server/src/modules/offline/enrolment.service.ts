import { createHash, randomInt } from 'node:crypto';
import type { RequestContext } from '../../app/context.js';
import type { TxSql } from '../../common/db/sql.js';
import { AppError } from '../../common/errors.js';
import { recordTransition } from '../../common/outbox/state-history.js';
import { requireAdmin } from '../admin/admin-session.js';
import { writeAudit } from '../admin/audit.js';
import { merchantStaffRepository as staffRepo } from '../merchants/merchant-staff.repository.js';
import { hashTerminalKey, newTerminalKey } from '../merchants/password.js';
import { requireManager } from '../merchants/staff-session.js';

/** How long an enrolment code works (it also dies on first use, or when a newer one is made). */
export const ENROLMENT_CODE_TTL_MINUTES = 15;
/** Prefix of the enrolment QR: `DTE1.<code>` (the merchant app's scanner recognises it). */
export const ENROLMENT_QR_PREFIX = 'DTE1.';
/** No 0/O, 1/I/L: staff may type the code from a screen. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A fresh enrolment code: 12 characters (~59 bits) grouped as XXXX-XXXX-XXXX. */
export function newEnrolmentCode(): string {
  let s = '';
  for (let i = 0; i < 12; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
}

/** Canonical form of a typed or scanned code (case, spaces and dashes do not matter). */
export function normaliseEnrolmentCode(input: string): string {
  const raw = String(input ?? '').trim();
  const body = raw.toUpperCase().startsWith(ENROLMENT_QR_PREFIX) ? raw.slice(ENROLMENT_QR_PREFIX.length) : raw;
  return body.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 40);
}

function codeHash(code: string): string {
  return createHash('sha256').update(`enrol:${normaliseEnrolmentCode(code)}`).digest('hex');
}

/** What an admin or manager gets: the code to type and the QR payload to show, this once. */
export interface EnrolmentCode {
  terminalId: number;
  terminalCode: string;
  code: string;
  qrPayload: string;
  expiresAt: Date;
}

/** What the device gets in exchange for the code. */
export interface Enrolment {
  terminalId: number;
  terminalCode: string;
  terminalName: string;
  merchantId: number;
  merchantName: string;
  /** The device's terminal key (only its hash is kept; the key registered before stops working). */
  terminalKey: string;
  /** The QR verification keys to pin: offline bundles must be signed by one of them. */
  publicKeys: Array<{ keyId: string; publicKey: string }>;
}

/**
 * Terminal enrolment as pretix does it for its devices: an admin (or the merchant's manager) makes a
 * short-lived one-time code for a registered terminal; the app trades it once for a fresh terminal
 * key. Disabling the terminal stops its tokens at once (staff-session re-reads it on each request).
 */
export class TerminalEnrolmentService {
  /** Admin: a code for any terminal. */
  async adminCreateCode(ctx: RequestContext, terminalId: number): Promise<EnrolmentCode> {
    const admin = requireAdmin(ctx.principal, 'write');
    return ctx.app.db.tx(async (sql) => {
      const made = await this.createCode(ctx, sql, terminalId, null, `admin:${admin.adminId}`);
      await writeAudit(sql, admin, 'enrolment_code', 'terminal', terminalId, null, { expiresAt: made.expiresAt.toISOString() });
      return made;
    });
  }

  /** Manager: a code for a terminal of their own merchant. */
  async managerCreateCode(ctx: RequestContext, terminalId: number): Promise<EnrolmentCode> {
    const manager = requireManager(ctx.principal);
    return ctx.app.db.tx(async (sql) => {
      const made = await this.createCode(ctx, sql, terminalId, manager.merchantId, `staff:${manager.staffId}`);
      await recordTransition(sql, {
        entityType: 'terminal', entityId: terminalId, from: 'ENROLMENT', to: 'ENROLMENT_CODE_ISSUED', actor: `staff:${manager.staffId}`, at: ctx.app.clock.now(),
      });
      return made;
    });
  }

  private async createCode(ctx: RequestContext, sql: TxSql, terminalId: number, merchantId: number | null, actor: string): Promise<EnrolmentCode> {
    const terminal = await staffRepo.terminalById(sql, terminalId, true);
    if (!terminal || (merchantId !== null && terminal.merchantId !== merchantId)) throw new AppError('NOT_FOUND', `Terminal ${terminalId} not found`);
    if (!terminal.enabled) throw new AppError('TERMINAL_DISABLED', `Terminal ${terminal.code} is disabled`);
    const now = ctx.app.clock.now();
    // One live code per terminal: an older unused one dies now.
    await sql.query('UPDATE terminal_enrolment SET used_at = $2, updated_at = $2 WHERE terminal_id = $1 AND used_at IS NULL', [terminalId, now]);
    const code = newEnrolmentCode();
    const expiresAt = new Date(now.getTime() + ENROLMENT_CODE_TTL_MINUTES * 60_000);
    await sql.query('INSERT INTO terminal_enrolment (terminal_id, code_hash, expires_at, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)', [
      terminalId, codeHash(code), expiresAt, actor, now,
    ]);
    return { terminalId, terminalCode: terminal.code, code, qrPayload: `${ENROLMENT_QR_PREFIX}${code}`, expiresAt };
  }

  /**
   * The app trades a code (typed, or scanned as `DTE1.<code>`) for the terminal key, once: one
   * conditional UPDATE takes the code, so two devices racing with it get one key between them.
   */
  async enrol(ctx: RequestContext, code: string): Promise<Enrolment> {
    const now = ctx.app.clock.now();
    const normal = normaliseEnrolmentCode(code);
    if (normal.length < 8) throw new AppError('ENROLMENT_CODE_INVALID', 'This enrolment code is wrong, used or expired');
    return ctx.app.db.tx(async (sql) => {
      const [taken] = await sql.query<{ terminalId: number }>(
        `UPDATE terminal_enrolment SET used_at = $2, updated_at = $2 WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING terminal_id AS "terminalId"`,
        [codeHash(normal), now],
      );
      if (!taken) throw new AppError('ENROLMENT_CODE_INVALID', 'This enrolment code is wrong, used or expired');
      const terminal = await staffRepo.terminalById(sql, taken.terminalId, true);
      if (!terminal) throw new AppError('ENROLMENT_CODE_INVALID', 'This enrolment code is wrong, used or expired');
      if (!terminal.merchantEnabled) throw new AppError('MERCHANT_DISABLED', 'This merchant is disabled');
      if (!terminal.enabled) throw new AppError('TERMINAL_DISABLED', `Terminal ${terminal.code} is disabled`);
      const terminalKey = newTerminalKey();
      await sql.query('UPDATE terminal SET key_hash = $2, updated_at = $3 WHERE id = $1', [terminal.id, hashTerminalKey(terminalKey), now]);
      await recordTransition(sql, { entityType: 'terminal', entityId: terminal.id, from: 'ENROLMENT_CODE_ISSUED', to: 'ENROLLED', actor: `device:${terminal.code}`, at: now });
      ctx.log.info({ terminal: terminal.code }, 'terminal enrolled');
      return {
        terminalId: terminal.id, terminalCode: terminal.code, terminalName: terminal.name, merchantId: terminal.merchantId, merchantName: terminal.merchantName,
        terminalKey, publicKeys: Object.entries(ctx.app.qr.publicKeys()).map(([keyId, publicKey]) => ({ keyId, publicKey })),
      };
    });
  }
}
