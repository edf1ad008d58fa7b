import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../../app/context.js';
import { requireAdmin, type AdminRole } from '../admin-session.js';
import {
  ReconciliationDifferenceView, ReconciliationRun,
  AdminAccount, AdminMetricsView, AdminOrderPage, AdminSession, AuditPage, PaymentAnomalyView, PlatformSettingsView, SettingsInput,
} from './admin.types.js';

/** Admin accounts, settings, metrics, audit and orders: thin adapters over the admin services. */
@Resolver()
export class AdminResolver {
  @Mutation(() => AdminSession, { description: 'Admin login; the token goes in Authorization: Bearer' })
  adminLogin(@Ctx() ctx: RequestContext, @Arg('username') username: string, @Arg('password') password: string) {
    return ctx.app.services.adminAccounts.login(ctx, username, password);
  }

  @Mutation(() => AdminAccount, { description: 'Creates an admin (ADMIN) or read-only (OPERATOR) account' })
  adminCreateAccount(@Ctx() ctx: RequestContext, @Arg('username') username: string, @Arg('password') password: string, @Arg('role') role: string) {
    return ctx.app.services.adminAccounts.create(ctx, { username, password, role: role as AdminRole });
  }

  @Query(() => AdminMetricsView, { description: 'Dashboard numbers over a date range (default: the last 14 days); poll it to refresh live' })
  adminMetrics(
    @Ctx() ctx: RequestContext,
    @Arg('fromDate', () => String, { nullable: true }) fromDate?: string,
    @Arg('toDate', () => String, { nullable: true }) toDate?: string,
  ) {
    return ctx.app.services.adminMetrics.metrics(ctx, fromDate, toDate);
  }

  @Query(() => PlatformSettingsView)
  async adminSettings(@Ctx() ctx: RequestContext) {
    requireAdmin(ctx.principal, 'read');
    return ctx.app.services.settings.get(ctx);
  }

  @Mutation(() => PlatformSettingsView, { description: 'Seat hold, passenger limit, optional notifications' })
  adminUpdateSettings(@Ctx() ctx: RequestContext, @Arg('input') input: SettingsInput) {
    return ctx.app.services.settings.update(ctx, {
      lockDurationMinutes: input.lockDurationMinutes ?? undefined,
      maxPassengersPerOrder: input.maxPassengersPerOrder ?? undefined,
      orderCompletedNotification: input.orderCompletedNotification,
    });
  }

  @Query(() => AuditPage, { description: 'Every admin change, newest first' })
  adminAuditLog(
    @Ctx() ctx: RequestContext,
    @Arg('entityType', () => String, { nullable: true }) entityType?: string,
    @Arg('entityId', () => String, { nullable: true }) entityId?: string,
    @Arg('actor', () => String, { nullable: true }) actor?: string,
    @Arg('limit', () => Int, { nullable: true }) limit?: number,
    @Arg('offset', () => Int, { nullable: true }) offset?: number,
  ) {
    return ctx.app.services.adminQueries.audit(ctx, { entityType, entityId, actor, limit, offset });
  }

  @Query(() => AdminOrderPage)
  adminOrders(
    @Ctx() ctx: RequestContext,
    @Arg('status', () => String, { nullable: true }) status?: string,
    @Arg('fromDate', () => String, { nullable: true }) fromDate?: string,
    @Arg('toDate', () => String, { nullable: true }) toDate?: string,
    @Arg('orderNo', () => String, { nullable: true }) orderNo?: string,
    @Arg('limit', () => Int, { nullable: true }) limit?: number,
    @Arg('offset', () => Int, { nullable: true }) offset?: number,
    @Arg('search', () => String, { nullable: true, description: 'An order number, WeChat transaction id, ticket code, or a traveller (openid, nickname, passenger phone or name)' }) search?: string,
    @Arg('searchKind', () => String, { nullable: true, description: 'AUTO (default: from the text), ORDER_NO, TRANSACTION_ID, TICKET_CODE or TRAVELLER' }) searchKind?: string,
    @Arg('sort', () => String, { nullable: true, description: 'createdAt, paidAt, totalAmount, orderNo or status, then :ASC or :DESC (default createdAt:DESC)' }) sort?: string,
  ) {
    return ctx.app.services.adminOrders.list(ctx, { status, fromDate, toDate, orderNo, limit, offset, search, searchKind, sort });
  }

  @Query(() => [ReconciliationDifferenceView], { description: 'Differences between WeChat bills and our records' })
  adminReconciliationDifferences(
    @Ctx() ctx: RequestContext,
    @Arg('date', () => String, { nullable: true }) date?: string,
    @Arg('unresolvedOnly', { defaultValue: false }) unresolvedOnly?: boolean,
  ) {
    return ctx.app.services.reconciliation.list(ctx, { date, unresolvedOnly });
  }

  @Mutation(() => ReconciliationRun, { description: 'Reconciles one day now (the job does yesterday at 10:30)' })
  adminRunReconciliation(@Ctx() ctx: RequestContext, @Arg('date') date: string) {
    return ctx.app.services.reconciliation.run(ctx, date);
  }

  @Mutation(() => Boolean, { description: 'Resolves a difference with a reason; processPayment applies a payment missing on our side as a late payment' })
  async adminResolveReconciliationDifference(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => Int) id: number,
    @Arg('reason') reason: string,
    @Arg('processPayment', { defaultValue: false }) processPayment: boolean,
  ) {
    await ctx.app.services.reconciliation.resolve(ctx, id, reason, processPayment);
    return true;
  }

  @Query(() => [PaymentAnomalyView], { description: 'Flagged payment notifications (unknown order, other amount, reused or second transaction)' })
  adminPaymentAnomalies(@Ctx() ctx: RequestContext, @Arg('unresolvedOnly', { defaultValue: true }) unresolvedOnly: boolean) {
    return ctx.app.services.adminQueries.paymentAnomalies(ctx, unresolvedOnly);
  }

  @Mutation(() => PaymentAnomalyView, { description: 'Marks a flagged payment notification resolved, saying what was done (ADMIN; audited)' })
  adminResolvePaymentAnomaly(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string, @Arg('reason') reason: string) {
    return ctx.app.services.paymentAnomalies.resolve(ctx, Number(id), reason);
  }
}
