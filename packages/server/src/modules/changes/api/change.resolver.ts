import { Arg, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../../app/context.js';
import { WechatPayParams } from '../../payments/api/payment.resolver.js';
import type { RequestPaymentParams } from '../../payments/gateway.js';
import { Ticket } from '../../tickets/api/ticket.types.js';
import { ticketRepository, type TicketRecord } from '../../tickets/ticket.repository.js';
import type { ChangeQuoteRecord, ChangeRecord } from '../change.service.js';

@ObjectType({ description: 'A change (改签) of a ticket to another departure' })
export class TicketChange {
  @Field(() => ID) id!: number;
  @Field() changeNo!: string;
  @Field({ description: 'AWAITING_PAYMENT, COMPLETED or ABANDONED' }) status!: string;
  @Field(() => ID) fromTripId!: number;
  @Field(() => ID) toTripId!: number;
  @Field(() => Int) oldPrice!: number;
  @Field(() => Int) newPrice!: number;
  @Field(() => Int, { description: '> 0: to pay (payChange); < 0: refunded' }) difference!: number;
  @Field({ description: 'The new seat is held until then while AWAITING_PAYMENT' }) lockExpireAt!: Date;
  @Field(() => Date, { nullable: true }) completedAt!: Date | null;
}

@ObjectType({ description: 'What changing a ticket to another departure would cost (nothing is taken)' })
export class ChangeQuote {
  @Field() ticketCode!: string;
  @Field(() => ID) fromTripId!: number;
  @Field(() => ID) toTripId!: number;
  @Field({ description: 'Departure of the new trip' }) departureAt!: Date;
  @Field() arrivalAt!: Date;
  @Field(() => Int, { description: 'Paid for the ticket, fen' }) oldPrice!: number;
  @Field(() => Int, { description: 'The new fare for this passenger, fen' }) newPrice!: number;
  @Field(() => Int, { description: '> 0: to pay after requestChange (payChange); < 0: refunded once changed' }) difference!: number;
  @Field(() => Int, { description: 'Change fee, fen (the rules have none: always 0)' }) fee!: number;
}

/** Changes: thin adapters over ChangeService. */
@Resolver(() => TicketChange)
export class ChangeResolver {
  @Mutation(() => TicketChange, { description: 'Changes a trip ticket to another departure between the same cities' })
  requestChange(@Ctx() ctx: RequestContext, @Arg('ticketCode') ticketCode: string, @Arg('newTripId', () => ID) newTripId: string): Promise<ChangeRecord> {
    return ctx.app.services.changes.requestChange(ctx, ticketCode, Number(newTripId));
  }

  @Mutation(() => WechatPayParams, { description: 'wx.requestPayment parameters for the fare difference of a change' })
  payChange(@Ctx() ctx: RequestContext, @Arg('changeId', () => ID) changeId: string): Promise<RequestPaymentParams> {
    return ctx.app.services.changes.payChange(ctx, Number(changeId));
  }

  @Query(() => ChangeQuote, { description: 'The fare difference of changing a ticket to another departure, with the same checks as requestChange' })
  changeQuote(@Ctx() ctx: RequestContext, @Arg('ticketCode') ticketCode: string, @Arg('newTripId', () => ID) newTripId: string): Promise<ChangeQuoteRecord> {
    return ctx.app.services.changes.changeQuote(ctx, ticketCode, Number(newTripId));
  }

  @Query(() => TicketChange)
  ticketChange(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<ChangeRecord> {
    return ctx.app.services.changes.ownChange(ctx, Number(id));
  }

  @FieldResolver(() => String, { description: 'The ticket being changed' })
  async ticketCode(@Root() c: ChangeRecord, @Ctx() ctx: RequestContext): Promise<string> {
    return (await ticketRepository.byId(ctx.app.db, c.ticketId))!.code;
  }

  @FieldResolver(() => Ticket, { nullable: true, description: 'The new ticket once the change is complete' })
  async newTicket(@Root() c: ChangeRecord, @Ctx() ctx: RequestContext): Promise<TicketRecord | null> {
    return c.newTicketId ? ticketRepository.byId(ctx.app.db, c.newTicketId) : null;
  }
}
