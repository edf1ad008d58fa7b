import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../../app/context.js';
import { AppError } from '../../../common/errors.js';
import { AdminAccountUpdateInput, AdminAccountView, AdminOrderDetailView, AdminRedemption } from './admin-orders.types.js';

/** The admin order page, the live redemption list and the accounts: thin adapters over AdminOrderService and AdminAccountService. */
@Resolver()
export class AdminOrdersResolver {
  @Query(() => AdminOrderDetailView, { description: 'One order with its lines, payments, refunds, tickets, redemptions, conflicts, messages and history (by id or order number)' })
  adminOrder(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID, { nullable: true }) id?: string | null,
    @Arg('orderNo', () => String, { nullable: true }) orderNo?: string | null,
  ) {
    if (!id && !orderNo) throw new AppError('BAD_USER_INPUT', 'Give id or orderNo', { field: 'id' });
    return ctx.app.services.adminOrders.detail(ctx, { id: id ? Number(id) : null, orderNo });
  }

  @Query(() => [AdminRedemption], { description: 'The latest redemptions everywhere, newest first (the dashboard polls it)' })
  adminRecentRedemptions(@Ctx() ctx: RequestContext, @Arg('limit', () => Int, { nullable: true }) limit?: number | null) {
    return ctx.app.services.adminOrders.recentRedemptions(ctx, limit ?? 20);
  }

  @Query(() => [AdminAccountView], { description: 'Admin and operator accounts' })
  adminAccounts(@Ctx() ctx: RequestContext) {
    return ctx.app.services.adminOrders.accounts(ctx);
  }

  @Mutation(() => AdminAccountView, { description: 'Enables/disables an account, changes its role or sets a new password (ADMIN; ends its sessions; audited)' })
  adminUpdateAccount(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => AdminAccountUpdateInput) input: AdminAccountUpdateInput,
    @Arg('reason') reason: string,
  ) {
    return ctx.app.services.adminAccounts.update(ctx, Number(id), input, reason);
  }
}
