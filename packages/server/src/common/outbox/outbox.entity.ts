import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * An event written in the same transaction as the state change it reports, delivered after
 * commit by the dispatcher (PENDING → DELIVERED, or DEAD after the last attempt).
 */
@Entity({ tableName: 'outbox_event' })
@Index({ properties: ['status', 'availableAt'] })
@Index({ name: 'outbox_event_pending_index', expression: `create index "outbox_event_pending_index" on "outbox_event" ("available_at") where "status" = 'PENDING'` })
export class OutboxEvent {
  @PrimaryKey({ type: 'bigint', autoincrement: true }) id!: string;
  @Property() topic!: string;
  @Property({ type: 'jsonb' }) payload!: unknown;
  @Property({ default: 'PENDING' }) status: string = 'PENDING';
  @Property({ default: 0 }) attempts: number = 0;
  @Property({ type: 'timestamptz', defaultRaw: 'now()' }) availableAt: Date = new Date();
  @Property({ type: 'text', nullable: true }) lastError?: string | null;
  @Property({ type: 'timestamptz', defaultRaw: 'now()' }) createdAt: Date = new Date();
  @Property({ type: 'timestamptz', nullable: true }) deliveredAt?: Date | null;
}

/** Who or what moved an entity from one state to another, and when (every lifecycle writes it). */
@Entity({ tableName: 'state_transition' })
@Index({ properties: ['entityType', 'entityId'] })
export class StateTransition {
  @PrimaryKey({ type: 'bigint', autoincrement: true }) id!: string;
  @Property() entityType!: string;
  @Property() entityId!: number;
  @Property({ nullable: true }) fromState?: string | null;
  @Property() toState!: string;
  @Property() actor!: string;
  @Property({ nullable: true }) reason?: string | null;
  @Property({ type: 'timestamptz', defaultRaw: 'now()' }) at: Date = new Date();
}
