import type { RequestContext } from '../../app/context.js';
import { AppError } from '../../common/errors.js';
import { requireStaff } from '../merchants/staff-session.js';
import type { ScanResult } from '../redemption/redemption.service.js';
import { redemptionRepository as redemptionRepo } from '../redemption/redemption.repository.js';

/**
 * A ticket code typed by staff (the traveller's phone is dead, the code will not scan): the server
 * makes the ticket's current QR itself and scans it, so the verdicts, the log and the redeem that
 * follows are exactly those of a scanned code (with the gate's departure, when one was picked). The log entry is marked `manual` for the audit.
 */
export class ManualScanService {
  async scanTicketCode(ctx: RequestContext, code: string, departureTripId: number | null = null): Promise<ScanResult> {
    const staff = requireStaff(ctx.principal);
    const clean = String(code ?? '').trim().toUpperCase().replace(/\s+/g, '');
    const now = ctx.app.clock.now();
    const [ticket] = /^[A-Z0-9-]{4,40}$/.test(clean)
      ? await ctx.app.db.query<{ qrSecret: string }>('SELECT qr_secret AS "qrSecret" FROM ticket WHERE code = $1', [clean])
      : [];
    if (!ticket) {
      await redemptionRepo.insertLog(ctx.app.db, {
        at: now, merchantId: staff.merchantId, terminalId: staff.terminalId, staffId: staff.staffId, action: 'SCAN', result: 'DENIED',
        reason: 'TICKET_NOT_FOUND', detail: { manual: true, typed: clean.slice(0, 40) },
      });
      throw new AppError('TICKET_NOT_FOUND', 'No ticket has this code');
    }
    const { payload } = ctx.app.qr.payload({ typ: 'T', ref: clean }, ticket.qrSecret, now);
    const result = await ctx.app.services.redemption.scanCode(ctx, payload, departureTripId);
    await ctx.app.db.query(
      `UPDATE redemption_log SET detail = coalesce(detail, '{}'::jsonb) || '{"manual": true}'::jsonb WHERE scan_nonce = $1 AND action = 'SCAN'`,
      [result.scanNonce],
    );
    return result;
  }
}
