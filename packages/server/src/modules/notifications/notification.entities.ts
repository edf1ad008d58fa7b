import { Check, Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../common/db/base.entity.js';
import { Traveller } from '../identity/traveller.entity.js';

/**
 * A traveller's consent to one subscribe-message template. WeChat's one-off subscriptions allow one
 * message per "accept" in `wx.requestSubscribeMessage`, so consent is a count: each accept adds
 * one, each message created for that template takes one (in the transaction that creates it).
 */
@Entity({ tableName: 'notification_consent' })
@Unique({ name: 'notification_consent_traveller_template_unique', properties: ['traveller', 'templateId'] })
@Check({ name: 'notification_consent_remaining_check', expression: 'remaining >= 0' })
export class NotificationConsent extends BaseEntity {
  @ManyToOne(() => Traveller) traveller!: Traveller;
  @Property() templateId!: string;
  /** Messages we may still send with this template. */
  @Property({ default: 0 }) remaining: number = 0;
  @Property({ default: 0 }) acceptedTotal: number = 0;
  @Property({ default: 0 }) rejectedTotal: number = 0;
  /** ACCEPTED or REJECTED: the traveller's last answer. */
  @Property({ nullable: true }) lastDecision?: string | null;
  @Property({ type: 'timestamptz', nullable: true }) decidedAt?: Date | null;
}

/**
 * One message: one per event × traveller × kind, made unique by `idempotencyKey`
 * (`evt:<outbox event id>:<kind>`, or `expiring:<ticket id>` for the reminder). The row is the
 * in-app list entry too, including the messages that were skipped and why.
 */
@Entity({ tableName: 'notification' })
@Unique({ name: 'notification_idempotency_key_unique', properties: ['idempotencyKey'] })
@Index({ name: 'notification_traveller_created_index', expression: 'create index "notification_traveller_created_index" on "notification" ("traveller_id", "created_at" desc, "id" desc)' })
@Index({ name: 'notification_status_index', properties: ['status', 'createdAt'] })
@Index({ name: 'notification_order_id_index', properties: ['orderId'] })
@Check({
  name: 'notification_status_check',
  expression: "status IN ('PENDING', 'SENDING', 'SENT', 'SKIPPED_NO_CONSENT', 'SKIPPED_NO_OPENID', 'SKIPPED_NO_TEMPLATE', 'FAILED', 'DEAD', 'UNCONFIRMED')",
})
export class Notification {
  @PrimaryKey({ type: 'bigint', autoincrement: true }) id!: string;
  @Property({ type: 'timestamptz', defaultRaw: 'now()' }) createdAt: Date = new Date();
  @Property({ type: 'timestamptz', defaultRaw: 'now()' }) updatedAt: Date = new Date();
  @Property() idempotencyKey!: string;
  @ManyToOne(() => Traveller) traveller!: Traveller;
  /** PAYMENT_SUCCESS, ORDER_CANCELLED, REFUND_RESULT, REDEMPTION_SUCCESS, ENTITLEMENT_EXPIRING, ORDER_COMPLETED. */
  @Property() kind!: string;
  /** The outbox event the message came from (null for the scheduled reminder). */
  @Property({ type: 'bigint', nullable: true }) eventId?: string | null;
  @Property({ type: 'integer', nullable: true }) orderId?: number | null;
  @Property({ type: 'integer', nullable: true }) ticketId?: number | null;
  @Property({ nullable: true }) templateId?: string | null;
  @Property({ nullable: true }) openid?: string | null;
  @Property({ nullable: true }) page?: string | null;
  /** `[{ key, label, value }]`: WeChat's data and the in-app text at once. */
  @Property({ type: 'jsonb' }) fields!: unknown;
  @Property() status!: string;
  /** Why it was skipped or failed (NO_CONSENT, NO_OPENID, USER_REFUSED, RETRIES_EXHAUSTED, INTERRUPTED …). */
  @Property({ nullable: true }) reason?: string | null;
  @Property({ default: 0 }) attempts: number = 0;
  @Property({ type: 'text', nullable: true }) lastError?: string | null;
  /** While SENDING: until when the sender owns it (after that it is presumed crashed). */
  @Property({ type: 'timestamptz', nullable: true }) leaseUntil?: Date | null;
  /** The consent the message used (given back if WeChat never took the message). */
  @Property({ type: 'integer', nullable: true }) consentId?: number | null;
  @Property({ nullable: true }) msgId?: string | null;
  @Property({ type: 'timestamptz', nullable: true }) sentAt?: Date | null;
}
