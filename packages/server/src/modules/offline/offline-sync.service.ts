import { announceOrderUpdate } from '../orders/order-updates.js';
import type { TicketStatus } from '@deeptravel/shared';
import type { RequestContext } from '../../app/context.js';
import type { TxSql } from '../../common/db/sql.js';
import { AppError, isRetryableDbError } from '../../common/errors.js';
import { settleOrderIfFinal } from '../orders/order-completion.js';
import { transitionTickets } from '../tickets/ticket-transitions.js';
import { requireStaff, type StaffPrincipal } from '../merchants/staff-session.js';
import { REDEMPTION_EVENTS } from '../redemption/redemption.service.js';
import { redemptionRepository as redemptionRepo, type RedemptionView } from '../redemption/redemption.repository.js';
import { offlineRepository as repo, type SyncTicketRow } from './offline.repository.js';

/** Most items one sync call may carry (the app sends its queue in chunks). */
export const MAX_SYNC_ITEMS = 200;
/** An offline scan older than this is refused (the bundle covers two days; a week is generous). */
export const MAX_OFFLINE_AGE_MS = 7 * 86400_000;
/** A scan time this far ahead of the server's clock is refused (a device clock gone wrong). */
export const MAX_CLOCK_AHEAD_MS = 5 * 60_000;

/** One redemption made offline, as the app queued it. */
export interface OfflineItem {
  /** Made by the app (a UUID), once per line redeemed: the idempotency key. */
  scanNonce: string;
  ticketId: number;
  lineId: number;
  scannedAt: Date;
  /** The QR's reference (ticket code or order number) and rotating step the terminal verified. */
  qrRef: string;
  qrStep: number;
  /** The staff member who was logged in on the terminal then (same merchant), else the caller. */
  staffId?: number | null;
}

/** A scan the terminal refused offline (kept in the log like every denied scan). */
export interface OfflineRefusal {
  scanNonce: string;
  scannedAt: Date;
  reason: string;
  qrRef?: string | null;
  staffId?: number | null;
}

export type SyncStatus = 'APPLIED' | 'CONFLICT' | 'REJECTED';

export interface SyncOutcome {
  scanNonce: string;
  lineId: number;
  status: SyncStatus;
  /** True when this item had been synced before (the answer is the first one's). */
  replayed: boolean;
  /** APPLIED: an earlier offline use of the line by a later scan was displaced into a conflict. */
  displaced: boolean;
  redemptionId: number | null;
  conflictId: number | null;
  code: string | null;
  message: string | null;
}

const STATUS_REASON: Record<string, string> = {
  REDEEMED: 'ALREADY_REDEEMED', REFUNDING: 'REFUND_IN_PROGRESS', REFUNDED: 'TICKET_REFUNDED', CHANGING: 'CHANGE_IN_PROGRESS', CHANGED: 'TICKET_CHANGED', EXPIRED: 'TICKET_EXPIRED',
};

const CONFLICT_MESSAGES: Record<string, string> = {
  ALREADY_REDEEMED: 'Used first on another terminal (by scan time); kept as a conflict for a manager',
  REPLAYED_CODE: 'The same displayed code was already used for this line; kept as a conflict for a manager',
  REFUND_IN_PROGRESS: 'A refund of this ticket started before the sync; kept as a conflict for a manager',
  TICKET_REFUNDED: 'The ticket was refunded before the sync; kept as a conflict for a manager',
  CHANGE_IN_PROGRESS: 'A change of this ticket started before the sync; kept as a conflict for a manager',
  TICKET_CHANGED: 'The ticket was changed before the sync; kept as a conflict for a manager',
  TICKET_EXPIRED: 'The ticket was not valid at the scan time; kept as a conflict for a manager',
  NOT_YET_VALID: 'The ticket was not valid yet at the scan time; kept as a conflict for a manager',
};

/**
 * Applies redemptions made offline (docs/redemption.md "Offline"): each item in its own transaction,
 * idempotent by its scan nonce (a replayed sync changes nothing). A line with a use left takes it;
 * a line used up goes to the first by scan time: a later scan becomes a CONFLICT, or, when the use
 * that counted was itself an offline scan made later, the two change places. Nothing is lost (every
 * item is a redemption or a conflict) and nothing counts twice (uses_left never goes below zero).
 */
export class OfflineSyncService {
  async sync(ctx: RequestContext, items: OfflineItem[], refusals: OfflineRefusal[] = []): Promise<SyncOutcome[]> {
    const staff = requireStaff(ctx.principal);
    if (items.length + refusals.length > MAX_SYNC_ITEMS) throw new AppError('BAD_USER_INPUT', `Send at most ${MAX_SYNC_ITEMS} items per call`, { field: 'items' });
    const staffIds = await repo.staffOfMerchant(ctx.app.db, staff.merchantId, [...items, ...refusals].map((i) => i.staffId ?? staff.staffId));
    const who = (id: number | null | undefined) => (id && staffIds.has(id) ? id : staff.staffId);
    for (const r of refusals) await this.logRefusal(ctx, staff, r, who(r.staffId));
    // Oldest scan first, so within one sync the first by scan time takes the use without a swap.
    const ordered = [...items].sort((a, b) => a.scannedAt.getTime() - b.scannedAt.getTime());
    const out = new Map<OfflineItem, SyncOutcome>();
    for (const item of ordered) out.set(item, await this.applyOne(ctx, staff, item, who(item.staffId)));
    return items.map((i) => out.get(i)!);
  }

  private async logRefusal(ctx: RequestContext, staff: StaffPrincipal, r: OfflineRefusal, staffId: number): Promise<void> {
    const nonce = cleanNonce(r.scanNonce);
    if (!nonce) return;
    await repo.insertOfflineRefusalLog(ctx.app.db, {
      at: r.scannedAt, merchantId: staff.merchantId, terminalId: staff.terminalId, staffId, scanNonce: nonce,
      reason: String(r.reason ?? 'UNKNOWN').slice(0, 40), qrRef: r.qrRef ? String(r.qrRef).slice(0, 100) : null, syncedAt: ctx.app.clock.now(),
    });
  }

  private async applyOne(ctx: RequestContext, staff: StaffPrincipal, item: OfflineItem, staffId: number): Promise<SyncOutcome> {
    const nonce = cleanNonce(item.scanNonce);
    const base = { scanNonce: item.scanNonce, lineId: item.lineId, replayed: false, displaced: false, redemptionId: null, conflictId: null };
    const reject = (code: string, message: string): SyncOutcome => ({ ...base, status: 'REJECTED', code, message });
    if (!nonce) return reject('BAD_USER_INPUT', 'scanNonce must be 8–64 letters, digits or -');
    const now = ctx.app.clock.now();
    const at = item.scannedAt;
    if (!(at instanceof Date) || Number.isNaN(at.getTime())) return reject('BAD_USER_INPUT', 'scannedAt is not a time');
    if (at.getTime() > now.getTime() + MAX_CLOCK_AHEAD_MS) return reject('BAD_USER_INPUT', 'scannedAt is in the future: check the terminal clock');
    if (at.getTime() < now.getTime() - MAX_OFFLINE_AGE_MS) return reject('BAD_USER_INPUT', 'scannedAt is more than a week old');

    const prior = await repo.priorOutcome(ctx.app.db, nonce, item.lineId);
    if (prior) return { ...base, ...prior, replayed: true };

    try {
      return await ctx.app.db.tx(async (sql) => {
        // Order row, then ticket row: the lock order of redeem, refunds, changes and expiry.
        const t = await repo.lockTicketAndLine(sql, item.ticketId, item.lineId);
        if (!t) return reject('TICKET_NOT_FOUND', 'No such ticket');
        if (t.lineId === null || t.lineMerchantId === null || t.usesLeft === null) return reject('LINE_NOT_FOUND', 'This ticket has no such line');
        if (t.lineMerchantId !== staff.merchantId) return reject('OTHER_MERCHANT', 'This line is redeemed by another merchant');
        if (item.qrRef !== t.code && item.qrRef !== t.orderNo) return reject('TICKET_NOT_FOUND', 'The scanned code does not name this ticket');
        // A second copy of this very item committed while we waited for the lock.
        const again = await repo.priorOutcome(sql, nonce, item.lineId);
        if (again) return { ...base, ...again, replayed: true };

        const conflict = async (reason: string, winner: number | null): Promise<SyncOutcome> => {
          const id = await repo.insertConflict(sql, {
            merchantId: staff.merchantId, ticketId: t.id, lineId: t.lineId!, terminalId: staff.terminalId, staffId, scanNonce: nonce,
            scannedAt: at, qrRef: item.qrRef, qrStep: item.qrStep, reason, winnerRedemptionId: winner, now,
          });
          await redemptionRepo.insertLog(sql, {
            at, merchantId: staff.merchantId, terminalId: staff.terminalId, staffId, action: 'REDEEM', result: 'DENIED', reason,
            scanNonce: nonce, qrTyp: item.qrRef === t.code ? 'T' : 'O', qrRef: item.qrRef, qrStep: item.qrStep, ticketId: t.id, ticketLineId: t.lineId,
            detail: { offline: true, conflictId: id, syncedAt: now.toISOString() },
          });
          return { ...base, status: 'CONFLICT', conflictId: id, redemptionId: winner, code: 'REDEMPTION_CONFLICT', message: CONFLICT_MESSAGES[reason] ?? reason };
        };

        if (at < t.validFrom) return conflict('NOT_YET_VALID', null);
        if (at >= t.validUntil) return conflict('TICKET_EXPIRED', null);
        if (t.status !== 'ACTIVE' && t.status !== 'REDEEMED') return conflict(STATUS_REASON[t.status] ?? 'TICKET_EXPIRED', null);

        if (t.status === 'ACTIVE' && t.usesLeft > 0) {
          // A multi-use line: one displayed code (one rotating step) uses it once, as online.
          if (await repo.stepUsed(sql, t.lineId, item.qrRef, item.qrStep)) return conflict('REPLAYED_CODE', await repo.lastRedemptionId(sql, t.lineId));
          const view = await this.take(ctx, sql, staff, staffId, { ...t, lineId: t.lineId }, item, nonce, now);
          return { ...base, status: 'APPLIED', redemptionId: view.id, code: null, message: null };
        }
        // Used up: the first by scan time keeps it. A later offline use that counted gives way.
        const later = await repo.laterOfflineRedemption(sql, t.lineId, at);
        if (!later) return conflict('ALREADY_REDEEMED', await repo.lastRedemptionId(sql, t.lineId));
        await repo.insertConflict(sql, {
          merchantId: staff.merchantId, ticketId: t.id, lineId: t.lineId, terminalId: later.terminalId, staffId: later.staffId, scanNonce: later.scanNonce,
          scannedAt: later.scannedAt, qrRef: later.qrRef, qrStep: later.qrStep, reason: 'ALREADY_REDEEMED', winnerRedemptionId: later.redemptionId, now,
        });
        await redemptionRepo.insertLog(sql, {
          at: later.scannedAt, merchantId: staff.merchantId, terminalId: later.terminalId, staffId: later.staffId, action: 'REDEEM', result: 'DENIED',
          reason: 'ALREADY_REDEEMED', scanNonce: later.scanNonce, qrRef: later.qrRef, qrStep: later.qrStep, ticketId: t.id, ticketLineId: t.lineId,
          detail: { offline: true, displacedBy: nonce, syncedAt: now.toISOString() },
        });
        await repo.moveRedemption(sql, later.redemptionId, { at, terminalId: staff.terminalId, staffId, scanNonce: nonce, qrRef: item.qrRef, qrStep: item.qrStep, now });
        await redemptionRepo.insertLog(sql, {
          at, merchantId: staff.merchantId, terminalId: staff.terminalId, staffId, action: 'REDEEM', result: 'ALLOWED', scanNonce: nonce,
          qrTyp: item.qrRef === t.code ? 'T' : 'O', qrRef: item.qrRef, qrStep: item.qrStep, ticketId: t.id, ticketLineId: t.lineId,
          detail: { offline: true, displacedNonce: later.scanNonce, syncedAt: now.toISOString() },
        });
        return { ...base, status: 'APPLIED', displaced: true, redemptionId: later.redemptionId, code: null, message: null };
      }, { lockTimeoutMs: 2000 });
    } catch (err) {
      const e = err as { code?: string; constraint?: string };
      if (e?.code === '23505') {
        const prior2 = await repo.priorOutcome(ctx.app.db, nonce, item.lineId);
        if (prior2) return { ...base, ...prior2, replayed: true };
      }
      if (isRetryableDbError(err)) return reject('BUSY_RETRY', 'This ticket is busy; the app will retry');
      throw err;
    }
  }

  /** Takes one use, as an online redeem does (history, order completion, outbox, live feed). */
  private async take(
    ctx: RequestContext, sql: TxSql, staff: StaffPrincipal, staffId: number, t: SyncTicketRow & { lineId: number }, item: OfflineItem, nonce: string, now: Date,
  ): Promise<RedemptionView> {
    const usesLeft = await repo.takeUse(sql, t.lineId, now);
    const actor = `staff:${staffId}@${staff.terminalCode}(offline)`;
    let ticketStatus: TicketStatus = 'ACTIVE';
    if (usesLeft === 0 && (await redemptionRepo.linesLeft(sql, t.id)) === 0) {
      await transitionTickets(ctx, sql, [{ id: t.id, status: 'ACTIVE', code: t.code }], 'REDEEMED', actor, 'ALL_LINES_USED');
      ticketStatus = 'REDEEMED';
      await settleOrderIfFinal(ctx, sql, t.orderId, actor);
    }
    const id = await redemptionRepo.insertRedemption(sql, {
      at: item.scannedAt, ticketId: t.id, lineId: t.lineId, merchantId: staff.merchantId, terminalId: staff.terminalId, staffId,
      scanNonce: nonce, qrRef: item.qrRef, qrStep: item.qrStep, qrTyp: item.qrRef === t.code ? 'T' : 'O', usesLeftAfter: usesLeft,
    });
    await repo.insertOfflineRedemption(sql, { redemptionId: id, lineId: t.lineId, terminalId: staff.terminalId, scannedAt: item.scannedAt, now });
    await repo.markLogOffline(sql, id, now);
    const staffUsername = staffId === staff.staffId ? staff.username : await repo.username(sql, staffId);
    const view: RedemptionView = {
      id, at: item.scannedAt, merchantId: staff.merchantId, terminalId: staff.terminalId, terminalCode: staff.terminalCode, terminalName: staff.terminalName,
      staffId, staffUsername, ticketId: t.id, ticketCode: t.code, ticketStatus, lineId: t.lineId, lineName: t.lineName ?? '',
      usesLeft, usesTotal: t.usesTotal ?? 0, productName: t.productName, passengerName: t.passengerName, tripId: t.tripId,
    };
    await ctx.app.outbox.add(sql, REDEMPTION_EVENTS.recorded, {
      redemptionId: id, travellerId: t.travellerId, orderId: t.orderId, ticketId: t.id, ticketCode: t.code, lineId: t.lineId, lineName: view.lineName,
      usesLeft, merchantId: staff.merchantId, merchantName: staff.merchantName, terminal: staff.terminalCode, terminalName: staff.terminalName,
      at: item.scannedAt.toISOString(), offline: true,
    });
    sql.afterCommit(() => ctx.app.pubsub.publish('REDEMPTION_RECORDED', staff.merchantId, { ...view, at: item.scannedAt.toISOString(), offline: true }));
    announceOrderUpdate(ctx, sql, t.orderId);
    return view;
  }
}

function cleanNonce(n: unknown): string | null {
  const s = typeof n === 'string' ? n.trim() : '';
  return /^[A-Za-z0-9_-]{8,64}$/.test(s) ? `off:${s}` : null;
}
