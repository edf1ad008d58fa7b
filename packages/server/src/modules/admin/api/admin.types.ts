import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import type { PassengerType } from '@deeptravel/shared';
import { PassengerTypeEnum } from '../../catalog/api/catalog.types.js';
import {
  MerchantDayRedemptionsView, NotificationBacklogView, ProductDaySalesView, RollupStateView, SalesWindowView,
} from '../metrics/metrics.types.js';

@ObjectType()
export class AdminSession {
  @Field() token!: string;
  @Field() expiresAt!: Date;
  @Field({ description: 'ADMIN or OPERATOR (read-only)' }) role!: string;
  @Field() username!: string;
}

@ObjectType()
export class AdminAccount {
  @Field(() => ID) id!: number;
  @Field() username!: string;
  @Field() role!: string;
}

@ObjectType()
export class AdminStation {
  @Field(() => ID) id!: number;
  @Field() code!: string;
  @Field(() => ID) cityId!: number;
  @Field() nameZh!: string;
  @Field() nameEn!: string;
}

@ObjectType()
export class AdminCity {
  @Field(() => ID) id!: number;
  @Field() code!: string;
  @Field() nameZh!: string;
  @Field() nameEn!: string;
  @Field() pinyin!: string;
  @Field() isHot!: boolean;
  @Field(() => Int) sortOrder!: number;
}

@ObjectType()
export class AdminRoute {
  @Field(() => ID) id!: number;
  @Field() code!: string;
  @Field() mode!: string;
  @Field(() => ID) originId!: number;
  @Field(() => ID) destinationId!: number;
  @Field(() => ID) operatorId!: number;
  @Field(() => Int) durationMinutes!: number;
  @Field() enabled!: boolean;
}

@ObjectType()
export class FareTierView {
  @Field(() => PassengerTypeEnum) passengerType!: PassengerType;
  @Field(() => Int) minQty!: number;
  @Field(() => Int, { nullable: true }) maxQty!: number | null;
  @Field(() => Int, { description: 'fen' }) unitPrice!: number;
}

@ObjectType()
export class AdminProduct {
  @Field(() => ID) id!: number;
  @Field() kind!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) nameEn!: string | null;
  @Field(() => ID, { nullable: true }) routeId!: number | null;
  @Field(() => ID, { nullable: true }) templateId!: number | null;
  @Field(() => ID, { nullable: true }) cityId!: number | null;
  @Field(() => ID) refundRuleId!: number;
  @Field() enabled!: boolean;
  @Field() currency!: string;
  @Field(() => Int, { nullable: true }) dailyQuota!: number | null;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => [FareTierView]) fares!: FareTierView[];
}

@ObjectType()
export class AdminTrip {
  @Field(() => ID) id!: number;
  @Field(() => ID) routeId!: number;
  @Field(() => ID) productId!: number;
  @Field() departureAt!: Date;
  @Field() arrivalAt!: Date;
  @Field(() => Int) capacity!: number;
  @Field(() => Int) sold!: number;
  @Field(() => Int) locked!: number;
  @Field(() => Int) available!: number;
  @Field() status!: string;
}

@ObjectType()
export class AdminTripPage {
  @Field(() => [AdminTrip]) items!: AdminTrip[];
  @Field(() => Int) total!: number;
}

@ObjectType()
export class AdminEntitlementLine {
  @Field(() => ID) id!: number;
  @Field() name!: string;
  @Field(() => ID) merchantId!: number;
  @Field() scope!: string;
  @Field(() => Int) uses!: number;
}

@ObjectType()
export class AdminTemplate {
  @Field(() => ID) id!: number;
  @Field() name!: string;
  @Field(() => Int) validityDays!: number;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => [AdminEntitlementLine]) lines!: AdminEntitlementLine[];
}

@ObjectType()
export class RefundTierView {
  @Field(() => Float) minHoursBefore!: number;
  @Field(() => Int) feePercent!: number;
}

@ObjectType()
export class AdminRefundRule {
  @Field(() => ID) id!: number;
  @Field() name!: string;
  @Field(() => [RefundTierView]) tiers!: RefundTierView[];
  @Field() changeAllowed!: boolean;
  @Field(() => Int) changeMinHoursBefore!: number;
  @Field() summaryZh!: string;
}

@ObjectType()
export class AdminPromotion {
  @Field(() => ID) id!: number;
  @Field() code!: string;
  @Field() name!: string;
  @Field() kind!: string;
  @Field(() => Int) value!: number;
  @Field() startsAt!: Date;
  @Field() endsAt!: Date;
  @Field(() => [Int]) productIds!: number[];
  @Field(() => Int, { nullable: true }) usageCap!: number | null;
  @Field(() => Int) usedCount!: number;
  @Field(() => Int) minAmount!: number;
  @Field() enabled!: boolean;
}

@ObjectType()
export class AdminBlackout {
  @Field(() => ID) id!: number;
  @Field(() => ID, { nullable: true }) productId!: number | null;
  @Field() date!: string;
  @Field(() => String, { nullable: true }) reason!: string | null;
}

@ObjectType()
export class AdminOrder {
  @Field(() => ID) id!: number;
  @Field() orderNo!: string;
  @Field(() => ID) travellerId!: number;
  @Field() status!: string;
  @Field() currency!: string;
  @Field(() => Int) totalAmount!: number;
  @Field(() => Int) discountAmount!: number;
  @Field() lockExpireAt!: Date;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) paidAt!: Date | null;
  @Field(() => Date, { nullable: true }) cancelledAt!: Date | null;
  @Field(() => String, { nullable: true }) cancelReason!: string | null;
  @Field(() => GraphQLJSON, { description: 'Prices, entitlements and rules as sold' }) snapshot!: unknown;
}

@ObjectType()
export class AdminOrderPage {
  @Field(() => [AdminOrder]) items!: AdminOrder[];
  @Field(() => Int) total!: number;
  @Field(() => String, { nullable: true, description: 'What the search looked at (ORDER_NO, TRANSACTION_ID, TICKET_CODE, TRAVELLER)' }) searchKind?: string | null;
}

@ObjectType()
export class AuditEntry {
  @Field(() => ID) id!: string;
  @Field() actor!: string;
  @Field() action!: string;
  @Field() entityType!: string;
  @Field(() => String, { nullable: true }) entityId!: string | null;
  @Field(() => GraphQLJSON, { nullable: true }) before!: unknown;
  @Field(() => GraphQLJSON, { nullable: true }) after!: unknown;
  @Field() at!: Date;
}

@ObjectType()
export class AuditPage {
  @Field(() => [AuditEntry]) items!: AuditEntry[];
  @Field(() => Int) total!: number;
}

@ObjectType()
export class PaymentAnomalyView {
  @Field(() => ID) id!: number;
  @Field() kind!: string;
  @Field() gateway!: string;
  @Field(() => String, { nullable: true }) gatewayTxnId!: string | null;
  @Field(() => ID, { nullable: true }) orderId!: number | null;
  @Field(() => String, { nullable: true }) orderNo!: string | null;
  @Field(() => Int, { nullable: true }) amount!: number | null;
  @Field(() => GraphQLJSON) detail!: unknown;
  @Field() resolved!: boolean;
  @Field(() => Date, { nullable: true }) resolvedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'admin:<username> who resolved it' }) resolvedBy!: string | null;
  @Field(() => String, { nullable: true, description: 'What was done about it' }) resolutionNote!: string | null;
  @Field() createdAt!: Date;
}

@ObjectType()
export class KeyCount {
  @Field() key!: string;
  @Field(() => Int) count!: number;
}

@ObjectType()
export class DaySales {
  @Field() date!: string;
  @Field(() => Int) orders!: number;
  @Field(() => Float, { description: 'fen (a Float: a sum may pass 2^31)' }) amount!: number;
}

@ObjectType()
export class DayRefunds {
  @Field() date!: string;
  @Field(() => Int) count!: number;
  @Field(() => Float, { description: 'fen (a Float: a sum may pass 2^31)' }) amount!: number;
}

@ObjectType()
export class ProductSales {
  @Field(() => ID) productId!: number;
  @Field() name!: string;
  @Field(() => Int) orders!: number;
  @Field(() => Float, { description: 'fen (a Float: a sum may pass 2^31)' }) amount!: number;
}

@ObjectType()
export class MerchantRedemptions {
  @Field(() => ID) merchantId!: number;
  @Field() name!: string;
  @Field(() => Int) count!: number;
}

@ObjectType()
export class Conversion {
  @Field(() => Int) created!: number;
  @Field(() => Int) paid!: number;
  @Field(() => Int) expired!: number;
  @Field(() => Int) cancelled!: number;
  @Field(() => Float, { description: 'paid / created' }) rate!: number;
}

@ObjectType()
export class OutboxBacklog {
  @Field(() => Int) pending!: number;
  @Field(() => Int) dead!: number;
  @Field(() => Int, { nullable: true }) oldestPendingSeconds!: number | null;
}

@ObjectType()
export class AdminMetricsView {
  @Field() from!: string;
  @Field() to!: string;
  @Field() generatedAt!: Date;
  @Field(() => [KeyCount]) ordersByStatus!: KeyCount[];
  @Field(() => [KeyCount]) ticketsByStatus!: KeyCount[];
  @Field(() => [DaySales]) salesByDay!: DaySales[];
  @Field(() => [DayRefunds]) refundsByDay!: DayRefunds[];
  @Field(() => [ProductSales]) salesByProduct!: ProductSales[];
  @Field(() => [MerchantRedemptions]) redemptionsByMerchant!: MerchantRedemptions[];
  @Field(() => Conversion) conversion!: Conversion;
  @Field(() => OutboxBacklog) outbox!: OutboxBacklog;
  @Field(() => [KeyCount], { description: 'Notification messages created in the range, by status' }) notifications!: KeyCount[];
  @Field(() => Int) paymentAnomalies!: number;
  @Field(() => Int, { description: 'Open differences with the gateway bills' }) reconciliationDifferences!: number;
  @Field(() => [KeyCount], { description: 'Open differences with the gateway bills by kind' }) reconciliationDifferencesByKind!: KeyCount[];
  @Field(() => [SalesWindowView], { description: 'Sales today, over 7 and over 30 days ending on `to`, by product' }) salesWindows!: SalesWindowView[];
  @Field(() => [ProductDaySalesView], { description: 'Sales per day and product over the 30 days ending on `to`' }) productSalesSeries!: ProductDaySalesView[];
  @Field(() => [MerchantDayRedemptionsView], { description: 'Redemptions per merchant and day over the range' }) redemptionsByMerchantDay!: MerchantDayRedemptionsView[];
  @Field(() => NotificationBacklogView) notificationBacklog!: NotificationBacklogView;
  @Field(() => RollupStateView, { description: 'How fresh the rollups behind the figures are' }) rollups!: RollupStateView;
}

@ObjectType()
export class ReconciliationDifferenceView {
  @Field(() => ID) id!: number;
  @Field() billDate!: string;
  @Field({ description: 'PAYMENT or REFUND' }) subject!: string;
  @Field({ description: 'MISSING_OURS, MISSING_THEIRS, AMOUNT_MISMATCH, STATUS_MISMATCH' }) kind!: string;
  @Field() key!: string;
  @Field(() => String, { nullable: true }) orderNo!: string | null;
  @Field(() => GraphQLJSON, { nullable: true }) ours!: unknown;
  @Field(() => GraphQLJSON, { nullable: true }) theirs!: unknown;
  @Field() resolved!: boolean;
  @Field(() => String, { nullable: true }) resolution!: string | null;
  @Field(() => String, { nullable: true }) resolvedBy!: string | null;
}

@ObjectType()
export class ReconciliationRun {
  @Field() date!: string;
  @Field(() => Int) found!: number;
  @Field(() => Int) recorded!: number;
  @Field(() => String, { nullable: true }) skipped?: string;
}

@ObjectType()
export class ScheduleResult {
  @Field(() => Int) created!: number;
  @Field(() => Int) existing!: number;
}

@ObjectType()
export class PlatformSettingsView {
  @Field(() => Int) lockDurationMinutes!: number;
  @Field(() => Int) maxPassengersPerOrder!: number;
  @Field() orderCompletedNotification!: boolean;
}

// ---- inputs ----

@InputType()
export class CityInput {
  @Field(() => ID, { nullable: true }) id?: number | null;
  @Field() code!: string;
  @Field() nameZh!: string;
  @Field() nameEn!: string;
  @Field() pinyin!: string;
  @Field() isHot!: boolean;
  @Field(() => Int, { nullable: true }) sortOrder?: number | null;
}

@InputType()
export class StationInput {
  @Field(() => ID, { nullable: true }) id?: number | null;
  @Field() code!: string;
  @Field(() => ID) cityId!: number;
  @Field() nameZh!: string;
  @Field() nameEn!: string;
}

@InputType()
export class RouteInput {
  @Field(() => ID, { nullable: true }) id?: number | null;
  @Field() code!: string;
  @Field() mode!: string;
  @Field(() => ID) originId!: number;
  @Field(() => ID) destinationId!: number;
  @Field(() => ID) operatorId!: number;
  @Field(() => Int) durationMinutes!: number;
  @Field() enabled!: boolean;
}

@InputType()
export class ProductInput {
  @Field(() => ID, { nullable: true }) id?: number | null;
  @Field() kind!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) nameEn?: string | null;
  @Field(() => ID, { nullable: true }) routeId?: number | null;
  @Field(() => ID, { nullable: true }) templateId?: number | null;
  @Field(() => ID, { nullable: true }) cityId?: number | null;
  @Field(() => ID) refundRuleId!: number;
  @Field() enabled!: boolean;
  @Field(() => String, { nullable: true }) currency?: string | null;
  @Field(() => Int, { nullable: true }) dailyQuota?: number | null;
  @Field(() => String, { nullable: true }) description?: string | null;
}

@InputType()
export class FareTierInput {
  @Field(() => PassengerTypeEnum) passengerType!: PassengerType;
  @Field(() => Int) minQty!: number;
  @Field(() => Int, { nullable: true }) maxQty?: number | null;
  @Field(() => Int, { description: 'fen' }) unitPrice!: number;
}

@InputType()
export class EntitlementLineInput {
  @Field() name!: string;
  @Field(() => ID) merchantId!: number;
  @Field() scope!: string;
  @Field(() => Int) uses!: number;
}

@InputType()
export class TemplateInput {
  @Field(() => ID, { nullable: true }) id?: number | null;
  @Field() name!: string;
  @Field(() => Int) validityDays!: number;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => [EntitlementLineInput]) lines!: EntitlementLineInput[];
}

@InputType()
export class RefundTierInput {
  @Field(() => Float) minHoursBefore!: number;
  @Field(() => Int) feePercent!: number;
}

@InputType()
export class RefundRuleInput {
  @Field(() => ID, { nullable: true }) id?: number | null;
  @Field() name!: string;
  @Field(() => [RefundTierInput]) tiers!: RefundTierInput[];
  @Field() changeAllowed!: boolean;
  @Field(() => Int) changeMinHoursBefore!: number;
  @Field() summaryZh!: string;
}

@InputType()
export class TripInput {
  @Field(() => ID, { nullable: true }) id?: number | null;
  @Field(() => ID) routeId!: number;
  @Field() departureAt!: Date;
  @Field(() => Int) capacity!: number;
  @Field(() => String, { nullable: true, description: 'SCHEDULED or CANCELLED' }) status?: string | null;
}

@InputType()
export class ScheduleInput {
  @Field(() => ID) routeId!: number;
  @Field() fromDate!: string;
  @Field() toDate!: string;
  @Field(() => [String], { description: 'HH:MM, Hong Kong time' }) times!: string[];
  @Field(() => [Int], { nullable: true, description: '1 = Monday … 7 = Sunday; default every day' }) weekdays?: number[] | null;
  @Field(() => Int) capacity!: number;
}

@InputType()
export class PromotionInput {
  @Field(() => ID, { nullable: true }) id?: number | null;
  @Field() code!: string;
  @Field() name!: string;
  @Field({ description: 'PERCENT or AMOUNT' }) kind!: string;
  @Field(() => Int, { description: 'percent, or fen off' }) value!: number;
  @Field() startsAt!: Date;
  @Field() endsAt!: Date;
  @Field(() => [Int], { description: 'empty = every product' }) productIds!: number[];
  @Field(() => Int, { nullable: true }) usageCap?: number | null;
  @Field(() => Int, { nullable: true }) minAmount?: number | null;
  @Field() enabled!: boolean;
}

@InputType()
export class SettingsInput {
  @Field(() => Int, { nullable: true }) lockDurationMinutes?: number | null;
  @Field(() => Int, { nullable: true }) maxPassengersPerOrder?: number | null;
  @Field({ nullable: true }) orderCompletedNotification?: boolean;
}
