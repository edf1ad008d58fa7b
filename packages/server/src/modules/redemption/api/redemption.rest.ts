import { isLocalDate, startOfLocalDate, addDays, localDateOf } from '@deeptravel/shared';
import type { App } from '../../../app/app.js';
import { AppError } from '../../../common/errors.js';
import type { RestRouter } from '../../../http/rest-router.js';
import { restHandler } from '../../orders/api/order.rest.js';
import type { LogFilter } from '../redemption-log.service.js';

/** `from`/`to` query values: an instant (ISO 8601), or a day (YYYY-MM-DD, Hong Kong time; `to` includes that day). */
function instant(value: string | null, field: 'from' | 'to'): Date | null {
  if (!value) return null;
  if (isLocalDate(value)) return startOfLocalDate(field === 'to' ? addDays(value, 1) : value);
  const d = new Date(value);
  if (Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(value)) throw new AppError('BAD_USER_INPUT', `${field} must be YYYY-MM-DD or an ISO instant`, { field });
  return d;
}

function parseFilter(q: URLSearchParams): LogFilter {
  const terminal = q.get('terminal_id');
  const result = q.get('result');
  const action = q.get('action');
  if (terminal !== null && !/^\d{1,12}$/.test(terminal)) throw new AppError('BAD_USER_INPUT', 'terminal_id must be a positive integer', { field: 'terminal_id' });
  if (result !== null && result !== 'ALLOWED' && result !== 'DENIED') throw new AppError('BAD_USER_INPUT', 'result must be ALLOWED or DENIED', { field: 'result' });
  if (action !== null && action !== 'SCAN' && action !== 'REDEEM') throw new AppError('BAD_USER_INPUT', 'action must be SCAN or REDEEM', { field: 'action' });
  return { from: instant(q.get('from'), 'from'), to: instant(q.get('to'), 'to'), terminalId: terminal ? Number(terminal) : null, result, action };
}

/**
 * `GET /merchant/redemptions.csv?from=&to=&terminal_id=&result=&action=` with a staff token: the
 * redemption log as a CSV download (UTF-8 with BOM, so spreadsheet programs read the Chinese names).
 */
export function registerRedemptionRoutes(app: App, router: RestRouter): void {
  router.add(
    'GET',
    '/merchant/redemptions.csv',
    restHandler(async (req) => {
      const csv = await app.services.redemptionLogs.csv(req.ctx, parseFilter(req.query));
      const day = localDateOf(app.clock.now());
      return {
        status: 200,
        text: `\uFEFF${csv}`,
        headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="redemptions-${day}.csv"`, 'cache-control': 'no-store' },
      };
    }),
  );
}
