import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { createLoaders } from '../../../app/loaders.js';
import { AppError } from '../../../common/errors.js';
import type { RequestContext } from '../../../app/context.js';
import type { OrderRecord } from '../order.repository.js';
import { CreateOrderInput, Order, OrderLine, OrderPassenger } from './order.types.js';

/** Mask all but the first 3 and last 4 digits of a phone number. */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return null;
  const digits = phone.replace(/\D/g, '');
  return digits.length <= 7 ? `${digits.slice(0, 1)}****` : `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

/** Orders: thin adapters over OrderService. */
@Resolver(() => Order)
export class OrderResolver {
  @Mutation(() => Order, { description: 'Creates a PENDING order with its seats locked until lockExpireAt' })
  createOrder(@Ctx() ctx: RequestContext, @Arg('input') input: CreateOrderInput): Promise<OrderRecord> {
    return ctx.app.services.orders.createOrder(ctx, {
      ...input,
      items: input.items.map((it) => ({ ...it, productId: Number(it.productId), tripId: it.tripId == null ? null : Number(it.tripId) })),
    });
  }

  @Mutation(() => Order, { description: 'Cancels an unpaid order and releases its seats' })
  cancelOrder(@Ctx() ctx: RequestContext, @Arg('orderId', () => ID) orderId: string): Promise<OrderRecord> {
    return ctx.app.services.orders.cancelOrder(ctx, Number(orderId));
  }

  @Query(() => Order, { description: "One of the caller's orders" })
  order(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<OrderRecord> {
    return ctx.app.services.orders.getOrder(ctx, Number(id));
  }

  @Query(() => [Order], { description: "The caller's orders, newest first" })
  myOrders(
    @Ctx() ctx: RequestContext,
    @Arg('limit', () => Int, { nullable: true }) limit?: number,
    @Arg('offset', () => Int, { nullable: true }) offset?: number,
    @Arg('status', () => String, { nullable: true }) status?: string,
  ): Promise<OrderRecord[]> {
    return ctx.app.services.orders.myOrders(ctx, { limit, offset, status });
  }

  @Subscription(() => Order, {
    description: "One of the caller's own orders, each time it or one of its tickets changes (paid and issued, a line or ticket redeemed, refunded, changed, cancelled, completed), from every server instance",
    subscribe: async ({ context, args }) => {
      try {
        return await (context as RequestContext).app.services.orders.orderUpdates(context as RequestContext, Number(args.orderId));
      } catch (err) {
        // graphql-ws does not pass errors through Apollo's formatError: the code goes in here.
        throw err instanceof AppError ? err.toGraphQLError() : err;
      }
    },
  })
  async myOrderUpdated(@Root() _event: { orderId: number }, @Ctx() ctx: RequestContext, @Arg('orderId', () => ID) orderId: string): Promise<OrderRecord> {
    // One context serves the whole subscription: fresh loaders, or nested fields would show the first event's data.
    ctx.loaders = createLoaders(ctx.app.db);
    // The subscribed order, its owner checked again (a token's traveller cannot change, but the order is re-read).
    return ctx.app.services.orders.getOrder(ctx, Number(orderId));
  }

  @FieldResolver(() => [OrderLine])
  lines(@Root() order: OrderRecord, @Ctx() ctx: RequestContext) {
    return ctx.loaders.orderLines.load(order.id);
  }

  @FieldResolver(() => [OrderPassenger])
  async passengers(@Root() order: OrderRecord, @Ctx() ctx: RequestContext): Promise<OrderPassenger[]> {
    const rows = await ctx.loaders.orderPassengers.load(order.id);
    return rows.map((p) => ({ id: p.id, name: p.name, passengerType: p.passengerType, phoneMasked: maskPhone(p.phone) }));
  }

  @FieldResolver(() => String, { nullable: true })
  promotionCode(@Root() order: OrderRecord): string | null {
    return order.snapshot.promotion?.code ?? null;
  }
}
