import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../../app/context.js';
import { BlackoutDay, City, Merchant, Offer, Route, SearchOffersInput, SearchOffersResult, Station, TripInfo } from './catalog.types.js';

/** Catalog queries: thin adapters over CatalogService. */
@Resolver()
export class CatalogResolver {
  @Query(() => SearchOffersResult, { description: 'Tickets and packages on sale for a day, priced for the party' })
  searchOffers(@Ctx() ctx: RequestContext, @Arg('input') input: SearchOffersInput): Promise<SearchOffersResult> {
    return ctx.app.services.catalog.searchOffers(ctx, input) as Promise<SearchOffersResult>;
  }

  @Query(() => [City], { description: 'Cities, hot first; optional search by code, name or pinyin' })
  cities(@Ctx() ctx: RequestContext, @Arg('query', () => String, { nullable: true }) query?: string | null): Promise<City[]> {
    return ctx.app.services.catalog.cities(ctx, query);
  }

  @Query(() => [BlackoutDay], { description: 'Blackout dates of a year (cached per year)' })
  blackoutDates(@Ctx() ctx: RequestContext, @Arg('year', () => Int) year: number): Promise<BlackoutDay[]> {
    return ctx.app.services.catalog.blackouts(ctx, year);
  }
}

/** Nested route data, batched per request through DataLoaders. */
@Resolver(() => TripInfo)
export class TripInfoResolver {
  @FieldResolver(() => Route, { nullable: true })
  route(@Root() trip: TripInfo, @Ctx() ctx: RequestContext) {
    return ctx.loaders.route.load(trip.routeId);
  }
}

@Resolver(() => Route)
export class RouteResolver {
  @FieldResolver(() => Station, { nullable: true })
  origin(@Root() route: Route, @Ctx() ctx: RequestContext) {
    return ctx.loaders.station.load(route.originId);
  }

  @FieldResolver(() => Station, { nullable: true })
  destination(@Root() route: Route, @Ctx() ctx: RequestContext) {
    return ctx.loaders.station.load(route.destinationId);
  }

  @FieldResolver(() => Merchant, { nullable: true })
  operator(@Root() route: Route, @Ctx() ctx: RequestContext) {
    return ctx.loaders.merchant.load(route.operatorId);
  }
}

@Resolver(() => Station)
export class StationResolver {
  @FieldResolver(() => City, { nullable: true })
  city(@Root() station: Station, @Ctx() ctx: RequestContext) {
    return ctx.loaders.city.load(station.cityId);
  }
}

export const CATALOG_RESOLVERS = [CatalogResolver, TripInfoResolver, RouteResolver, StationResolver] as const;
