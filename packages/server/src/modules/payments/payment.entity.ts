import { Entity, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../common/db/base.entity.js';
import { Order } from '../orders/order.entities.js';

/**
 * A payment notification we accepted or flagged. `gatewayTxnId` is unique: a repeat of the same
 * transaction finds this row instead of paying twice (Saleor's de-duplication on a unique row).
 */
@Entity({ tableName: 'payment' })
@Index({ name: 'payment_order_id_index', properties: ['order'] })
export class Payment extends BaseEntity {
  @ManyToOne(() => Order, { nullable: true }) order?: Order | null;
  /** The order id the gateway named, kept even when it matches no order. */
  @Property({ type: 'integer', nullable: true }) claimedOrderId?: number | null;
  @Property() gateway!: string;
  @Property({ unique: true }) gatewayTxnId!: string;
  @Property() amount!: number;
  @Property({ default: 'CNY' }) currency: string = 'CNY';
  /** SUCCEEDED, CONFLICT (another order or amount), DOUBLE_PAYMENT, LATE_REFUNDED. */
  @Property() status!: string;
  @Property({ nullable: true }) flag?: string | null;
  /** The response given to the first notify, replayed for repeats. */
  @Property({ type: 'jsonb', nullable: true }) response?: unknown;
  /** Where it came from: NOTIFY (gateway callback), QUERY (reconciliation), MOCK. */
  @Property({ default: 'NOTIFY' }) source: string = 'NOTIFY';
  /** For payments we must give back (double or late payment): the refund request state. */
  @Property({ nullable: true }) refundStatus?: string | null;
}

/**
 * A payment notification that did not fit (unknown order, another amount, a transaction id reused
 * for another order, a second payment): recorded and flagged for admins, never applied.
 */
@Entity({ tableName: 'payment_anomaly' })
export class PaymentAnomaly extends BaseEntity {
  @Property() kind!: string;
  @Property() gateway!: string;
  @Property({ nullable: true }) gatewayTxnId?: string | null;
  @Property({ type: 'integer', nullable: true }) orderId?: number | null;
  @Property({ nullable: true }) orderNo?: string | null;
  @Property({ type: 'integer', nullable: true }) amount?: number | null;
  @Property({ type: 'jsonb' }) detail: unknown = {};
  @Property({ default: false }) resolved: boolean = false;
  @Property({ type: 'timestamptz', nullable: true }) resolvedAt?: Date | null;
  /** `admin:<username>` of the operator who resolved it. */
  @Property({ type: 'string', nullable: true }) resolvedBy?: string | null;
  @Property({ type: 'text', nullable: true }) resolutionNote?: string | null;
}
