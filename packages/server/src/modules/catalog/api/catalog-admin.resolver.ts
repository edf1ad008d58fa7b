import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../../app/context.js';
import {
  AdminBlackout, AdminCity, AdminProduct, AdminPromotion, AdminRefundRule, AdminRoute, AdminStation, AdminTemplate, AdminTripPage,
  CityInput, FareTierInput, ProductInput, PromotionInput, RefundRuleInput, RouteInput, ScheduleInput, ScheduleResult, StationInput,
  TemplateInput, TripInput,
} from '../../admin/api/admin.types.js';

const num = (v: unknown) => (v === null || v === undefined || v === '' ? null : Number(v));

/** Admin catalog configuration (issue 7): thin adapters; every mutation returns the id it wrote. */
@Resolver()
export class CatalogAdminResolver {
  @Query(() => [AdminCity]) adminCities(@Ctx() ctx: RequestContext) {
    return ctx.app.services.adminQueries.cities(ctx);
  }

  @Query(() => [AdminStation]) adminStations(@Ctx() ctx: RequestContext) {
    return ctx.app.services.adminQueries.stations(ctx);
  }

  @Query(() => [AdminRoute]) adminRoutes(@Ctx() ctx: RequestContext) {
    return ctx.app.services.adminQueries.routes(ctx);
  }

  @Query(() => [AdminProduct]) adminProducts(
    @Ctx() ctx: RequestContext,
    @Arg('kind', () => String, { nullable: true }) kind?: string,
    @Arg('enabled', () => Boolean, { nullable: true }) enabled?: boolean,
    @Arg('query', () => String, { nullable: true }) query?: string,
  ) {
    return ctx.app.services.adminQueries.products(ctx, { kind, enabled, query });
  }

  @Query(() => AdminTripPage) adminTrips(
    @Ctx() ctx: RequestContext,
    @Arg('routeId', () => ID, { nullable: true }) routeId?: string,
    @Arg('fromDate', () => String, { nullable: true }) fromDate?: string,
    @Arg('toDate', () => String, { nullable: true }) toDate?: string,
    @Arg('status', () => String, { nullable: true }) status?: string,
    @Arg('limit', () => Int, { nullable: true }) limit?: number,
    @Arg('offset', () => Int, { nullable: true }) offset?: number,
    @Arg('sort', () => String, { nullable: true, description: 'departureAt, available, sold or capacity, then :ASC or :DESC (default departureAt:ASC)' }) sort?: string,
  ) {
    return ctx.app.services.adminQueries.trips(ctx, { routeId: num(routeId), fromDate, toDate, status, limit, offset, sort });
  }

  @Query(() => [AdminTemplate]) adminPackageTemplates(@Ctx() ctx: RequestContext) {
    return ctx.app.services.adminQueries.templates(ctx);
  }

  @Query(() => [AdminRefundRule]) adminRefundRules(@Ctx() ctx: RequestContext) {
    return ctx.app.services.adminQueries.refundRules(ctx);
  }

  @Query(() => [AdminPromotion]) adminPromotions(@Ctx() ctx: RequestContext) {
    return ctx.app.services.adminQueries.promotions(ctx);
  }

  @Query(() => [AdminBlackout]) adminBlackoutDates(@Ctx() ctx: RequestContext, @Arg('year', () => Int) year: number) {
    return ctx.app.services.adminQueries.blackouts(ctx, year);
  }

  @Mutation(() => ID) adminUpsertCity(@Ctx() ctx: RequestContext, @Arg('input') i: CityInput) {
    return ctx.app.services.catalogAdmin.upsertCity(ctx, { ...i, id: num(i.id) });
  }

  @Mutation(() => ID) adminUpsertStation(@Ctx() ctx: RequestContext, @Arg('input') i: StationInput) {
    return ctx.app.services.catalogAdmin.upsertStation(ctx, { ...i, id: num(i.id), cityId: Number(i.cityId) });
  }

  @Mutation(() => ID) adminUpsertRoute(@Ctx() ctx: RequestContext, @Arg('input') i: RouteInput) {
    return ctx.app.services.catalogAdmin.upsertRoute(ctx, {
      ...i, id: num(i.id), originId: Number(i.originId), destinationId: Number(i.destinationId), operatorId: Number(i.operatorId),
    });
  }

  @Mutation(() => ID) adminUpsertProduct(@Ctx() ctx: RequestContext, @Arg('input') i: ProductInput) {
    return ctx.app.services.catalogAdmin.upsertProduct(ctx, {
      ...i, id: num(i.id), routeId: num(i.routeId), templateId: num(i.templateId), cityId: num(i.cityId), refundRuleId: Number(i.refundRuleId),
    });
  }

  @Mutation(() => Boolean, { description: 'Replaces the fare table (tiers must start at 1, touch without gaps or overlaps, end open)' })
  async adminSetFareTiers(@Ctx() ctx: RequestContext, @Arg('productId', () => ID) productId: string, @Arg('tiers', () => [FareTierInput]) tiers: FareTierInput[]) {
    await ctx.app.services.catalogAdmin.replaceFareTiers(ctx, Number(productId), tiers.map((t) => ({ ...t, maxQty: t.maxQty ?? null })));
    return true;
  }

  @Mutation(() => ID) adminUpsertPackageTemplate(@Ctx() ctx: RequestContext, @Arg('input') i: TemplateInput) {
    return ctx.app.services.catalogAdmin.upsertTemplate(ctx, { ...i, id: num(i.id), lines: i.lines.map((l) => ({ ...l, merchantId: Number(l.merchantId) })) });
  }

  @Mutation(() => ID) adminUpsertRefundRule(@Ctx() ctx: RequestContext, @Arg('input') i: RefundRuleInput) {
    return ctx.app.services.catalogAdmin.upsertRefundRule(ctx, { ...i, id: num(i.id) });
  }

  @Mutation(() => ID) adminUpsertTrip(@Ctx() ctx: RequestContext, @Arg('input') i: TripInput) {
    return ctx.app.services.catalogAdmin.upsertTrip(ctx, { ...i, id: num(i.id), routeId: Number(i.routeId) });
  }

  @Mutation(() => ScheduleResult, { description: 'Generates the trips of a recurring schedule for a date range (idempotent)' })
  adminGenerateTrips(@Ctx() ctx: RequestContext, @Arg('input') i: ScheduleInput) {
    return ctx.app.services.catalogAdmin.generateTrips(ctx, { ...i, routeId: Number(i.routeId) });
  }

  @Mutation(() => Boolean) async adminSetDailyQuota(
    @Ctx() ctx: RequestContext,
    @Arg('productId', () => ID) productId: string,
    @Arg('date') date: string,
    @Arg('quota', () => Int) quota: number,
  ) {
    await ctx.app.services.catalogAdmin.setDailyQuota(ctx, Number(productId), date, quota);
    return true;
  }

  @Mutation(() => ID) adminAddBlackoutDate(
    @Ctx() ctx: RequestContext,
    @Arg('date') date: string,
    @Arg('productId', () => ID, { nullable: true }) productId?: string,
    @Arg('reason', () => String, { nullable: true }) reason?: string,
  ) {
    return ctx.app.services.catalogAdmin.addBlackoutDate(ctx, date, num(productId), reason ?? null);
  }

  @Mutation(() => Boolean) async adminRemoveBlackoutDate(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string) {
    await ctx.app.services.catalogAdmin.removeBlackoutDate(ctx, Number(id));
    return true;
  }

  @Mutation(() => ID) adminUpsertPromotion(@Ctx() ctx: RequestContext, @Arg('input') i: PromotionInput) {
    return ctx.app.services.catalogAdmin.upsertPromotion(ctx, { ...i, id: num(i.id) });
  }
}
