import { Entity, Index, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../common/db/base.entity.js';

/**
 * One difference between WeChat's bill of a day and our records: MISSING_OURS (paid or refunded at
 * WeChat, unknown here), MISSING_THEIRS (ours, not on the bill), AMOUNT_MISMATCH, STATUS_MISMATCH.
 * Unique per day, subject and key, so re-running a day adds nothing.
 */
@Entity({ tableName: 'reconciliation_difference' })
@Unique({ name: 'reconciliation_difference_key_unique', properties: ['billDate', 'subject', 'key', 'kind'] })
@Index({ name: 'reconciliation_difference_open_index', properties: ['resolved', 'billDate'] })
export class ReconciliationDifference extends BaseEntity {
  @Property({ type: 'date' }) billDate!: string;
  /** PAYMENT or REFUND. */
  @Property() subject!: string;
  @Property() kind!: string;
  /** WeChat transaction id (payments) or our out_refund_no (refunds). */
  @Property() key!: string;
  @Property({ nullable: true }) orderNo?: string | null;
  @Property({ type: 'jsonb', nullable: true }) ours?: unknown;
  @Property({ type: 'jsonb', nullable: true }) theirs?: unknown;
  @Property({ default: false }) resolved: boolean = false;
  @Property({ type: 'text', nullable: true }) resolution?: string | null;
  @Property({ nullable: true }) resolvedBy?: string | null;
  @Property({ type: 'timestamptz', nullable: true }) resolvedAt?: Date | null;
}
