import type { RequestContext } from '../../app/context.js';
import { AppError } from '../../common/errors.js';
import { recordTransition } from '../../common/outbox/state-history.js';
import { requireAdmin } from '../admin/admin-session.js';
import { requireReason, writeAudit } from '../admin/audit.js';

/** A flagged payment notification as admins see it. */
export interface PaymentAnomalyRecord {
  id: number;
  kind: string;
  gateway: string;
  gatewayTxnId: string | null;
  orderId: number | null;
  orderNo: string | null;
  amount: number | null;
  detail: unknown;
  resolved: boolean;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolutionNote: string | null;
  createdAt: Date;
}

const COLUMNS = `id, kind, gateway, gateway_txn_id AS "gatewayTxnId", order_id AS "orderId", order_no AS "orderNo", amount, detail, resolved,
  resolved_at AS "resolvedAt", resolved_by AS "resolvedBy", resolution_note AS "resolutionNote", created_at AS "createdAt"`;

/**
 * Payment anomalies (docs/payments.md) are recorded, never applied; an operator looks into each
 * (refunds it at WeChat, contacts the traveller…) and then marks it resolved with what was done.
 */
export class PaymentAnomalyService {
  /** Marks an open anomaly resolved (ADMIN, reason required, audited). A second call is refused. */
  async resolve(ctx: RequestContext, id: number, reason: string): Promise<PaymentAnomalyRecord> {
    const admin = requireAdmin(ctx.principal, 'write');
    const note = requireReason(reason);
    const now = ctx.app.clock.now();
    return ctx.app.db.tx(async (sql) => {
      // The conditional UPDATE decides between two operators resolving at once: one wins.
      const [row] = await sql.query<PaymentAnomalyRecord>(
        `UPDATE payment_anomaly SET resolved = true, resolved_at = $2, resolved_by = $3, resolution_note = $4, updated_at = $2
          WHERE id = $1 AND NOT resolved RETURNING ${COLUMNS}`,
        [id, now, `admin:${admin.username}`, note],
      );
      if (!row) {
        const [cur] = await sql.query<{ resolved: boolean }>('SELECT resolved FROM payment_anomaly WHERE id = $1', [id]);
        if (!cur) throw new AppError('NOT_FOUND', `No payment anomaly ${id}`);
        throw new AppError('INVALID_TRANSITION', `Payment anomaly ${id} is already resolved`, { status: 'RESOLVED' });
      }
      await recordTransition(sql, { entityType: 'payment_anomaly', entityId: id, from: 'OPEN', to: 'RESOLVED', actor: `admin:${admin.username}`, reason: note.slice(0, 200), at: now });
      await writeAudit(sql, admin, 'payment_anomaly.resolve', 'payment_anomaly', id, { resolved: false }, { resolved: true, resolutionNote: note });
      return row;
    });
  }
}
