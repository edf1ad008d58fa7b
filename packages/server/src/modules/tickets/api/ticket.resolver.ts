import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../../app/context.js';
import type { OrderRecord } from '../../orders/order.repository.js';
import { Order } from '../../orders/api/order.types.js';
import type { TicketRecord } from '../ticket.repository.js';
import { OfflineQr, QrCode, Ticket, TicketLine, TicketTrip } from './ticket.types.js';

/** Tickets: thin adapters over TicketService. */
@Resolver(() => Ticket)
export class TicketResolver {
  @Query(() => [Ticket], { description: "The caller's tickets, optionally by status" })
  myTickets(@Ctx() ctx: RequestContext, @Arg('status', () => String, { nullable: true }) status?: string): Promise<TicketRecord[]> {
    return ctx.app.services.tickets.myTickets(ctx, status);
  }

  @Query(() => Ticket, { description: "One of the caller's tickets by code" })
  ticket(@Ctx() ctx: RequestContext, @Arg('code') code: string): Promise<TicketRecord> {
    return ctx.app.services.tickets.ticket(ctx, code);
  }

  @FieldResolver(() => [TicketLine])
  lines(@Root() t: TicketRecord, @Ctx() ctx: RequestContext) {
    return ctx.loaders.ticketLines.load(t.id);
  }

  @FieldResolver(() => TicketTrip, { nullable: true, description: 'The departure of a trip ticket (null for passes)' })
  trip(@Root() t: TicketRecord, @Ctx() ctx: RequestContext) {
    return ctx.app.services.tickets.tripOf(ctx, t);
  }

  @FieldResolver(() => Boolean, { description: 'True when the traveller can change (改签) it now: an ACTIVE trip ticket, not changed before, under a rule that allows it, before its deadline' })
  async changeable(@Root() t: TicketRecord, @Ctx() ctx: RequestContext): Promise<boolean> {
    return (await ctx.app.services.changes.changeability(ctx, t)).changeable;
  }

  @FieldResolver(() => Date, { nullable: true, description: 'Changes close then (departure − the rule\'s changeMinHoursBefore); null when the rule allows none' })
  async changeDeadline(@Root() t: TicketRecord, @Ctx() ctx: RequestContext): Promise<Date | null> {
    return (await ctx.app.services.changes.changeability(ctx, t)).deadline;
  }

  @FieldResolver(() => QrCode, { nullable: true, description: 'Current QR payload (null unless the ticket is ACTIVE)' })
  qr(@Root() t: TicketRecord, @Ctx() ctx: RequestContext) {
    return ctx.app.services.tickets.qrFor(ctx, t);
  }

  @FieldResolver(() => OfflineQr, { nullable: true, description: "To show the code without network (the owner only; null for anyone else or unless ACTIVE)" })
  offlineQr(@Root() t: TicketRecord, @Ctx() ctx: RequestContext) {
    return ctx.app.services.tickets.offlineQrFor(ctx, t);
  }
}

/** The tickets of an order, and its order-level QR. */
@Resolver(() => Order)
export class OrderTicketsResolver {
  @FieldResolver(() => [Ticket])
  tickets(@Root() order: OrderRecord, @Ctx() ctx: RequestContext) {
    return ctx.app.services.tickets.ticketsOfOrder(ctx, order);
  }

  @FieldResolver(() => QrCode, { nullable: true, description: 'One QR listing every usable ticket of the order' })
  qr(@Root() order: OrderRecord, @Ctx() ctx: RequestContext) {
    return ctx.app.services.tickets.orderQr(ctx, order);
  }

  @FieldResolver(() => OfflineQr, { nullable: true, description: "To show the order QR without network (the owner only; null for anyone else or with no usable ticket)" })
  offlineQr(@Root() order: OrderRecord, @Ctx() ctx: RequestContext) {
    return ctx.app.services.tickets.orderOfflineQr(ctx, order);
  }
}

export const TICKET_RESOLVERS = [TicketResolver, OrderTicketsResolver] as const;
