import { Entity, Index, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../common/db/base.entity.js';

/**
 * A refund request. `refundNo` is our out_refund_no, fixed per request so a retry of the gateway
 * call reuses it and WeChat refunds at most once.
 */
@Entity({ tableName: 'refund' })
@Index({ name: 'refund_order_id_index', properties: ['orderId'] })
export class Refund extends BaseEntity {
  @Property({ unique: true }) refundNo!: string;
  @Property({ type: 'integer' }) orderId!: number;
  /** TICKETS (traveller refund), CHANGE_DIFFERENCE, DOUBLE_PAYMENT, LATE_PAYMENT. */
  @Property() kind!: string;
  @Property({ type: 'jsonb' }) ticketIds: number[] = [];
  @Property({ type: 'integer', nullable: true }) paymentId?: number | null;
  @Property({ type: 'integer', nullable: true }) changeId?: number | null;
  /** Amount given back, fen. */
  @Property() amount!: number;
  @Property({ default: 0 }) fee: number = 0;
  @Property({ default: 'CNY' }) currency: string = 'CNY';
  /** REQUESTED → PROCESSING → SUCCEEDED | FAILED. */
  @Property() status!: string;
  @Property({ nullable: true }) gatewayRefundId?: string | null;
  @Property({ nullable: true }) gatewayStatus?: string | null;
  @Property({ type: 'text', nullable: true }) failureReason?: string | null;
  @Property({ nullable: true }) reason?: string | null;
  @Property() requestedBy!: string;
  @Property({ type: 'timestamptz', nullable: true }) completedAt?: Date | null;
}

/** A change (改签) of a ticket to another trip, with the fare difference to settle. */
@Entity({ tableName: 'ticket_change' })
@Index({ name: 'ticket_change_status_index', properties: ['status', 'lockExpireAt'] })
export class TicketChange extends BaseEntity {
  /** Our number; also the out_trade_no when the traveller pays a difference. */
  @Property({ unique: true }) changeNo!: string;
  @Property({ type: 'integer' }) orderId!: number;
  @Property({ type: 'integer' }) ticketId!: number;
  @Property({ type: 'integer' }) fromTripId!: number;
  @Property({ type: 'integer' }) toTripId!: number;
  @Property({ type: 'integer' }) toProductId!: number;
  @Property() oldPrice!: number;
  @Property() newPrice!: number;
  /** newPrice − oldPrice: > 0 to pay, < 0 refunded. */
  @Property() difference!: number;
  /** AWAITING_PAYMENT → COMPLETED | ABANDONED. */
  @Property() status!: string;
  @Property({ type: 'timestamptz' }) lockExpireAt!: Date;
  @Property({ type: 'integer', nullable: true }) newTicketId?: number | null;
  @Property({ nullable: true }) prepayId?: string | null;
  @Property({ type: 'timestamptz', nullable: true }) completedAt?: Date | null;
}
