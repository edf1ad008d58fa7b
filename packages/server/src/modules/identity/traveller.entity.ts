import { Entity, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../common/db/base.entity.js';

/** A traveller, found by WeChat openid (or, in dev and test only, by a fixed bearer token). */
@Entity({ tableName: 'traveller' })
export class Traveller extends BaseEntity {
  @Property({ unique: true, nullable: true }) openid?: string | null;
  @Property({ unique: true, nullable: true }) devToken?: string | null;
  @Property({ nullable: true }) nickname?: string | null;
}
