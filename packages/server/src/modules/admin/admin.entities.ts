import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../common/db/base.entity.js';

/** An admin account: ADMIN changes configuration, OPERATOR only reads. */
@Entity({ tableName: 'admin_user' })
export class AdminUser extends BaseEntity {
  @Property({ unique: true }) username!: string;
  @Property({ hidden: true }) passwordHash!: string;
  @Property() role!: string;
  @Property({ default: true }) enabled: boolean = true;
  /** Bumped to end every token issued before (password change, disable). */
  @Property({ default: 1 }) sessionVersion: number = 1;
}

/** Every admin change: who, what, before, after, when. */
@Entity({ tableName: 'admin_audit' })
@Index({ name: 'admin_audit_entity_index', properties: ['entityType', 'entityId'] })
@Index({ name: 'admin_audit_at_index', properties: ['at'] })
export class AdminAudit {
  @PrimaryKey({ type: 'bigint', autoincrement: true }) id!: string;
  @Property({ type: 'integer', nullable: true }) adminId?: number | null;
  @Property() actor!: string;
  @Property() action!: string;
  @Property() entityType!: string;
  @Property({ nullable: true }) entityId?: string | null;
  @Property({ type: 'jsonb', nullable: true }) before?: unknown;
  @Property({ type: 'jsonb', nullable: true }) after?: unknown;
  @Property({ type: 'timestamptz', defaultRaw: 'now()' }) at: Date = new Date();
}
