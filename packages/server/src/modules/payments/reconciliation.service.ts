import { addDays, localDateOf, startOfLocalDate } from '@deeptravel/shared';
import type { RequestContext } from '../../app/context.js';
import { AppError } from '../../common/errors.js';
import { requireAdmin } from '../admin/admin-session.js';
import { writeAudit } from '../admin/audit.js';
import type { PaymentGateway } from './gateway.js';
import type { PaymentService } from './payment.service.js';
import { parseTradeBill, type BillRow } from './bill-parser.js';

/** A difference found by reconciliation. */
export interface Difference {
  subject: 'PAYMENT' | 'REFUND';
  kind: 'MISSING_OURS' | 'MISSING_THEIRS' | 'AMOUNT_MISMATCH' | 'STATUS_MISMATCH';
  key: string;
  orderNo: string | null;
  ours: unknown;
  theirs: unknown;
}

/** Compares a day's bill rows with our payments and refunds of that day (pure, for tests and the job). */
export function compareDay(
  bill: { payments: BillRow[]; refunds: BillRow[] },
  ours: {
    payments: Array<{ txnId: string; orderNo: string; amount: number; status: string }>;
    refunds: Array<{ refundNo: string; orderNo: string; amount: number; status: string }>;
  },
): Difference[] {
  const out: Difference[] = [];
  const theirPay = new Map(bill.payments.filter((r) => r.state === 'SUCCESS' || r.state === '').map((r) => [r.transactionId, r]));
  const ourPay = new Map(ours.payments.map((p) => [p.txnId, p]));
  for (const [txn, r] of theirPay) {
    const p = ourPay.get(txn);
    if (!p) out.push({ subject: 'PAYMENT', kind: 'MISSING_OURS', key: txn, orderNo: r.outTradeNo, ours: null, theirs: r });
    else if (p.amount !== r.amount) out.push({ subject: 'PAYMENT', kind: 'AMOUNT_MISMATCH', key: txn, orderNo: p.orderNo, ours: p, theirs: r });
  }
  for (const [txn, p] of ourPay) if (!theirPay.has(txn)) out.push({ subject: 'PAYMENT', kind: 'MISSING_THEIRS', key: txn, orderNo: p.orderNo, ours: p, theirs: null });

  const theirRefunds = new Map(bill.refunds.filter((r) => r.outRefundNo).map((r) => [r.outRefundNo!, r]));
  const ourRefunds = new Map(ours.refunds.map((r) => [r.refundNo, r]));
  for (const [no, r] of theirRefunds) {
    const o = ourRefunds.get(no);
    if (!o) out.push({ subject: 'REFUND', kind: 'MISSING_OURS', key: no, orderNo: r.outTradeNo, ours: null, theirs: r });
    else if (o.amount !== r.refundAmount) out.push({ subject: 'REFUND', kind: 'AMOUNT_MISMATCH', key: no, orderNo: o.orderNo, ours: o, theirs: r });
    else if (r.refundState && r.refundState !== 'SUCCESS' && o.status === 'SUCCEEDED') {
      out.push({ subject: 'REFUND', kind: 'STATUS_MISMATCH', key: no, orderNo: o.orderNo, ours: o, theirs: r });
    }
  }
  for (const [no, o] of ourRefunds) if (!theirRefunds.has(no)) out.push({ subject: 'REFUND', kind: 'MISSING_THEIRS', key: no, orderNo: o.orderNo, ours: o, theirs: null });
  return out;
}

/**
 * Next-day reconciliation (对账): downloads WeChat's payment and refund bills of a day, compares them
 * with our payments and refunds of that day, and records each difference once (re-running a day adds
 * nothing). Admins see them, resolve them with a reason (audited), and may process a payment missing
 * on our side as a late payment.
 */
export class ReconciliationService {
  constructor(private readonly gateway: PaymentGateway, private readonly payments: PaymentService) {}

  async reconcileDay(ctx: RequestContext, date: string): Promise<{ date: string; found: number; recorded: number; skipped?: string }> {
    const [paymentsCsv, refundsCsv] = await Promise.all([this.gateway.downloadBill(date, 'SUCCESS'), this.gateway.downloadBill(date, 'REFUND')]);
    if (paymentsCsv === null && refundsCsv === null) return { date, found: 0, recorded: 0, skipped: 'no bill from the gateway' };
    const from = startOfLocalDate(date);
    const to = startOfLocalDate(addDays(date, 1));
    const ourPayments = await ctx.app.db.query<{ txnId: string; orderNo: string; amount: number; status: string }>(
      `SELECT p.gateway_txn_id AS "txnId", o.order_no AS "orderNo", p.amount, p.status FROM payment p JOIN orders o ON o.id = p.order_id
        WHERE p.gateway = $3 AND p.status IN ('SUCCEEDED', 'DOUBLE_PAYMENT', 'LATE_REFUNDING') AND p.created_at >= $1 AND p.created_at < $2`,
      [from, to, this.gateway.name],
    );
    const ourRefunds = await ctx.app.db.query<{ refundNo: string; orderNo: string; amount: number; status: string }>(
      `SELECT r.refund_no AS "refundNo", o.order_no AS "orderNo", r.amount, r.status FROM refund r JOIN orders o ON o.id = r.order_id
        WHERE r.status = 'SUCCEEDED' AND r.amount > 0 AND r.completed_at >= $1 AND r.completed_at < $2`,
      [from, to],
    );
    const diffs = compareDay(
      { payments: paymentsCsv ? parseTradeBill(paymentsCsv) : [], refunds: refundsCsv ? parseTradeBill(refundsCsv) : [] },
      { payments: ourPayments, refunds: ourRefunds },
    );
    let recorded = 0;
    for (const d of diffs) {
      const rows = await ctx.app.db.query(
        `INSERT INTO reconciliation_difference (bill_date, subject, kind, key, order_no, ours, theirs) VALUES ($1::date, $2, $3, $4, $5, $6, $7)
         ON CONFLICT ON CONSTRAINT reconciliation_difference_key_unique DO NOTHING RETURNING id`,
        [date, d.subject, d.kind, d.key, d.orderNo, JSON.stringify(d.ours), JSON.stringify(d.theirs)],
      );
      recorded += rows.length;
    }
    ctx.log.info({ date, found: diffs.length, recorded }, 'reconciliation run');
    return { date, found: diffs.length, recorded };
  }

  /** The job: reconcile yesterday (Hong Kong time). */
  async reconcileYesterday(ctx: RequestContext) {
    return this.reconcileDay(ctx, addDays(localDateOf(ctx.app.clock.now()), -1));
  }

  async list(ctx: RequestContext, f: { date?: string | null; unresolvedOnly?: boolean | null }) {
    requireAdmin(ctx.principal, 'read');
    return ctx.app.db.query(
      `SELECT id, bill_date::text AS "billDate", subject, kind, key, order_no AS "orderNo", ours, theirs, resolved, resolution,
              resolved_by AS "resolvedBy", resolved_at AS "resolvedAt", created_at AS "createdAt"
         FROM reconciliation_difference WHERE ($1::date IS NULL OR bill_date = $1::date) AND (NOT $2 OR NOT resolved) ORDER BY bill_date DESC, id`,
      [f.date ?? null, f.unresolvedOnly ?? false],
    );
  }

  /** Runs a day by hand (ADMIN). */
  async run(ctx: RequestContext, date: string) {
    const admin = requireAdmin(ctx.principal, 'write');
    const result = await this.reconcileDay(ctx, date);
    await writeAudit(ctx.app.db, admin, 'reconcile', 'reconciliation', date, null, result);
    return result;
  }

  /**
   * Resolves a difference with a reason (audited). For a payment missing on our side, `processPayment`
   * applies it like a notify (a late payment: the order is paid and ticketed, or refunded).
   */
  async resolve(ctx: RequestContext, id: number, reason: string, processPayment = false): Promise<void> {
    const admin = requireAdmin(ctx.principal, 'write');
    if (!reason.trim()) throw new AppError('VALIDATION_FAILED', 'Say why', { field: 'reason' });
    const [d] = await ctx.app.db.query<{ id: number; subject: string; kind: string; resolved: boolean; theirs: BillRow | null }>(
      'SELECT id, subject, kind, resolved, theirs FROM reconciliation_difference WHERE id = $1',
      [id],
    );
    if (!d) throw new AppError('NOT_FOUND', `Difference ${id} not found`);
    if (d.resolved) return;
    if (processPayment) {
      if (d.subject !== 'PAYMENT' || d.kind !== 'MISSING_OURS' || !d.theirs) {
        throw new AppError('VALIDATION_FAILED', 'Only a payment missing on our side can be processed', { field: 'processPayment' });
      }
      await this.payments.processSuccess(ctx, { gateway: this.gateway.name, orderNo: d.theirs.outTradeNo, txnId: d.theirs.transactionId, amount: d.theirs.amount, source: 'QUERY' });
    }
    await ctx.app.db.tx(async (sql) => {
      await sql.query(
        `UPDATE reconciliation_difference SET resolved = true, resolution = $2, resolved_by = $3, resolved_at = now(), updated_at = now() WHERE id = $1`,
        [id, reason.trim(), admin.username],
      );
      await writeAudit(sql, admin, processPayment ? 'resolve_and_process' : 'resolve', 'reconciliation_difference', id, { resolved: false }, { resolved: true, reason });
    });
  }
}
