import { Arg, Ctx, Field, ID, Mutation, ObjectType, Resolver } from 'type-graphql';
import type { RequestContext } from '../../../app/context.js';
import type { RequestPaymentParams } from '../gateway.js';

@ObjectType({ description: 'Exactly the parameters of wx.requestPayment' })
export class WechatPayParams {
  @Field() appId!: string;
  @Field() timeStamp!: string;
  @Field() nonceStr!: string;
  @Field({ description: 'prepay_id=…' }) package!: string;
  @Field() signType!: string;
  @Field() paySign!: string;
}

/** Payments: thin adapter over PaymentService. */
@Resolver()
export class PaymentResolver {
  @Mutation(() => WechatPayParams, { description: 'Opens the WeChat payment of a PENDING order whose seats are still held' })
  payOrder(@Ctx() ctx: RequestContext, @Arg('orderId', () => ID) orderId: string): Promise<RequestPaymentParams> {
    return ctx.app.services.payments.payOrder(ctx, Number(orderId));
  }
}
