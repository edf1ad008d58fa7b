import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** A platform setting set by admins (lock duration, passenger limit, …), stored as JSON. */
@Entity({ tableName: 'setting' })
export class Setting {
  @PrimaryKey() key!: string;
  @Property({ type: 'jsonb' }) value!: unknown;
  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() }) updatedAt: Date = new Date();
}
