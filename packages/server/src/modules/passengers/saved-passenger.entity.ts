import { Check, Entity, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import type { PassengerType } from '@deeptravel/shared';
import { BaseEntity } from '../../common/db/base.entity.js';
import { Traveller } from '../identity/traveller.entity.js';

/**
 * A saved passenger (常用旅客) a traveller picks when booking: name, type and an optional phone.
 * No identity documents: cross-border real-name checks are out of scope (PRODUCT.md).
 */
@Entity({ tableName: 'saved_passenger' })
@Index({ name: 'saved_passenger_traveller_id_index', properties: ['traveller'] })
@Check({ name: 'saved_passenger_type_check', expression: "passenger_type in ('ADULT', 'CHILD', 'SENIOR')" })
@Check({ name: 'saved_passenger_name_check', expression: 'length(name) between 1 and 40' })
export class SavedPassenger extends BaseEntity {
  @ManyToOne(() => Traveller, { deleteRule: 'cascade' }) traveller!: Traveller;
  @Property() name!: string;
  @Property() passengerType!: PassengerType;
  @Property({ nullable: true }) phone?: string | null;
}
