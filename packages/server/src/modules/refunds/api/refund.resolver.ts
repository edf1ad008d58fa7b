import { Arg, Ctx, Field, FieldResolver, Float, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../../app/context.js';
import { RefundTierView } from '../../admin/api/admin.types.js';
import { Order } from '../../orders/api/order.types.js';
import type { OrderRecord } from '../../orders/order.repository.js';
import type { RefundQuote as RefundQuoteRecord, RefundRecord } from '../refund.service.js';

@ObjectType({ description: 'What refunding one ticket would give back now' })
export class RefundQuoteItem {
  @Field() ticketCode!: string;
  @Field() refundable!: boolean;
  @Field(() => String, { nullable: true, description: 'TOO_LATE, FULLY_USED, SHARED_ONLY_WITH_WHOLE_ORDER, REFUND_IN_PROGRESS, CHANGE_IN_PROGRESS, INVALID_TRANSITION' })
  reason!: string | null;
  @Field(() => Int, { description: 'Paid for this ticket, fen' }) price!: number;
  @Field(() => Float) hoursBefore!: number;
  @Field(() => Int, { nullable: true }) feePercent!: number | null;
  @Field(() => Int, { description: 'fen' }) fee!: number;
  @Field(() => Int, { description: 'Back to the traveller, fen' }) amount!: number;
  @Field(() => Date, { nullable: true, description: 'When the fee next rises (or refunds close); null when it will not before the start' })
  nextFeeAt?: Date | null;
  @Field(() => Int, { nullable: true, description: 'The tier boundary of nextFeeAt in hours before the start, e.g. 24 (出发前24小时内)' })
  nextFeeHoursBefore?: number | null;
  @Field(() => Int, { nullable: true, description: 'The fee percent from nextFeeAt; null when no refund is possible then' })
  nextFeePercent?: number | null;
  @Field(() => Int, { nullable: true, description: 'The fee from nextFeeAt, fen; null when no refund is possible then' })
  nextFee?: number | null;
}

@ObjectType()
export class RefundQuote {
  @Field(() => ID) orderId!: number;
  @Field() currency!: string;
  @Field(() => [RefundQuoteItem]) items!: RefundQuoteItem[];
  @Field(() => Int) totalFee!: number;
  @Field(() => Int) totalAmount!: number;
}

@ObjectType()
export class Refund {
  @Field(() => ID) id!: number;
  @Field({ description: 'out_refund_no' }) refundNo!: string;
  @Field(() => ID) orderId!: number;
  @Field({ description: 'TICKETS, CHANGE_DIFFERENCE, DOUBLE_PAYMENT, LATE_PAYMENT' }) kind!: string;
  @Field({ description: 'REQUESTED, PROCESSING, SUCCEEDED, FAILED' }) status!: string;
  @Field(() => Int) amount!: number;
  @Field(() => Int) fee!: number;
  @Field() currency!: string;
  @Field(() => String, { nullable: true }) failureReason!: string | null;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) completedAt!: Date | null;
}

@ObjectType({ description: "A product's current refund and change rules, for its detail page (an order keeps the rules it was bought under)" })
export class ProductRules {
  @Field(() => ID) productId!: number;
  @Field({ description: 'The rules in one Chinese sentence' }) summaryZh!: string;
  @Field(() => [RefundTierView], { description: 'At least minHoursBefore hours before the start: feePercent; before the smallest tier no refund' })
  refundTiers!: Array<{ minHoursBefore: number; feePercent: number }>;
  @Field() changeAllowed!: boolean;
  @Field(() => Int, { description: 'Changes close this many hours before departure' }) changeMinHoursBefore!: number;
}

/** Refunds: thin adapters over RefundService. */
@Resolver(() => Refund)
export class RefundResolver {
  @Query(() => RefundQuote, { description: 'The fee and amount back for some (default: all usable) tickets of an order, before confirming' })
  refundQuote(
    @Ctx() ctx: RequestContext,
    @Arg('orderId', () => ID) orderId: string,
    @Arg('ticketCodes', () => [String], { nullable: true }) ticketCodes?: string[],
  ): Promise<RefundQuoteRecord> {
    return ctx.app.services.refunds.refundQuote(ctx, Number(orderId), ticketCodes);
  }

  @Query(() => ProductRules, { description: "A product's current refund and change rules (the product detail page)" })
  productRules(@Ctx() ctx: RequestContext, @Arg('productId', () => ID) productId: string): Promise<ProductRules> {
    return ctx.app.services.refunds.productRules(ctx, Number(productId));
  }

  @Mutation(() => Refund, { description: 'Refunds tickets of a paid order under its refund rule' })
  requestRefund(
    @Ctx() ctx: RequestContext,
    @Arg('orderId', () => ID) orderId: string,
    @Arg('ticketCodes', () => [String], { nullable: true }) ticketCodes?: string[],
    @Arg('reason', () => String, { nullable: true }) reason?: string,
  ): Promise<RefundRecord> {
    return ctx.app.services.refunds.requestRefund(ctx, Number(orderId), ticketCodes, reason);
  }

  @Mutation(() => Refund, { description: 'Tries a failed refund again' })
  retryRefund(@Ctx() ctx: RequestContext, @Arg('refundId', () => ID) refundId: string): Promise<RefundRecord> {
    return ctx.app.services.refunds.retryRefund(ctx, Number(refundId));
  }

  @Mutation(() => Refund, { description: 'An operator retries a failed refund, with a reason (ADMIN; audited)' })
  adminRetryRefund(@Ctx() ctx: RequestContext, @Arg('refundId', () => ID) refundId: string, @Arg('reason') reason: string): Promise<RefundRecord> {
    return ctx.app.services.refunds.adminRetryRefund(ctx, Number(refundId), reason);
  }

  @FieldResolver(() => [String])
  async ticketCodes(@Root() r: RefundRecord, @Ctx() ctx: RequestContext): Promise<string[]> {
    if (!r.ticketIds.length) return [];
    return (await ctx.app.db.query<{ code: string }>('SELECT code FROM ticket WHERE id = ANY($1::int[]) ORDER BY id', [r.ticketIds])).map((x) => x.code);
  }
}

/** An order's refunds. */
@Resolver(() => Order)
export class OrderRefundsResolver {
  @FieldResolver(() => [Refund])
  refunds(@Root() order: OrderRecord, @Ctx() ctx: RequestContext): Promise<RefundRecord[]> {
    return ctx.app.services.refunds.listRefunds(ctx, order.id);
  }
}
