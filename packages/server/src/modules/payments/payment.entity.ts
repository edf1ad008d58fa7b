import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../common/db/base.entity.js';
import { Order } from '../orders/order.entities.js';

/**
 * A payment notification we accepted or flagged. `gatewayTxnId` is unique: a repeat of the same
 * transaction finds this row instead of paying twice (Saleor's de-duplication on a unique row).
 */
@Entity({ tableName: 'payment' })
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
}
