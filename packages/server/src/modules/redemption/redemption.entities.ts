import { Check, Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Merchant } from '../catalog/catalog.entities.js';
import { MerchantStaff, Terminal } from '../merchants/merchant-staff.entities.js';
import { Ticket, TicketLine } from '../tickets/ticket.entities.js';

/**
 * One use of a ticket line (核销). Two unique keys carry the guarantees: one redemption per scan
 * nonce and line (a repeated request replays the first result), and one per line and rotating QR
 * step (a replayed screenshot cannot use a multi-use line twice).
 */
@Entity({ tableName: 'redemption' })
@Unique({ name: 'redemption_scan_line_unique', properties: ['scanNonce', 'ticketLine'] })
@Unique({ name: 'redemption_qr_step_unique', properties: ['ticketLine', 'qrRef', 'qrStep'] })
@Index({ name: 'redemption_merchant_at_index', properties: ['merchant', 'at'] })
@Index({ name: 'redemption_ticket_id_index', properties: ['ticket'] })
export class Redemption {
  @PrimaryKey({ type: 'bigint', autoincrement: true }) id!: string;
  @Property({ type: 'timestamptz' }) at!: Date;
  @ManyToOne(() => Ticket) ticket!: Ticket;
  @ManyToOne(() => TicketLine) ticketLine!: TicketLine;
  @ManyToOne(() => Merchant) merchant!: Merchant;
  @ManyToOne(() => Terminal) terminal!: Terminal;
  @ManyToOne(() => MerchantStaff) staff!: MerchantStaff;
  @Property() scanNonce!: string;
  /** The QR's reference (ticket code or order number) and the rotating step that was shown. */
  @Property() qrRef!: string;
  @Property() qrStep!: number;
  @Property() usesLeftAfter!: number;
}

/**
 * The audit trail of every scan and every redeem attempt, allowed or denied (who, terminal, ticket,
 * line, result, reason, when). Append-only; plain ids rather than foreign keys so it never blocks.
 * A SCAN row with a verified QR carries the scan nonce that `redeem` presents.
 */
@Entity({ tableName: 'redemption_log' })
@Index({ name: 'redemption_log_merchant_at_index', properties: ['merchantId', 'at', 'id'] })
@Index({ name: 'redemption_log_terminal_at_index', properties: ['terminalId', 'at', 'id'] })
@Index({ name: 'redemption_log_scan_nonce_index', properties: ['scanNonce'] })
@Check({ name: 'redemption_log_action_check', expression: "action IN ('SCAN', 'REDEEM')" })
@Check({ name: 'redemption_log_result_check', expression: "result IN ('ALLOWED', 'DENIED')" })
export class RedemptionLog {
  @PrimaryKey({ type: 'bigint', autoincrement: true }) id!: string;
  @Property({ type: 'timestamptz' }) at!: Date;
  @Property() merchantId!: number;
  @Property() terminalId!: number;
  @Property() staffId!: number;
  /** SCAN or REDEEM. */
  @Property() action!: string;
  /** ALLOWED or DENIED. */
  @Property() result!: string;
  /** The refusal code when DENIED (QR_STALE, ALREADY_REDEEMED, OTHER_MERCHANT …). */
  @Property({ nullable: true }) reason?: string | null;
  @Property({ nullable: true }) scanNonce?: string | null;
  /** T (ticket QR) or O (order QR), when the QR verified. */
  @Property({ nullable: true }) qrTyp?: string | null;
  @Property({ nullable: true }) qrRef?: string | null;
  @Property({ type: 'integer', nullable: true }) qrStep?: number | null;
  @Property({ type: 'integer', nullable: true }) ticketId?: number | null;
  @Property({ type: 'integer', nullable: true }) ticketLineId?: number | null;
  @Property({ type: 'bigint', nullable: true }) redemptionId?: string | null;
  @Property({ type: 'jsonb', nullable: true }) detail?: unknown;
}
