import { Check, Entity, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../common/db/base.entity.js';
import { Terminal } from '../merchants/merchant-staff.entities.js';
import { Redemption } from '../redemption/redemption.entities.js';

/**
 * A one-time enrolment code for a terminal (pretix's device initialisation): an admin or the
 * merchant's manager makes it, the app trades it once for the terminal key. Only its SHA-256 is kept.
 */
@Entity({ tableName: 'terminal_enrolment' })
@Index({ name: 'terminal_enrolment_terminal_id_index', properties: ['terminal'] })
export class TerminalEnrolment extends BaseEntity {
  @ManyToOne(() => Terminal) terminal!: Terminal;
  @Property({ unique: true, hidden: true }) codeHash!: string;
  @Property({ type: 'timestamptz' }) expiresAt!: Date;
  /** Set when the code was used (or replaced by a newer one): it never works again. */
  @Property({ type: 'timestamptz', nullable: true }) usedAt?: Date | null;
  /** `admin:<id>` or `staff:<id>`. */
  @Property() createdBy!: string;
}

/** A redemption that was made offline and synced later: when it was scanned (its place in "first by scan time wins"). */
@Entity({ tableName: 'offline_redemption' })
@Index({ name: 'offline_redemption_line_index', properties: ['ticketLineId', 'scannedAt'] })
export class OfflineRedemption extends BaseEntity {
  @ManyToOne(() => Redemption, { unique: true }) redemption!: Redemption;
  @Property() ticketLineId!: number;
  @Property() terminalId!: number;
  @Property({ type: 'timestamptz' }) scannedAt!: Date;
  @Property({ type: 'timestamptz' }) syncedAt!: Date;
}

/**
 * An offline use that could not count: the line was used up elsewhere first (by scan time), or the
 * ticket was refunded or changed meanwhile. Kept for the merchant's managers to resolve; never lost.
 */
@Entity({ tableName: 'redemption_conflict' })
@Unique({ name: 'redemption_conflict_scan_line_unique', properties: ['scanNonce', 'ticketLineId'] })
@Index({ name: 'redemption_conflict_merchant_status_index', properties: ['merchantId', 'status', 'scannedAt'] })
@Index({ name: 'redemption_conflict_ticket_id_index', properties: ['ticketId'] })
@Check({ name: 'redemption_conflict_status_check', expression: "status IN ('OPEN', 'RESOLVED')" })
export class RedemptionConflict extends BaseEntity {
  @Property() merchantId!: number;
  @Property() ticketId!: number;
  @Property() ticketLineId!: number;
  @Property() terminalId!: number;
  @Property() staffId!: number;
  @Property() scanNonce!: string;
  @Property({ type: 'timestamptz' }) scannedAt!: Date;
  @Property({ nullable: true }) qrRef?: string | null;
  @Property({ type: 'integer', nullable: true }) qrStep?: number | null;
  /** ALREADY_REDEEMED, REPLAYED_CODE, TICKET_REFUNDED … (the server's refusal codes). */
  @Property() reason!: string;
  /** The redemption that counted instead (when the line was used up). */
  @Property({ type: 'bigint', nullable: true }) winnerRedemptionId?: string | null;
  @Property({ default: 'OPEN' }) status: string = 'OPEN';
  @Property({ type: 'text', nullable: true }) resolutionNote?: string | null;
  @Property({ nullable: true }) resolvedBy?: string | null;
  @Property({ type: 'timestamptz', nullable: true }) resolvedAt?: Date | null;
}
