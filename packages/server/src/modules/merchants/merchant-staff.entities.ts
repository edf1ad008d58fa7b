import { Check, Entity, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../common/db/base.entity.js';
import { Merchant } from '../catalog/catalog.entities.js';

/** What a staff account may do: STAFF redeem and see their own terminal; MANAGER see and manage the merchant. */
export type StaffRole = 'STAFF' | 'MANAGER';

/**
 * A device registered to a merchant (a gate scanner, a counter phone). Staff log in on it; its key
 * (hashed here) proves the device is the registered one. Disabling it ends every session on it.
 */
@Entity({ tableName: 'terminal' })
@Index({ name: 'terminal_merchant_id_index', properties: ['merchant'] })
export class Terminal extends BaseEntity {
  @ManyToOne(() => Merchant) merchant!: Merchant;
  @Property({ unique: true }) code!: string;
  @Property() name!: string;
  /** SHA-256 (hex) of the terminal key; the key itself is shown once, at registration. */
  @Property({ hidden: true }) keyHash!: string;
  @Property({ default: true }) enabled: boolean = true;
}

/** A merchant's staff account (password hashed with scrypt). */
@Entity({ tableName: 'merchant_staff' })
@Index({ name: 'merchant_staff_merchant_id_index', properties: ['merchant'] })
@Check({ name: 'merchant_staff_role_check', expression: "role IN ('STAFF', 'MANAGER')" })
export class MerchantStaff extends BaseEntity {
  @ManyToOne(() => Merchant) merchant!: Merchant;
  /** Lower case, unique across merchants (it is what staff type to log in). */
  @Property({ unique: true }) username!: string;
  @Property() displayName!: string;
  @Property() role!: StaffRole;
  @Property({ hidden: true }) passwordHash!: string;
  @Property({ default: true }) enabled: boolean = true;
  /** Carried by staff tokens; bumping it (password reset) invalidates every token issued before. */
  @Property({ default: 1 }) sessionVersion: number = 1;
  /** Consecutive failed logins; at 5 the account is locked for 15 minutes. */
  @Property({ default: 0 }) failedLogins: number = 0;
  @Property({ type: 'timestamptz', nullable: true }) lockedUntil?: Date | null;
  @Property({ type: 'timestamptz', nullable: true }) lastLoginAt?: Date | null;
}
