import { filter, pipe } from '@graphql-yoga/subscription';
import type { RequestContext } from '../../app/context.js';
import { AppError } from '../../common/errors.js';
import { recheckStaff, requireStaff, type StaffPrincipal } from '../merchants/staff-session.js';
import { hkDateTime, toCsv } from './redemption-csv.js';
import { redemptionRepository as repo, type LogRecord } from './redemption.repository.js';

/** Filters of `redemptionLogs` and the CSV export. */
export interface LogFilter {
  from?: Date | null;
  to?: Date | null;
  terminalId?: number | null;
  result?: 'ALLOWED' | 'DENIED' | null;
  action?: 'SCAN' | 'REDEEM' | null;
}

export interface LogPage {
  entries: LogRecord[];
  /** Pass as `after` for the next (older) page; null at the end. */
  nextCursor: string | null;
}

/** Largest page of `redemptionLogs`, and most rows one CSV export may hold (narrow the dates beyond). */
export const MAX_PAGE = 200;
export const MAX_EXPORT_ROWS = 100_000;
/** How often a live feed re-checks that its staff account and terminal are still enabled. */
/** Kept for compatibility: the feed now re-checks on every event it would deliver. */
export const FEED_RECHECK_MS = 0;

const CSV_HEADER = [
  'log_id', 'time_hkt', 'time_utc', 'merchant', 'terminal', 'terminal_name', 'staff', 'action', 'result', 'reason',
  'ticket_code', 'product', 'line', 'qr_type', 'qr_ref', 'redemption_id',
] as const;

function encodeCursor(e: LogRecord): string {
  return Buffer.from(`${new Date(e.at).toISOString()}|${e.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { at: Date; id: number } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const when = new Date(at);
  if (Number.isNaN(when.getTime()) || !/^\d+$/.test(id ?? '')) throw new AppError('BAD_USER_INPUT', 'Bad cursor', { field: 'after' });
  return { at: when, id: Number(id) };
}

/**
 * The redemption log for merchants (managers: the whole merchant; staff: their own terminal), its
 * CSV export for reconciliation, and the live feed of redemptions (graphql-ws, over Redis pub/sub).
 */
export class RedemptionLogService {
  /** A page of the log, newest first. */
  async logs(ctx: RequestContext, f: LogFilter, first = 50, after?: string | null): Promise<LogPage> {
    const scope = this.scope(ctx, f);
    const limit = Math.min(Math.max(Math.floor(first) || 50, 1), MAX_PAGE);
    const rows = await repo.logs(ctx.app.db, { ...scope, before: after ? decodeCursor(after) : null, limit: limit + 1 });
    const entries = rows.slice(0, limit);
    return { entries, nextCursor: rows.length > limit ? encodeCursor(entries[entries.length - 1]) : null };
  }

  /** The log as CSV (oldest first), for reconciliation. */
  async csv(ctx: RequestContext, f: LogFilter): Promise<string> {
    const scope = this.scope(ctx, f);
    const staff = requireStaff(ctx.principal);
    const all: LogRecord[] = [];
    let before: { at: Date; id: number } | null = null;
    for (;;) {
      const page = await repo.logs(ctx.app.db, { ...scope, before, limit: 5000 });
      all.push(...page);
      if (all.length > MAX_EXPORT_ROWS) {
        throw new AppError('EXPORT_TOO_LARGE', `More than ${MAX_EXPORT_ROWS} entries; narrow the date range`, { maxRows: MAX_EXPORT_ROWS });
      }
      if (page.length < 5000) break;
      const last = page[page.length - 1];
      before = { at: new Date(last.at), id: Number(last.id) };
    }
    all.reverse();
    return toCsv(
      CSV_HEADER,
      all.map((e) => [
        e.id, hkDateTime(e.at), new Date(e.at).toISOString(), staff.merchantName, e.terminalCode, e.terminalName, e.staffUsername, e.action, e.result,
        e.reason, e.ticketCode, e.productName, e.lineName, e.qrTyp, e.qrRef, e.redemptionId,
      ]),
    );
  }

  /**
   * The live feed of the caller's merchant (managers: every terminal, or one they name; staff: their
   * own terminal). Subscribed per merchant on the pub/sub, so nothing of another merchant is ever
   * delivered; the account and terminal are re-checked while it runs, and the feed ends if disabled.
   */
  liveFeed(ctx: RequestContext, terminalId?: number | null): AsyncIterable<Record<string, unknown>> {
    const staff = requireStaff(ctx.principal);
    const only = this.terminalScope(staff, terminalId ?? null);
    return pipe(
      ctx.app.pubsub.subscribe('REDEMPTION_RECORDED', staff.merchantId),
      filter(async (event: Record<string, unknown>) => {
        if (event.merchantId !== staff.merchantId) return false;
        // Every event of the merchant re-checks the account and terminal (one primary-key read): a
        // disabled terminal's feed ends at the next event and never shows another line, even one
        // published before it was disabled.
        await recheckStaff(ctx.app.db, staff);
        return only === null || event.terminalId === only;
      }),
    );
  }

  private scope(ctx: RequestContext, f: LogFilter) {
    const staff = requireStaff(ctx.principal);
    if (f.from && f.to && f.from >= f.to) throw new AppError('BAD_USER_INPUT', '"from" must be before "to"', { field: 'from' });
    return {
      merchantId: staff.merchantId, terminalId: this.terminalScope(staff, f.terminalId ?? null),
      result: f.result ?? null, action: f.action ?? null, from: f.from ?? null, to: f.to ?? null,
    };
  }

  /** STAFF see their own terminal only; a MANAGER sees the merchant, or one terminal of it. */
  private terminalScope(staff: StaffPrincipal, terminalId: number | null): number | null {
    if (staff.role === 'MANAGER') return terminalId;
    if (terminalId !== null && terminalId !== staff.terminalId) throw new AppError('FORBIDDEN', 'Staff see their own terminal only');
    return staff.terminalId;
  }
}
