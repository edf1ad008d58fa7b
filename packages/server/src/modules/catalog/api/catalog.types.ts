import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PASSENGER_TYPES, type PassengerType } from '@deeptravel/shared';

/** GraphQL enum of passenger types. */
export const PassengerTypeEnum = Object.fromEntries(PASSENGER_TYPES.map((t) => [t, t])) as { [K in PassengerType]: K };
registerEnumType(PassengerTypeEnum, { name: 'PassengerType', description: 'ADULT, CHILD or SENIOR' });

@ObjectType({ description: 'A city travellers go from or to' })
export class City {
  @Field(() => ID) id!: number;
  @Field() code!: string;
  @Field() nameZh!: string;
  @Field() nameEn!: string;
  @Field({ description: 'Toneless pinyin, for search' }) pinyin!: string;
  @Field() isHot!: boolean;
}

@ObjectType({ description: 'A pier, port or bus terminal' })
export class Station {
  @Field(() => ID) id!: number;
  @Field() code!: string;
  @Field() nameZh!: string;
  @Field() nameEn!: string;
  cityId!: number;
}

@ObjectType({ description: 'A ferry operator, bus company or attraction' })
export class Merchant {
  @Field(() => ID) id!: number;
  @Field() code!: string;
  @Field() name!: string;
  @Field() kind!: string;
}

@ObjectType({ description: 'A route joining two stations by BUS or FERRY' })
export class Route {
  @Field(() => ID) id!: number;
  @Field() code!: string;
  @Field() mode!: string;
  @Field(() => Int) durationMinutes!: number;
  originId!: number;
  destinationId!: number;
  operatorId!: number;
}

@ObjectType({ description: 'One departure (班次)' })
export class TripInfo {
  @Field(() => ID) tripId!: number;
  @Field() departureAt!: Date;
  @Field() arrivalAt!: Date;
  @Field(() => Int) capacity!: number;
  @Field() mode!: string;
  @Field() routeCode!: string;
  @Field() originStation!: string;
  @Field() destinationStation!: string;
  @Field() operatorName!: string;
  routeId!: number;
}

@ObjectType({ description: 'Price of the passengers of one type' })
export class PriceLine {
  @Field(() => PassengerTypeEnum) passengerType!: PassengerType;
  @Field(() => Int) count!: number;
  @Field(() => Int, { description: 'fen' }) unitPrice!: number;
  @Field(() => Int, { description: 'fen' }) subtotal!: number;
}

@ObjectType({ description: 'An entitlement (权益) a package grants' })
export class EntitlementInfo {
  @Field(() => ID) id!: number;
  @Field() name!: string;
  @Field({ description: 'PER_PASSENGER or SHARED (one for the whole order)' }) scope!: string;
  @Field(() => Int) uses!: number;
  @Field() merchantName!: string;
  merchantId!: number;
}

@ObjectType({ description: 'Something the party can buy for the day' })
export class Offer {
  @Field(() => ID) id!: string;
  @Field({ description: 'TICKET or PACKAGE' }) kind!: string;
  @Field(() => ID) productId!: number;
  @Field() productName!: string;
  @Field() travelDate!: string;
  @Field() currency!: string;
  @Field(() => TripInfo, { nullable: true }) trip!: TripInfo | null;
  @Field(() => Int, { nullable: true, description: 'Days a package stays valid' }) validityDays!: number | null;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => Int, { nullable: true, description: 'Seats or passes left; null = unlimited' }) available!: number | null;
  @Field({ description: 'Few left (紧张)' }) lowStock!: boolean;
  @Field(() => Int, { nullable: true, description: 'Total for the party in fen; null when it cannot be priced' }) totalPrice!: number | null;
  @Field(() => [PriceLine]) priceLines!: PriceLine[];
  @Field(() => String, { nullable: true, description: 'SOLD_OUT, NOT_ENOUGH_LEFT or NO_FARE when the party cannot buy it' })
  unavailableReason!: string | null;
  @Field() refundSummary!: string;
  @Field(() => [EntitlementInfo]) entitlements!: EntitlementInfo[];
}

@ObjectType()
export class SearchOffersResult {
  @Field(() => City) origin!: City;
  @Field(() => City) destination!: City;
  @Field() date!: string;
  @Field({ description: 'The whole day is a blackout date (禁售日)' }) blackout!: boolean;
  @Field(() => String, { nullable: true }) blackoutReason!: string | null;
  @Field(() => [Offer]) offers!: Offer[];
}

@ObjectType({ description: 'A blackout date (禁售日)' })
export class BlackoutDay {
  @Field() date!: string;
  @Field(() => ID, { nullable: true, description: 'null = every product' }) productId!: number | null;
  @Field(() => String, { nullable: true }) reason!: string | null;
}

@InputType()
export class PassengerCountInput {
  @Field(() => PassengerTypeEnum) type!: PassengerType;
  @Field(() => Int, { description: '0–99 (summed per type)' }) count!: number;
}

@InputType()
export class SearchOffersInput {
  @Field({ description: 'City code, Chinese name or pinyin' }) origin!: string;
  @Field() destination!: string;
  @Field({ description: 'YYYY-MM-DD, Hong Kong time' }) date!: string;
  @Field(() => [PassengerCountInput], { description: 'Default: one adult' }) passengers: PassengerCountInput[] = [{ type: 'ADULT', count: 1 }];
}
