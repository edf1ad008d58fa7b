import { announceOrderUpdate } from '../orders/order-updates.js';
import { randomBytes } from 'node:crypto';
import { enforceRateLimit } from '../../common/rate-limit.js';
import { parseQrToken, type QrRefusal, type TicketStatus } from '@deeptravel/shared';
import type { RequestContext } from '../../app/context.js';
import { AppError, isRetryableDbError } from '../../common/errors.js';
import { intList, type TxOptions, type TxSql } from '../../common/db/sql.js';
import { settleOrderIfFinal } from '../orders/order-completion.js';
import { transitionTickets } from '../tickets/ticket-transitions.js';
import { requireStaff, type StaffPrincipal } from '../merchants/staff-session.js';
import { hkDateTime } from './redemption-csv.js';
import { lineRefusal, REFUSAL_MESSAGES, type CodeRefusal, type DenialReason, type LineRefusal } from './redemption-reasons.js';
import { concurrentReads } from '../../common/db/concurrent-reads.js';
import { GroupCommitter, type GroupCommitStats } from '../../common/db/group-commit.js';
import { redemptionRepository as repo, type RedemptionView, type ScanLineRow, type ScanRow, type ScanTicketRow } from './redemption.repository.js';

/** How long a scan may be redeemed against (then scan again: the code rotates anyway). */
export const SCAN_VALID_SECONDS = 120;
/** Most lines one batch redeem may name. */
export const MAX_BATCH = 50;

/**
 * Group commit of redeems: groups committed at the same time, and the most redeems in one group.
 * Fewer, larger groups measured best (`pnpm bench -- redemption`, 64 connections: 4 × 32 gave
 * 1,452–1,716/s, p95 55–68 ms; 8 × 32 1,252/s; 2 × 64 1,802–2,037/s, p95 43–53 ms): a group costs
 * the same three round trips whatever its size, and each round trip waits behind the busy event loop.
 * Re-measured 2026-12-07 (five round trips then): 2, 3 and 4 groups in flight all within this box's noise.
 */
const REDEEM_GROUPS_IN_FLIGHT = 2;
const REDEEM_GROUP_MAX = 64;
/** While a redeem group is in flight, the next starts with at least this many (no slot spent on a group of one). */
const REDEEM_MIN_GROUP_WHILE_BUSY = 16;

/**
 * A redeem transaction's options: every order of its tickets locked first, in id order, in BEGIN's
 * round trip (so two groups never deadlock), then each ticket by its redeem: the lock order of
 * refunds, changes and expiry, so a last-line redemption (which settles the order) can never deadlock
 * with a refund. A lock wait over 2 s gives up (the group then runs its redeems alone).
 */
export function redeemTxOptions(ticketIds: number[]): TxOptions {
  const tickets = intList([...new Set(ticketIds)]);
  return { lockTimeoutMs: 2000, opening: `SELECT o.id FROM orders o JOIN ticket t ON t.order_id = o.id WHERE t.id IN (${tickets}) ORDER BY o.id FOR UPDATE OF o` };
}

/** One redeem, checked and ready to take its use (what the transaction needs). */
interface RedeemJob {
  ctx: RequestContext;
  staff: StaffPrincipal;
  input: { scanNonce: string | null; ticketId: number; lineId: number; tripId?: number | null };
  scan: ScanRow;
  nonce: string;
  now: Date;
  tripId: number | null;
  codes: string[];
}

/** Outbox topics of redemption (the notifications issue sends the traveller a message). */
export const REDEMPTION_EVENTS = { recorded: 'redemption.recorded' } as const;

/** A line of a scanned ticket. Usage is shown only for the scanning merchant's own lines. */
export interface ScannedLine {
  id: number;
  name: string;
  merchantName: string;
  /** True when the scanning merchant redeems this line. */
  own: boolean;
  usesTotal: number | null;
  usesLeft: number | null;
  redeemable: boolean;
  reason: LineRefusal | null;
  lastRedeemedAt: Date | null;
  lastRedeemedTerminal: string | null;
}

export interface ScannedTicket {
  id: number;
  code: string;
  status: TicketStatus;
  productName: string;
  shared: boolean;
  /** Only when the scanning merchant has a line on this ticket. */
  passengerName: string | null;
  passengerType: string | null;
  validFrom: Date;
  validUntil: Date;
  /** The departure this ticket is for (null: a pass, any departure). */
  tripId: number | null;
  departureAt: Date | null;
  redeemable: boolean;
  reason: LineRefusal | null;
  lines: ScannedLine[];
}

/** What a scan shows the gate: the tickets, each line's verdict, and the nonce to redeem with. */
export interface ScanResult {
  scanNonce: string;
  kind: 'TICKET' | 'ORDER';
  ref: string;
  scannedAt: Date;
  /** Redeem with this scan before then. */
  expiresAt: Date;
  /** True when at least one line can be redeemed now by this merchant. */
  allowed: boolean;
  reason: LineRefusal | null;
  /** The departure the gate is boarding, when one was picked. */
  departureTripId: number | null;
  tickets: ScannedTicket[];
}

/** A redemption as returned to staff: `replayed` when the same request (same nonce and line) was already done. */
export type RedemptionResult = RedemptionView & { replayed: boolean };

/** One item of a batch redeem: the redemption, or the coded refusal. */
export interface BatchOutcome {
  ticketId: number;
  lineId: number;
  redemption: RedemptionResult | null;
  error: { code: string; message: string; details: Record<string, unknown> } | null;
}

const QR_REFUSALS: Record<QrRefusal, { code: CodeRefusal; message: string }> = {
  MALFORMED: { code: 'QR_MALFORMED', message: 'This is not a DeepTravel code' },
  UNKNOWN_KEY: { code: 'QR_UNKNOWN_KEY', message: 'This code was signed with a key we do not know' },
  BAD_SIGNATURE: { code: 'QR_BAD_SIGNATURE', message: 'This code is forged or was altered' },
  STALE_CODE: { code: 'QR_STALE', message: 'This code has expired; ask the traveller to show the live code' },
};

/** "10:30": the Hong Kong time of a departure, as staff say it. */
export function departureTime(at: Date | string): string {
  return hkDateTime(at).slice(11, 16);
}

function newScanNonce(): string {
  return randomBytes(16).toString('base64url');
}

function uniqueViolation(err: unknown): string | null {
  const e = err as { code?: string; constraint?: string; message?: string };
  if (e?.code !== '23505') return null;
  return e.constraint ?? (/"([a-z_]+)"/.exec(e.message ?? '')?.[1] ?? '');
}

/**
 * Redemption (核销) at the gate: `scanCode` verifies a ticket or order QR and shows what this
 * merchant may redeem; `redeem` takes one use of one line atomically and idempotently. Every scan
 * and every attempt, allowed or denied, is written to the redemption log.
 */
export class RedemptionService {
  /** Concurrent redeems read their scans with one statement (made on first use, on the app's database). */
  private scanReader: ((key: { nonce: string; lineId: number }) => Promise<ScanRow | null>) | null = null;

  private readScan(ctx: RequestContext, nonce: string, lineId: number): Promise<ScanRow | null> {
    const db = ctx.app.db;
    this.scanReader ??= concurrentReads((keys) => repo.scansByNonce(db, keys));
    return this.scanReader({ nonce, lineId });
  }

  /**
   * Verifies a scanned payload (signature, key, rotating part) and returns each line's verdict. With
   * `departureTripId` (a ferry or bus gate boarding one departure) a ticket for another trip is
   * `WRONG_DEPARTURE`.
   */
  async scanCode(ctx: RequestContext, payload: string, departureTripId: number | null = null): Promise<ScanResult> {
    const staff = requireStaff(ctx.principal);
    await enforceRateLimit(ctx, 'scanCode', `terminal:${staff.terminalId}`);
    // Another merchant's or an unknown trip is refused before anything is logged against it.
    if (departureTripId !== null) await ctx.app.services.departures.get(ctx, departureTripId);
    const now = ctx.app.clock.now();
    const db = ctx.app.db;
    const base = { at: now, merchantId: staff.merchantId, terminalId: staff.terminalId, staffId: staff.staffId, action: 'SCAN' as const };
    const refuse = async (code: CodeRefusal, message: string, extra: Record<string, unknown> = {}): Promise<never> => {
      await repo.insertLog(db, { ...base, result: 'DENIED', reason: code, ...extra });
      throw new AppError(code, message);
    };

    const token = typeof payload === 'string' ? payload.trim() : '';
    const verified = ctx.app.qr.verify(token);
    if ('refusal' in verified) {
      const r = QR_REFUSALS[verified.refusal];
      // The claims of a refused code are untrusted: kept for the audit only.
      const claimed = parseQrToken(token)?.claims;
      return refuse(r.code, r.message, { detail: claimed ? { claimedTyp: claimed.typ, claimedRef: String(claimed.ref).slice(0, 100) } : null });
    }
    const { claims } = verified.parsed;
    const codes = claims.typ === 'O' ? (Array.isArray(claims.tickets) ? claims.tickets.filter((c) => typeof c === 'string').slice(0, 100) : []) : [];
    const qr = { qrTyp: claims.typ, qrRef: claims.ref };
    const tickets = await repo.scanTickets(db, claims.typ, claims.ref, codes);
    if (!tickets.length) return refuse('TICKET_NOT_FOUND', 'No ticket matches this code', qr);
    const secret = claims.typ === 'T' ? tickets[0].qrSecret : ctx.app.qr.orderSecret(claims.ref);
    const step = ctx.app.qr.rotatingStep(verified.parsed, secret, now);
    const single = claims.typ === 'T' ? tickets[0].id : null;
    if (step === null) return refuse('QR_STALE', QR_REFUSALS.STALE_CODE.message, { ...qr, ticketId: single });

    const lines = await repo.scanLines(db, tickets.map((t) => t.id), claims.ref, step);
    const scanned = tickets.map((t) => this.scannedTicket(t, lines.filter((l) => l.ticketId === t.id), staff, now, departureTripId));
    const allowed = scanned.some((t) => t.redeemable);
    const reason = allowed ? null : (scanned.find((t) => t.lines.some((l) => l.own))?.reason ?? 'OTHER_MERCHANT');
    const scanNonce = newScanNonce();
    await repo.insertLog(db, {
      ...base, result: allowed ? 'ALLOWED' : 'DENIED', reason, scanNonce, ...qr, qrStep: step, ticketId: single,
      detail: claims.typ === 'O' || departureTripId !== null
        ? { ...(claims.typ === 'O' ? { codes: tickets.map((t) => t.code) } : {}), ...(departureTripId !== null ? { tripId: departureTripId } : {}) }
        : null,
    });
    return {
      scanNonce, kind: claims.typ === 'T' ? 'TICKET' : 'ORDER', ref: claims.ref, scannedAt: now,
      expiresAt: new Date(now.getTime() + SCAN_VALID_SECONDS * 1000), allowed, reason, departureTripId, tickets: scanned,
    };
  }

  private scannedTicket(t: ScanTicketRow, lines: ScanLineRow[], staff: StaffPrincipal, now: Date, departureTripId: number | null): ScannedTicket {
    const out: ScannedLine[] = lines.map((l) => {
      const own = l.merchantId === staff.merchantId;
      const reason = lineRefusal(t, l, staff.merchantId, now, l.replayed, departureTripId);
      // Another merchant's line: its name and merchant (so staff can send the traveller on), never its usage.
      return {
        id: l.id, name: l.name, merchantName: l.merchantName, own, redeemable: reason === null, reason,
        usesTotal: own ? l.usesTotal : null, usesLeft: own ? l.usesLeft : null,
        lastRedeemedAt: own ? l.lastRedeemedAt : null, lastRedeemedTerminal: own ? l.lastTerminalCode : null,
      };
    });
    const mine = out.filter((l) => l.own);
    const redeemable = mine.some((l) => l.redeemable);
    return {
      id: t.id, code: t.code, status: t.status, productName: t.productName, shared: t.shared,
      passengerName: mine.length ? t.passengerName : null, passengerType: mine.length ? t.passengerType : null,
      validFrom: t.validFrom, validUntil: t.validUntil, tripId: t.tripId, departureAt: t.departureAt, redeemable,
      reason: redeemable ? null : (mine[0]?.reason ?? 'OTHER_MERCHANT'), lines: out,
    };
  }

  /**
   * Takes one use of a line, with the nonce of a scan made on this terminal in the last two minutes.
   * The same nonce and line again returns the first result (`replayed: true`); concurrent redeems of
   * one line give one success and ALREADY_REDEEMED (with when and where) for the others.
   * `tripId`: the departure the gate is boarding (default: the one the scan was made for); a ticket
   * for another trip is refused with `WRONG_DEPARTURE` and its own departure time.
   */
  async redeem(ctx: RequestContext, input: { scanNonce: string | null; ticketId: number; lineId: number; tripId?: number | null }): Promise<RedemptionResult> {
    const staff = requireStaff(ctx.principal);
    const db = ctx.app.db;
    // No nonce given: the latest scan of this ticket on this terminal by this staff member stands in
    // (the traveller was still just shown to the scanner; the 2-minute window applies the same).
    const nonce =
      typeof input.scanNonce === 'string' && input.scanNonce.trim()
        ? input.scanNonce.trim().slice(0, 64)
        : (await repo.latestScanNonce(db, staff.terminalId, staff.staffId, input.ticketId, new Date(ctx.app.clock.now().getTime() - SCAN_VALID_SECONDS * 1000))) ?? '';
    const scan = nonce ? await this.readScan(ctx, nonce, input.lineId) : null;
    if (!scan || scan.terminalId !== staff.terminalId || scan.staffId !== staff.staffId) {
      // Logged too: a nonce from another terminal is worth seeing in the audit.
      await repo.insertLog(db, {
        at: ctx.app.clock.now(), merchantId: staff.merchantId, terminalId: staff.terminalId, staffId: staff.staffId, action: 'REDEEM', result: 'DENIED',
        reason: 'SCAN_NOT_FOUND', detail: { ticketId: input.ticketId, lineId: input.lineId },
      });
      throw new AppError('SCAN_NOT_FOUND', 'Scan the code first (this scan is unknown on this terminal)');
    }
    if (scan.priorRedemptionId) return this.replay(ctx, scan.priorRedemptionId);
    const tripId = input.tripId ?? (typeof scan.detail?.tripId === 'number' ? scan.detail.tripId : null);
    if (input.tripId != null && input.tripId !== scan.detail?.tripId) await ctx.app.services.departures.get(ctx, input.tripId);
    const now = ctx.app.clock.now();
    const deny = (reason: DenialReason, message: string, details: Record<string, unknown> = {}) => this.deny(ctx, staff, scan, nonce, input, reason, message, details);
    if (now.getTime() - new Date(scan.at).getTime() > SCAN_VALID_SECONDS * 1000) {
      return deny('SCAN_EXPIRED', 'This scan is too old; scan the code again');
    }
    const done = await this.redeems.submit({ ctx, staff, input, scan, nonce, now, tripId, codes: scan.detail?.codes ?? [] });
    if (done) return done;
    return this.refusal(ctx, staff, scan, nonce, input, now, tripId);
  }

  /**
   * Group commit: concurrent redeems are committed together, several to one transaction (one commit,
   * one bulk order lock), while each request keeps its own answer. A redeem waits only while earlier
   * groups are in flight (no timer: alone, it commits at once, as before). If anything in a group fails
   * (a replayed code, a request racing itself, a lock wait over 2 s), the whole group rolls back and
   * every redeem of it runs alone in its own transaction, which gives each its exact answer; nothing
   * is taken twice because nothing of the failed group was committed. Refusals (nothing taken) are
   * diagnosed and logged after the commit, as before.
   */
  private readonly redeems = new GroupCommitter<RedeemJob, RedemptionResult | null>({
    maxGroup: REDEEM_GROUP_MAX,
    groupsInFlight: REDEEM_GROUPS_IN_FLIGHT,
    minGroupWhileBusy: REDEEM_MIN_GROUP_WHILE_BUSY,
    runAlone: (job) => this.redeemAlone(job),
    commitGroup: (jobs) => jobs[0].ctx.app.db.tx((sql) => this.redeemGroupInTx(sql, jobs), redeemTxOptions(jobs.map((j) => j.input.ticketId))),
    onGroupFailed: (err, jobs) => {
      // Expected: a unique key (a replay, a request racing itself) or a lock wait. Anything else is a bug to see.
      const expected = uniqueViolation(err) !== null || isRetryableDbError(err) || err instanceof AppError;
      jobs[0].ctx.log[expected ? 'debug' : 'error']({ err, size: jobs.length }, 'redeem group rolled back; each redeem runs alone');
    },
  });

  /** Redeems queued for a group commit right now (a gauge for metrics; tests watch groups form). */
  get redeemsAwaitingGroupCommit(): number {
    return this.redeems.waiting;
  }

  /** What the redeem group commit has done since start (for /metrics and the bench). */
  get redeemGroupCommitStats(): GroupCommitStats {
    return this.redeems.stats;
  }

  /** One redeem in its own transaction, with the coded answers of the races a group leaves to it. */
  private async redeemAlone(job: RedeemJob): Promise<RedemptionResult | null> {
    const { ctx, input, nonce } = job;
    try {
      return await ctx.app.db.tx(async (sql) => (await this.redeemGroupInTx(sql, [job]))[0], redeemTxOptions([input.ticketId]));
    } catch (err) {
      const constraint = uniqueViolation(err);
      if (constraint === 'redemption_scan_line_unique') {
        // The same request raced itself: the other copy won; answer with its result.
        const prior = await repo.scanByNonce(ctx.app.db, nonce, input.lineId);
        if (prior?.priorRedemptionId) return this.replay(ctx, prior.priorRedemptionId);
      }
      if (constraint === 'redemption_qr_step_unique') {
        return this.deny(ctx, job.staff, job.scan, nonce, input, 'REPLAYED_CODE', REFUSAL_MESSAGES.REPLAYED_CODE, {});
      }
      if (isRetryableDbError(err)) throw new AppError('BUSY_RETRY', 'This ticket is busy; please try again', { retryAfterMs: 200 });
      throw err;
    }
  }

  /**
   * A group's uses (or one redeem's), set-based: per round of distinct tickets, one statement takes
   * every line's use and records every redemption, its log row and its outbox event, whatever the
   * round's size. A ticket named twice in a group goes to the next round, which sees the first round's
   * uses. Null at index k: redeem k took nothing (its refusal is worked out after commit).
   */
  private async redeemGroupInTx(sql: TxSql, jobs: RedeemJob[]): Promise<Array<RedemptionResult | null>> {
    const out: Array<RedemptionResult | null> = jobs.map(() => null);
    let rest = jobs.map((job, k) => ({ job, k }));
    while (rest.length) {
      const tickets = new Set<number>();
      const round: typeof rest = [];
      const later: typeof rest = [];
      for (const e of rest) {
        if (tickets.has(e.job.input.ticketId)) later.push(e);
        else {
          tickets.add(e.job.input.ticketId);
          round.push(e);
        }
      }
      rest = later;
      // Their events are delivered by the outbox only when someone handles the topic.
      const outbox = jobs[0].ctx.app.outbox;
      const delivered = !outbox.hasHandler(REDEMPTION_EVENTS.recorded);
      const taken = await repo.redeemAndRecord(sql, round.map(({ job, k }) => {
        const { staff, input, scan, nonce, now, tripId, codes } = job;
        return {
          k, ticketId: input.ticketId, lineId: input.lineId, merchantId: staff.merchantId, terminalId: staff.terminalId, staffId: staff.staffId, now,
          ref: scan.qrRef, codes, tripId, scanNonce: nonce, qrStep: scan.qrStep, qrTyp: scan.qrTyp,
          // The event's payload; the statement adds the redemption id and what it read (traveller, order, ticket code, line name, uses left).
          event: { ticketId: input.ticketId, lineId: input.lineId, merchantId: staff.merchantId, merchantName: staff.merchantName, terminal: staff.terminalCode, terminalName: staff.terminalName, at: now.toISOString() },
        };
      }), { topic: REDEMPTION_EVENTS.recorded, at: jobs[0].ctx.app.clock.now(), delivered });
      if (!taken.length) continue;
      if (!delivered) sql.afterCommit(() => outbox.kick());
      const status = new Map<number, TicketStatus>();
      for (const line of taken) {
        const { ctx, staff, input } = jobs[line.k];
        status.set(line.k, 'ACTIVE');
        if (line.usesLeft === 0 && line.otherLinesLeft === 0) {
          const actor = `staff:${staff.staffId}@${staff.terminalCode}`;
          await transitionTickets(ctx, sql, [{ id: input.ticketId, status: 'ACTIVE', code: line.ticketCode }], 'REDEEMED', actor, 'ALL_LINES_USED');
          status.set(line.k, 'REDEEMED');
          await settleOrderIfFinal(ctx, sql, line.orderId, actor);
        }
      }
      for (const line of taken) {
        const { ctx, staff, input, now } = jobs[line.k];
        const id = line.redemptionId;
        const view: RedemptionView = {
          id, at: now, merchantId: staff.merchantId, terminalId: staff.terminalId, terminalCode: staff.terminalCode, terminalName: staff.terminalName,
          staffId: staff.staffId, staffUsername: staff.username, ticketId: input.ticketId, ticketCode: line.ticketCode, ticketStatus: status.get(line.k)!,
          lineId: input.lineId, lineName: line.lineName, usesLeft: line.usesLeft, usesTotal: line.usesTotal,
          productName: line.productName, passengerName: line.passengerName, tripId: line.tripId,
        };
        sql.afterCommit(() => ctx.app.pubsub.publish('REDEMPTION_RECORDED', staff.merchantId, { ...view, at: now.toISOString() }));
        announceOrderUpdate(ctx, sql, line.orderId);
        out[line.k] = { ...view, replayed: false };
      }
    }
    return out;
  }

  /** Redeems several lines of one scan (a group at the gate); each item succeeds or fails on its own. */
  async redeemBatch(ctx: RequestContext, scanNonce: string, items: Array<{ ticketId: number; lineId: number }>, tripId: number | null = null): Promise<BatchOutcome[]> {
    requireStaff(ctx.principal);
    if (!items.length || items.length > MAX_BATCH) throw new AppError('BAD_USER_INPUT', `Name 1 to ${MAX_BATCH} lines`, { field: 'items' });
    const out: BatchOutcome[] = [];
    // One after another: each is its own transaction, and the tickets' row locks are never held together.
    for (const item of items) {
      try {
        out.push({ ...item, redemption: await this.redeem(ctx, { scanNonce, ...item, tripId }), error: null });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        out.push({ ...item, redemption: null, error: { code: err.code, message: err.message, details: err.details } });
      }
    }
    return out;
  }

  private async replay(ctx: RequestContext, redemptionId: number): Promise<RedemptionResult> {
    const view = await repo.redemptionView(ctx.app.db, redemptionId);
    if (!view) throw new Error(`redemption ${redemptionId} vanished`);
    return { ...view, replayed: true };
  }

  /** Works out (after the fact) why the conditional UPDATE took nothing, logs it and throws the coded refusal (or replays a twin). */
  private async refusal(
    ctx: RequestContext, staff: StaffPrincipal, scan: ScanRow, nonce: string, input: { ticketId: number; lineId: number }, now: Date, tripId: number | null,
  ): Promise<RedemptionResult> {
    const deny = (reason: DenialReason, message: string, details: Record<string, unknown> = {}) => this.deny(ctx, staff, scan, nonce, input, reason, message, details);
    const d = await repo.diagnose(ctx.app.db, { ...input, ref: scan.qrRef, codes: scan.detail?.codes ?? [], step: scan.qrStep, nonce });
    // The same request, sent twice at once: the first copy redeemed; this one answers with its result.
    if (d?.priorRedemptionId) return this.replay(ctx, d.priorRedemptionId);
    if (!d || !d.inScan) return deny('TICKET_NOT_FOUND', 'This ticket is not in the scanned code');
    if (d.lineId === null || d.merchantId === null || d.usesLeft === null) return deny('LINE_NOT_FOUND', 'This ticket has no such line');
    const reason = lineRefusal(d, { merchantId: d.merchantId, usesLeft: d.usesLeft }, staff.merchantId, now, d.replayed, tripId);
    if (reason === 'WRONG_DEPARTURE' && d.departureAt) {
      const time = departureTime(d.departureAt);
      return deny(reason, `This ticket is for the ${time} departure (${hkDateTime(d.departureAt).slice(0, 10)}, HKT); send the traveller to that gate`, {
        departureTime: time, departureAt: new Date(d.departureAt).toISOString(), tripId: d.tripId,
      });
    }
    if (reason === 'ALREADY_REDEEMED' && d.lastAt) {
      return deny(reason, `Already redeemed at ${hkDateTime(d.lastAt)} (HKT) on ${d.lastTerminalCode} (${d.lastTerminalName})`, {
        redeemedAt: new Date(d.lastAt).toISOString(), terminalCode: d.lastTerminalCode, terminalName: d.lastTerminalName, merchantName: d.lastMerchantName,
      });
    }
    if (reason) return deny(reason, REFUSAL_MESSAGES[reason]);
    // It was redeemable a moment ago and is again (a refund or change fell back meanwhile): let the gate retry.
    throw new AppError('BUSY_RETRY', 'This ticket changed meanwhile; please try again', { retryAfterMs: 200 });
  }

  private async deny(
    ctx: RequestContext, staff: StaffPrincipal, scan: ScanRow, nonce: string, input: { ticketId: number; lineId: number },
    reason: DenialReason, message: string, details: Record<string, unknown>,
  ): Promise<never> {
    await repo.insertLog(ctx.app.db, {
      at: ctx.app.clock.now(), merchantId: staff.merchantId, terminalId: staff.terminalId, staffId: staff.staffId, action: 'REDEEM', result: 'DENIED',
      reason, scanNonce: nonce, qrTyp: scan.qrTyp, qrRef: scan.qrRef, qrStep: scan.qrStep,
      // Another merchant's ticket and line ids stay out of this merchant's log rows' joins.
      ticketId: reason === 'TICKET_NOT_FOUND' ? null : input.ticketId,
      ticketLineId: reason === 'OTHER_MERCHANT' || reason === 'LINE_NOT_FOUND' || reason === 'TICKET_NOT_FOUND' ? null : input.lineId,
      detail: { ticketId: input.ticketId, lineId: input.lineId },
    });
    throw new AppError(reason, message, details);
  }
}
