import { Arg, Ctx, Field, ID, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../../app/context.js';
import { Merchant } from '../../catalog/api/catalog.types.js';
import { MerchantStaffMember, MerchantTerminal } from './merchant.types.js';

@ObjectType({ description: 'A registered terminal and its key, shown this once' })
export class TerminalRegistration {
  @Field(() => ID) id!: number;
  @Field() code!: string;
  @Field({ description: 'Give it to the device; only a hash is kept' }) key!: string;
}

@ObjectType()
export class AdminMerchant extends Merchant {
  @Field() enabled!: boolean;
}

/** Admin management of merchants, terminals and staff. */
@Resolver()
export class MerchantAdminResolver {
  @Query(() => [AdminMerchant]) adminMerchants(@Ctx() ctx: RequestContext) {
    return ctx.app.services.merchantAdmin.merchants(ctx);
  }

  @Query(() => [MerchantTerminal]) adminTerminals(@Ctx() ctx: RequestContext, @Arg('merchantId', () => ID) merchantId: string) {
    return ctx.app.services.merchantAdmin.terminals(ctx, Number(merchantId));
  }

  @Query(() => [MerchantStaffMember]) adminStaff(@Ctx() ctx: RequestContext, @Arg('merchantId', () => ID) merchantId: string) {
    return ctx.app.services.merchantAdmin.staff(ctx, Number(merchantId));
  }

  @Mutation(() => ID) adminUpsertMerchant(
    @Ctx() ctx: RequestContext,
    @Arg('code') code: string,
    @Arg('name') name: string,
    @Arg('kind') kind: string,
    @Arg('enabled', { defaultValue: true }) enabled: boolean,
    @Arg('id', () => ID, { nullable: true }) id?: string,
  ) {
    return ctx.app.services.merchantAdmin.upsertMerchant(ctx, { id: id ? Number(id) : null, code, name, kind, enabled });
  }

  @Mutation(() => TerminalRegistration) adminRegisterTerminal(
    @Ctx() ctx: RequestContext,
    @Arg('merchantId', () => ID) merchantId: string,
    @Arg('code') code: string,
    @Arg('name') name: string,
  ) {
    return ctx.app.services.merchantAdmin.registerTerminal(ctx, { merchantId: Number(merchantId), code, name });
  }

  @Mutation(() => ID) adminCreateStaff(
    @Ctx() ctx: RequestContext,
    @Arg('merchantId', () => ID) merchantId: string,
    @Arg('username') username: string,
    @Arg('displayName') displayName: string,
    @Arg('role') role: string,
    @Arg('password') password: string,
  ) {
    return ctx.app.services.merchantAdmin.createStaff(ctx, { merchantId: Number(merchantId), username, displayName, role, password });
  }

  @Mutation(() => Boolean) adminSetTerminalEnabled(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string, @Arg('enabled') enabled: boolean) {
    return ctx.app.services.merchantAdmin.setEnabled(ctx, 'terminal', Number(id), enabled);
  }

  @Mutation(() => Boolean) adminSetStaffEnabled(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string, @Arg('enabled') enabled: boolean) {
    return ctx.app.services.merchantAdmin.setEnabled(ctx, 'merchant_staff', Number(id), enabled);
  }
}
