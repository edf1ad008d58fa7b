import { Field, Float, ID, Int, ObjectType } from 'type-graphql';

/** GraphQL types of the dashboard's rollup figures and gauges (fields of `AdminMetricsView`). */

/** One product's sales within a sales window. */
@ObjectType({ description: 'Sales of one product over a window' })
export class WindowProductSales {
  @Field(() => ID) productId!: number;
  @Field() name!: string;
  @Field(() => Int) orders!: number;
  @Field(() => Float, { description: 'Paid amount in fen (a Float: a sum may pass 2^31)' }) amount!: number;
}

/** Sales over the days ending on a date (today, 7 days, 30 days). */
@ObjectType({ description: 'Sales over the `days` Hong Kong days ending on `to` (1 = that day)' })
export class SalesWindowView {
  @Field(() => Int) days!: number;
  @Field() from!: string;
  @Field() to!: string;
  @Field(() => Int) orders!: number;
  @Field(() => Float, { description: 'fen' }) amount!: number;
  @Field(() => [WindowProductSales], { description: 'Largest first (at most 50)' }) byProduct!: WindowProductSales[];
}

/** One point of the per-product sales series. */
@ObjectType({ description: 'One product on one day' })
export class ProductDaySalesView {
  @Field() date!: string;
  @Field(() => ID) productId!: number;
  @Field() name!: string;
  @Field(() => Int) orders!: number;
  @Field(() => Float, { description: 'fen' }) amount!: number;
}

/** One merchant's redemptions on one day. */
@ObjectType({ description: 'One merchant on one day' })
export class MerchantDayRedemptionsView {
  @Field() date!: string;
  @Field(() => ID) merchantId!: number;
  @Field(() => Int) count!: number;
}

/** A message that ended DEAD, FAILED or UNCONFIRMED. */
@ObjectType()
export class NotificationFailureView {
  @Field(() => ID) id!: number;
  @Field() kind!: string;
  @Field(() => ID) travellerId!: number;
  @Field({ description: 'DEAD, FAILED or UNCONFIRMED' }) status!: string;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => Int) attempts!: number;
  @Field() createdAt!: Date;
}

/** Messages waiting or failed now. */
@ObjectType({ description: 'Messages waiting or failed now (all time, not the date range)' })
export class NotificationBacklogView {
  @Field(() => Int) pending!: number;
  @Field(() => Int) sending!: number;
  @Field(() => Int, { description: 'Rejected by the channel for good' }) failed!: number;
  @Field(() => Int, { description: 'Answer lost; never resent' }) unconfirmed!: number;
  @Field(() => Int, { description: 'Retries used up' }) dead!: number;
  @Field(() => Int, { nullable: true }) oldestPendingSeconds!: number | null;
  @Field(() => [NotificationFailureView], { description: 'The latest failures, newest first' }) failures!: NotificationFailureView[];
}

/** Freshness of the dashboard rollups. */
@ObjectType({ description: 'How fresh the rollups behind the figures are' })
export class RollupStateView {
  @Field(() => Date, { nullable: true }) foldedAt!: Date | null;
  @Field(() => Int, { nullable: true, description: 'Seconds since the last fold' }) lagSeconds!: number | null;
  @Field({ description: 'The rows from before the rollups existed are folded' }) backfilled!: boolean;
  @Field(() => Float) folds!: number;
}
