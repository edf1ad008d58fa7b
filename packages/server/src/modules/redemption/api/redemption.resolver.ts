import { Arg, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { Repeater } from '@graphql-yoga/subscription';
import type { RequestContext } from '../../../app/context.js';
import { AppError } from '../../../common/errors.js';
import { toId } from '../../merchants/api/merchant.resolver.js';
import type { LogFilter } from '../redemption-log.service.js';
import type { BatchOutcome } from '../redemption.service.js';
import {
  Departure, RedeemItemInput, RedeemOutcome, Redemption, RedemptionLogFilter, RedemptionLogPage, ScanResult,
} from './redemption.types.js';

/**
 * graphql-ws does not pass errors through Apollo's formatError: give AppErrors thrown when the
 * subscription starts, or by the feed later (a disabled terminal), their `extensions.code` here.
 */
function coded<T>(start: () => AsyncIterable<T>): AsyncIterable<T> {
  let source: AsyncIterable<T>;
  try {
    source = start();
  } catch (err) {
    throw err instanceof AppError ? err.toGraphQLError() : err;
  }
  return new Repeater<T>(async (push, stop) => {
    const it = source[Symbol.asyncIterator]();
    stop.then(() => it.return?.());
    try {
      for (let next = await it.next(); !next.done; next = await it.next()) await push(next.value);
      stop();
    } catch (err) {
      stop(err instanceof AppError ? err.toGraphQLError() : err);
    }
  });
}

/** GraphQL filter → service filter. */
export function logFilter(f?: RedemptionLogFilter | null): LogFilter {
  return {
    from: f?.from ?? null, to: f?.to ?? null, result: f?.result ?? null, action: f?.action ?? null,
    terminalId: f?.terminalId ? toId(f.terminalId, 'terminalId') : null,
  };
}

function optionalId(v: string | null | undefined, field: string): number | null {
  return v === null || v === undefined || v === '' ? null : toId(v, field);
}

function outcome(o: BatchOutcome): RedeemOutcome {
  const d = o.error?.details ?? {};
  return {
    ticketId: o.ticketId, lineId: o.lineId, redemption: o.redemption,
    error: o.error && {
      code: o.error.code, message: o.error.message, redeemedAt: d.redeemedAt ? new Date(String(d.redeemedAt)) : null,
      terminalCode: (d.terminalCode as string | undefined) ?? null, terminalName: (d.terminalName as string | undefined) ?? null,
      departureAt: d.departureAt ? new Date(String(d.departureAt)) : null, departureTime: (d.departureTime as string | undefined) ?? null,
    },
  };
}

/** Redemption at the gate, the merchant's log and its live feed: thin adapters over the services. */
@Resolver()
export class RedemptionResolver {
  @Mutation(() => ScanResult, {
    description: 'Verifies a ticket or order QR and shows what this merchant may redeem (logged). With tripId (the departure a ferry or bus gate boards) a ticket for another trip is WRONG_DEPARTURE.',
  })
  scanCode(@Ctx() ctx: RequestContext, @Arg('payload') payload: string, @Arg('tripId', () => ID, { nullable: true }) tripId?: string | null) {
    return ctx.app.services.redemption.scanCode(ctx, payload, optionalId(tripId, 'tripId'));
  }

  @Mutation(() => Redemption, {
    description: 'Redeems one use of one line (逐项核销) after a scan of its code on this terminal; idempotent per scan nonce and line. Without scanNonce the latest scan of the ticket on this terminal (within 2 minutes) is used.',
  })
  redeem(
    @Ctx() ctx: RequestContext,
    @Arg('ticketId', () => ID) ticketId: string,
    @Arg('lineId', () => ID) lineId: string,
    @Arg('scanNonce', () => String, { nullable: true }) scanNonce?: string | null,
    @Arg('tripId', () => ID, { nullable: true, description: "The departure the gate boards (default: the scan's)" }) tripId?: string | null,
  ) {
    return ctx.app.services.redemption.redeem(ctx, {
      scanNonce: scanNonce ?? null, ticketId: toId(ticketId, 'ticketId'), lineId: toId(lineId, 'lineId'), tripId: optionalId(tripId, 'tripId'),
    });
  }

  @Mutation(() => [RedeemOutcome], { description: 'Redeems several lines of one scan; each succeeds or fails on its own' })
  async redeemBatch(
    @Ctx() ctx: RequestContext,
    @Arg('scanNonce') scanNonce: string,
    @Arg('items', () => [RedeemItemInput]) items: RedeemItemInput[],
    @Arg('tripId', () => ID, { nullable: true, description: "The departure the gate boards (default: the scan's)" }) tripId?: string | null,
  ) {
    const parsed = items.map((i) => ({ ticketId: toId(i.ticketId, 'ticketId'), lineId: toId(i.lineId, 'lineId') }));
    return (await ctx.app.services.redemption.redeemBatch(ctx, scanNonce, parsed, optionalId(tripId, 'tripId'))).map(outcome);
  }

  @Query(() => [Departure], { description: "The departures of a Hong Kong day (default today) the staff's merchant boards, with expected and boarded counts" })
  departures(@Ctx() ctx: RequestContext, @Arg('date', () => String, { nullable: true, description: 'YYYY-MM-DD (HKT)' }) date?: string | null) {
    return ctx.app.services.departures.list(ctx, date ?? null);
  }

  @Query(() => Departure, { description: 'One departure of this merchant with its counts' })
  departure(@Ctx() ctx: RequestContext, @Arg('tripId', () => ID) tripId: string) {
    return ctx.app.services.departures.get(ctx, toId(tripId, 'tripId'));
  }

  @Subscription(() => Departure, {
    description: "One departure's expected and boarded counts: now, then after each redemption of one of its tickets by this merchant (any terminal)",
    subscribe: ({ context, args }) =>
      coded(() => (context as RequestContext).app.services.departures.boardingFeed(context as RequestContext, toId(args.tripId, 'tripId'))),
  })
  departureBoarding(@Root() event: Departure, @Arg('tripId', () => ID) _tripId: string): Departure {
    return event;
  }

  @Query(() => RedemptionLogPage, { description: "The merchant's scan and redeem log, newest first (MANAGER: whole merchant; STAFF: own terminal)" })
  redemptionLogs(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => RedemptionLogFilter, { nullable: true }) filter?: RedemptionLogFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return ctx.app.services.redemptionLogs.logs(ctx, logFilter(filter), first ?? 50, after ?? null);
  }

  @Query(() => String, { description: 'The same log as CSV (oldest first) for reconciliation (对账)' })
  redemptionLogsCsv(@Ctx() ctx: RequestContext, @Arg('filter', () => RedemptionLogFilter, { nullable: true }) filter?: RedemptionLogFilter) {
    return ctx.app.services.redemptionLogs.csv(ctx, logFilter(filter));
  }

  @Subscription(() => Redemption, {
    description: "Redemptions of the caller's merchant as they happen, from every server instance (MANAGER: all terminals or one; STAFF: own terminal)",
    subscribe: ({ context, args }) =>
      coded(() => (context as RequestContext).app.services.redemptionLogs.liveFeed(context as RequestContext, args.terminalId ? toId(args.terminalId, 'terminalId') : null)),
  })
  redemptionRecorded(@Root() event: Record<string, unknown>, @Arg('terminalId', () => ID, { nullable: true }) _terminalId?: string): Redemption {
    return { ...(event as unknown as Redemption), at: new Date(String(event.at)), replayed: false };
  }
}

export const REDEMPTION_RESOLVERS = [RedemptionResolver] as const;
