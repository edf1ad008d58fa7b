import { Arg, Ctx, Float, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../../app/context.js';
import { AppError } from '../../../common/errors.js';
import { toId } from '../../merchants/api/merchant.resolver.js';
import { ScanResult } from '../../redemption/api/redemption.types.js';
import {
  OfflineBundlePayload, OfflineRedemptionInput, OfflineRefusalInput, OfflineSyncOutcome, RedemptionConflictEntry, TerminalEnrolment, TerminalEnrolmentCode,
} from './offline.types.js';

/** Terminal enrolment, the offline bundle and sync, conflicts, and manual ticket-code entry: thin adapters. */
@Resolver()
export class OfflineResolver {
  @Mutation(() => TerminalEnrolmentCode, { description: 'A one-time, 15-minute enrolment code and QR for a terminal (ADMIN)' })
  adminCreateEnrolmentCode(@Ctx() ctx: RequestContext, @Arg('terminalId', () => ID) terminalId: string) {
    return ctx.app.services.terminalEnrolment.adminCreateCode(ctx, toId(terminalId, 'terminalId'));
  }

  @Mutation(() => TerminalEnrolmentCode, { description: "A one-time enrolment code for one of the manager's terminals (MANAGER)" })
  createTerminalEnrolmentCode(@Ctx() ctx: RequestContext, @Arg('terminalId', () => ID) terminalId: string) {
    return ctx.app.services.terminalEnrolment.managerCreateCode(ctx, toId(terminalId, 'terminalId'));
  }

  @Mutation(() => TerminalEnrolment, { description: 'The device trades an enrolment code (typed, or the scanned DTE1.<code>) for its terminal key, once' })
  enrolTerminal(@Ctx() ctx: RequestContext, @Arg('code') code: string) {
    return ctx.app.services.terminalEnrolment.enrol(ctx, code);
  }

  @Query(() => OfflineBundlePayload, { description: "The signed offline bundle of the terminal's merchant; `since` (a previous version) for a delta" })
  offlineBundle(@Ctx() ctx: RequestContext, @Arg('since', () => Float, { nullable: true }) since?: number | null) {
    return ctx.app.services.offlineBundle.bundle(ctx, since ?? null);
  }

  @Mutation(() => [OfflineSyncOutcome], { description: 'Applies redemptions made offline, idempotently by scan nonce; first by scan time wins, the other is a conflict' })
  syncOfflineRedemptions(
    @Ctx() ctx: RequestContext,
    @Arg('items', () => [OfflineRedemptionInput]) items: OfflineRedemptionInput[],
    @Arg('refusals', () => [OfflineRefusalInput], { nullable: true }) refusals?: OfflineRefusalInput[] | null,
  ) {
    const optionalId = (v: string | null | undefined, field: string) => (v ? toId(v, field) : null);
    return ctx.app.services.offlineSync.sync(
      ctx,
      items.map((i) => ({ ...i, ticketId: toId(i.ticketId, 'ticketId'), lineId: toId(i.lineId, 'lineId'), staffId: optionalId(i.staffId, 'staffId') })),
      (refusals ?? []).map((r) => ({ ...r, staffId: optionalId(r.staffId, 'staffId') })),
    );
  }

  @Query(() => [RedemptionConflictEntry], { description: 'Offline conflicts of the merchant, open first (MANAGER)' })
  redemptionConflicts(
    @Ctx() ctx: RequestContext,
    @Arg('status', () => String, { nullable: true, description: 'OPEN or RESOLVED; all when empty' }) status?: string | null,
    @Arg('limit', () => Int, { nullable: true }) limit?: number | null,
  ) {
    if (status && status !== 'OPEN' && status !== 'RESOLVED') throw new AppError('BAD_USER_INPUT', 'status: OPEN or RESOLVED', { field: 'status' });
    return ctx.app.services.redemptionConflicts.list(ctx, (status as 'OPEN' | 'RESOLVED' | null) ?? null, limit ?? 100);
  }

  @Mutation(() => RedemptionConflictEntry, { description: 'Resolves an offline conflict with a note (MANAGER)' })
  resolveRedemptionConflict(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string, @Arg('note') note: string) {
    return ctx.app.services.redemptionConflicts.resolve(ctx, toId(id, 'id'), note);
  }

  @Mutation(() => RedemptionConflictEntry, { description: "An operator resolves any merchant's offline conflict, with a reason (ADMIN; audited)" })
  adminResolveRedemptionConflict(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string, @Arg('reason') reason: string) {
    return ctx.app.services.redemptionConflicts.adminResolve(ctx, toId(id, 'id'), reason);
  }

  @Mutation(() => ScanResult, { description: 'A ticket code typed by staff instead of a scan (logged as manual); redeem with its scanNonce' })
  scanTicketCode(@Ctx() ctx: RequestContext, @Arg('code') code: string, @Arg('tripId', () => ID, { nullable: true, description: 'The departure the gate boards' }) tripId?: string | null) {
    return ctx.app.services.manualScan.scanTicketCode(ctx, code, tripId ? toId(tripId, 'tripId') : null);
  }
}

export const OFFLINE_RESOLVERS = [OfflineResolver] as const;
