import { Check, Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import type { EntitlementScope, PassengerType, ProductKind, TransportMode } from '@deeptravel/shared';
import { BaseEntity } from '../../common/db/base.entity.js';

/** A city travellers pick as origin or destination; hot cities are listed first and cached longer. */
@Entity({ tableName: 'city' })
export class City extends BaseEntity {
  @Property({ unique: true }) code!: string;
  @Property() nameZh!: string;
  @Property() nameEn!: string;
  /** Lower-case pinyin without tones, for search by pinyin ("xianggang"). */
  @Property() pinyin!: string;
  @Property({ default: false }) isHot: boolean = false;
  @Property({ default: 0 }) sortOrder: number = 0;
}

/** A pier, bus terminal or port in a city. */
@Entity({ tableName: 'station' })
export class Station extends BaseEntity {
  @Property({ unique: true }) code!: string;
  @ManyToOne(() => City) city!: City;
  @Property() nameZh!: string;
  @Property() nameEn!: string;
}

/** A ferry operator, bus company or attraction whose staff redeem tickets. */
@Entity({ tableName: 'merchant' })
export class Merchant extends BaseEntity {
  @Property({ unique: true }) code!: string;
  @Property() name!: string;
  @Property() kind!: string;
  @Property({ default: true }) enabled: boolean = true;
}

/** One tier of a refund rule: at least `minHoursBefore` before the start, a fee of `feePercent`. */
export interface RefundTier {
  minHoursBefore: number;
  feePercent: number;
}

/** Refund and change rules as data (tiers by time before departure or validity start). */
@Entity({ tableName: 'refund_rule' })
export class RefundRule extends BaseEntity {
  @Property() name!: string;
  /** Sorted by minHoursBefore descending; before the smallest tier nothing is refundable. */
  @Property({ type: 'jsonb' }) tiers!: RefundTier[];
  @Property({ default: true }) changeAllowed: boolean = true;
  @Property({ default: 2 }) changeMinHoursBefore: number = 2;
  /** A one-line summary for travellers, e.g. "出发前48小时免费退，24–48小时收10%…". */
  @Property({ type: 'text' }) summaryZh!: string;
}

/** A route joins two stations by bus or ferry. */
@Entity({ tableName: 'route' })
export class Route extends BaseEntity {
  @Property({ unique: true }) code!: string;
  @Enum({ items: ['BUS', 'FERRY'] }) mode!: TransportMode;
  @ManyToOne(() => Station) origin!: Station;
  @ManyToOne(() => Station) destination!: Station;
  @ManyToOne(() => Merchant) operator!: Merchant;
  @Property() durationMinutes!: number;
  @Property({ default: true }) enabled: boolean = true;
}

/** A bundle-pass template (套票模板): its entitlement lines and validity. */
@Entity({ tableName: 'package_template' })
export class PackageTemplate extends BaseEntity {
  @Property() name!: string;
  @Property({ default: 1 }) validityDays: number = 1;
  @Property({ type: 'text', nullable: true }) description?: string;
}

/** One entitlement (权益) of a template: what it grants, who redeems it, per passenger or shared. */
@Entity({ tableName: 'entitlement_line' })
export class EntitlementLine extends BaseEntity {
  @ManyToOne(() => PackageTemplate) template!: PackageTemplate;
  @Property() name!: string;
  @ManyToOne(() => Merchant) merchant!: Merchant;
  @Enum({ items: ['PER_PASSENGER', 'SHARED'] }) scope!: EntitlementScope;
  @Property({ default: 1 }) uses: number = 1;
  @Property({ default: 0 }) sortOrder: number = 0;
}

/** What is sold: a TICKET (a seat on a trip of `route`) or a PACKAGE (from `template`). */
@Entity({ tableName: 'product' })
export class Product extends BaseEntity {
  @Enum({ items: ['TICKET', 'PACKAGE'] }) kind!: ProductKind;
  @Property() name!: string;
  @Property({ nullable: true }) nameEn?: string;
  @ManyToOne(() => Route, { nullable: true }) route?: Route;
  @ManyToOne(() => PackageTemplate, { nullable: true }) template?: PackageTemplate;
  /** For packages: the city where the pass is used (listed when a traveller searches to or from it). */
  @ManyToOne(() => City, { nullable: true }) city?: City;
  @ManyToOne(() => RefundRule) refundRule!: RefundRule;
  @Property({ default: true }) enabled: boolean = true;
  @Property({ default: 'CNY' }) currency: string = 'CNY';
  /** For packages: how many passes can be sold per travel date. */
  @Property({ nullable: true }) dailyQuota?: number;
  @Property({ type: 'text', nullable: true }) description?: string;
}

/** A fare tier: unit price of a passenger type for a party size range (阶梯定价). */
@Entity({ tableName: 'fare_tier' })
@Index({ properties: ['product', 'passengerType'] })
@Index({ name: 'fare_tier_product_id_index', properties: ['product'] })
export class FareTier extends BaseEntity {
  @ManyToOne(() => Product) product!: Product;
  @Enum({ items: ['ADULT', 'CHILD', 'SENIOR'] }) passengerType!: PassengerType;
  @Property() minQty!: number;
  @Property({ type: 'integer', nullable: true }) maxQty?: number | null;
  /** Integer fen. */
  @Property() unitPrice!: number;
}

/** One departure (班次) of a route with its seat counters; `locked` seats are held by PENDING orders. */
@Entity({ tableName: 'trip' })
@Index({ properties: ['route', 'departureAt'] })
@Index({ name: 'trip_departure_at_index', properties: ['departureAt'] })
@Index({ name: 'trip_product_id_index', properties: ['product'] })
// Inventory can never be oversold or go negative, whatever the code does.
@Check({ name: 'trip_inventory_check', expression: 'sold >= 0 AND locked >= 0 AND sold + locked <= capacity' })
export class Trip extends BaseEntity {
  @ManyToOne(() => Route) route!: Route;
  @ManyToOne(() => Product) product!: Product;
  @Property({ type: 'timestamptz' }) departureAt!: Date;
  @Property({ type: 'timestamptz' }) arrivalAt!: Date;
  @Property() capacity!: number;
  @Property({ default: 0 }) sold: number = 0;
  @Property({ default: 0 }) locked: number = 0;
  @Property({ default: 'SCHEDULED' }) status: string = 'SCHEDULED';
}

/** Sales of a package on one travel date, against its daily quota. */
@Entity({ tableName: 'daily_inventory' })
@Check({ name: 'daily_inventory_check', expression: 'sold >= 0 AND locked >= 0 AND sold + locked <= quota' })
@Unique({ properties: ['product', 'travelDate'] })
export class DailyInventory extends BaseEntity {
  @ManyToOne(() => Product) product!: Product;
  @Property({ type: 'date' }) travelDate!: string;
  @Property() quota!: number;
  @Property({ default: 0 }) sold: number = 0;
  @Property({ default: 0 }) locked: number = 0;
}

/** A day on which sales stop (禁售日), for one product or, with no product, for everything. */
@Entity({ tableName: 'blackout_date' })
@Index({ properties: ['date'] })
export class BlackoutDate extends BaseEntity {
  @ManyToOne(() => Product, { nullable: true }) product?: Product | null;
  @Property({ type: 'date' }) date!: string;
  @Property({ nullable: true }) reason?: string;
}
