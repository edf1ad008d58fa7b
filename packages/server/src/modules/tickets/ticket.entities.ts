import { Check, Entity, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import type { TicketStatus } from '@deeptravel/shared';
import { BaseEntity } from '../../common/db/base.entity.js';
import { Merchant, Product, Trip } from '../catalog/catalog.entities.js';
import { Order, OrderItem, OrderPassenger } from '../orders/order.entities.js';

/** A ticket: one per passenger per product unit, plus one per shared entitlement. */
@Entity({ tableName: 'ticket' })
@Index({ properties: ['order'] })
@Index({ name: 'ticket_trip_id_index', properties: ['trip'] })
export class Ticket extends BaseEntity {
  @Property({ unique: true }) code!: string;
  @ManyToOne(() => Order) order!: Order;
  @ManyToOne(() => OrderItem) orderItem!: OrderItem;
  @ManyToOne(() => OrderPassenger, { nullable: true }) passenger?: OrderPassenger | null;
  @ManyToOne(() => Product) product!: Product;
  @Property() productName!: string;
  @Property() status!: TicketStatus;
  @Property({ default: false }) shared: boolean = false;
  @Property({ type: 'timestamptz' }) validFrom!: Date;
  @Property({ type: 'timestamptz' }) validUntil!: Date;
  /** Secret of the rotating QR part (base64url); never sent to travellers' clients. */
  @Property({ hidden: true }) qrSecret!: string;
  /** What the traveller paid for this ticket (its share of the order line, after discount), in fen. */
  @Property({ default: 0 }) price: number = 0;
  /** The trip this ticket is for (a change moves a new ticket to another trip). */
  @ManyToOne(() => Trip, { nullable: true }) trip?: Trip | null;
  @Property({ type: 'date', nullable: true }) travelDate?: string | null;
  /** The ticket this one replaced in a change (改签). */
  @Property({ type: 'integer', nullable: true }) replacesTicketId?: number | null;
}

/** An entitlement line of a ticket, with the uses left and the merchant that may redeem it. */
@Entity({ tableName: 'ticket_line' })
@Index({ name: 'ticket_line_ticket_id_index', properties: ['ticket'] })
@Check({ name: 'ticket_line_uses_check', expression: 'uses_left >= 0 AND uses_left <= uses_total' })
export class TicketLine extends BaseEntity {
  @ManyToOne(() => Ticket) ticket!: Ticket;
  @Property() name!: string;
  @ManyToOne(() => Merchant) merchant!: Merchant;
  @Property() usesTotal!: number;
  @Property() usesLeft!: number;
}
