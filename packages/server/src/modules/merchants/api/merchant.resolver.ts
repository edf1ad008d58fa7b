import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../../app/context.js';
import { AppError } from '../../../common/errors.js';
import { MerchantStaffMember, MerchantTerminal, StaffIdentity, StaffLoginInput, StaffSession } from './merchant.types.js';

/** The largest id these arguments name (PostgreSQL `serial`/`int`): a larger one cannot exist. */
const MAX_ID = 2_147_483_647;

/** A positive integer id from a GraphQL ID argument. */
export function toId(value: string | number, field: string): number {
  const n = typeof value === 'number' ? value : /^\d{1,12}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0 || n > MAX_ID) throw new AppError('BAD_USER_INPUT', `${field} must be a positive integer id`, { field });
  return n;
}

/** Merchant staff: login on a terminal, who am I, and the manager's terminal and account switches. */
@Resolver()
export class MerchantStaffResolver {
  @Mutation(() => StaffSession, { description: 'Logs staff in on a registered terminal; the token is bound to it' })
  staffLogin(@Ctx() ctx: RequestContext, @Arg('input') input: StaffLoginInput) {
    return ctx.app.services.merchantStaff.login(ctx, input);
  }

  @Query(() => StaffIdentity, { description: 'The staff member and terminal of the current staff token' })
  staffMe(@Ctx() ctx: RequestContext) {
    return ctx.app.services.merchantStaff.me(ctx);
  }

  @Query(() => [MerchantTerminal], { description: "The manager's merchant's terminals (MANAGER)" })
  merchantTerminals(@Ctx() ctx: RequestContext) {
    return ctx.app.services.merchantStaff.terminals(ctx);
  }

  @Query(() => [MerchantStaffMember], { description: "The manager's merchant's staff accounts (MANAGER)" })
  merchantStaffMembers(@Ctx() ctx: RequestContext) {
    return ctx.app.services.merchantStaff.staffMembers(ctx);
  }

  @Mutation(() => MerchantTerminal, { description: 'Enables or disables a terminal; its tokens stop working at once (MANAGER)' })
  setTerminalEnabled(@Ctx() ctx: RequestContext, @Arg('terminalId', () => ID) terminalId: string, @Arg('enabled') enabled: boolean) {
    return ctx.app.services.merchantStaff.setTerminalEnabled(ctx, toId(terminalId, 'terminalId'), enabled);
  }

  @Mutation(() => MerchantStaffMember, { description: 'Enables or disables a staff account; its tokens stop working at once (MANAGER)' })
  setStaffEnabled(@Ctx() ctx: RequestContext, @Arg('staffId', () => ID) staffId: string, @Arg('enabled') enabled: boolean) {
    return ctx.app.services.merchantStaff.setStaffEnabled(ctx, toId(staffId, 'staffId'), enabled);
  }
}

export const MERCHANT_RESOLVERS = [MerchantStaffResolver] as const;
