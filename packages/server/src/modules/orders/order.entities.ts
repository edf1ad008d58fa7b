import { Check, Entity, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import type { OrderStatus, PassengerType } from '@deeptravel/shared';
import { BaseEntity } from '../../common/db/base.entity.js';
import { Traveller } from '../identity/traveller.entity.js';
import { Product, Trip } from '../catalog/catalog.entities.js';

/** An order. Its `snapshot` freezes prices, entitlements and refund rule at creation. */
@Entity({ tableName: 'orders' })
@Unique({ properties: ['traveller', 'idempotencyKey'] })
@Index({ properties: ['status', 'lockExpireAt'] })
@Index({ name: 'orders_traveller_created_index', expression: 'create index "orders_traveller_created_index" on "orders" ("traveller_id", "created_at" desc)' })
@Index({ name: 'orders_created_at_index', expression: 'create index "orders_created_at_index" on "orders" ("created_at" desc, "id" desc)' })
@Check({ name: 'orders_amount_check', expression: 'total_amount >= 0' })
export class Order extends BaseEntity {
  /** Our merchant order number, sent to the gateway as out_trade_no. */
  @Property({ unique: true }) orderNo!: string;
  @ManyToOne(() => Traveller) traveller!: Traveller;
  @Property() status!: OrderStatus;
  @Property({ default: 'CNY' }) currency: string = 'CNY';
  /** Sum of line subtotals, integer fen. */
  @Property() totalAmount!: number;
  @Property({ default: 0 }) discountAmount: number = 0;
  @Property({ type: 'timestamptz' }) lockExpireAt!: Date;
  @Property({ nullable: true }) idempotencyKey?: string | null;
  @Property({ type: 'integer', nullable: true }) promotionId?: number | null;
  @Property({ type: 'jsonb' }) snapshot!: unknown;
  @Property({ type: 'timestamptz', nullable: true }) paidAt?: Date | null;
  @Property({ type: 'timestamptz', nullable: true }) cancelledAt?: Date | null;
  @Property({ nullable: true }) cancelReason?: string | null;
  /** Gateway prepay id once `payOrder` was called (the reconciliation job queries such orders). */
  @Property({ nullable: true }) prepayId?: string | null;
  @Property({ type: 'timestamptz', nullable: true }) prepaidAt?: Date | null;
  /**
   * Where the money stands: NONE (not sent to pay), PREPAID (sent, no answer yet), UNKNOWN (the hold
   * ended with no answer: queried until settled), PAID, CLOSED (the gateway says unpaid and closed).
   */
  @Property({ default: 'NONE' }) paymentState: string = 'NONE';
  /** When the gateway order was closed after the lock expired. */
  @Property({ type: 'timestamptz', nullable: true }) gatewayClosedAt?: Date | null;
}

/** One line of an order: a product (and trip or travel date) for the passengers of one type. */
@Entity({ tableName: 'order_item' })
@Index({ name: 'order_item_order_id_index', properties: ['order'] })
@Index({ name: 'order_item_trip_id_index', properties: ['trip'] })
@Index({ name: 'order_item_product_date_index', properties: ['product', 'travelDate'] })
export class OrderItem extends BaseEntity {
  @ManyToOne(() => Order) order!: Order;
  @ManyToOne(() => Product) product!: Product;
  @ManyToOne(() => Trip, { nullable: true }) trip?: Trip | null;
  @Property({ type: 'date' }) travelDate!: string;
  @Property() productName!: string;
  /** Lines are per product and passenger type, so the unit price is exact. */
  @Property({ default: 'ADULT' }) passengerType!: PassengerType;
  /** Number of passengers (units) on this line. */
  @Property() qty!: number;
  @Property() unitPrice!: number;
  @Property({ default: 0 }) discount: number = 0;
  @Property() subtotal!: number;
  @Property({ type: 'jsonb' }) priceLines!: unknown;
}

/** A passenger of an order (name and type only: no identity documents are collected). */
@Entity({ tableName: 'order_passenger' })
@Index({ name: 'order_passenger_order_id_index', properties: ['order'] })
@Index({ name: 'order_passenger_phone_index', properties: ['phone'] })
export class OrderPassenger extends BaseEntity {
  @ManyToOne(() => Order) order!: Order;
  @Property() name!: string;
  @Property() passengerType!: PassengerType;
  @Property({ nullable: true }) phone?: string | null;
}

/** A promotion: percent or amount off, in a time window, for some products, with a usage cap. */
@Entity({ tableName: 'promotion' })
@Check({ name: 'promotion_usage_check', expression: 'usage_cap IS NULL OR used_count <= usage_cap' })
export class Promotion extends BaseEntity {
  @Property({ unique: true }) code!: string;
  @Property() name!: string;
  /** PERCENT (value = percent off) or AMOUNT (value = fen off the order). */
  @Property() kind!: string;
  @Property() value!: number;
  @Property({ type: 'timestamptz' }) startsAt!: Date;
  @Property({ type: 'timestamptz' }) endsAt!: Date;
  /** Product ids in scope; empty = every product. */
  @Property({ type: 'jsonb' }) productIds: number[] = [];
  @Property({ type: 'integer', nullable: true }) usageCap?: number | null;
  @Property({ default: 0 }) usedCount: number = 0;
  @Property({ default: 0 }) minAmount: number = 0;
  @Property({ default: true }) enabled: boolean = true;
}
