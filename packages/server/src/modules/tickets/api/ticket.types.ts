import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'An entitlement line of a ticket' })
export class TicketLine {
  @Field(() => ID) id!: number;
  @Field() name!: string;
  @Field(() => ID) merchantId!: number;
  @Field() merchantName!: string;
  @Field(() => Int) usesTotal!: number;
  @Field(() => Int) usesLeft!: number;
}

@ObjectType({ description: 'A QR payload; it rotates every 30 seconds, so fetch it again at refreshAt' })
export class QrCode {
  @Field() payload!: string;
  @Field() refreshAt!: Date;
}

@ObjectType()
export class Ticket {
  @Field(() => ID) id!: number;
  @Field() code!: string;
  @Field(() => ID) orderId!: number;
  @Field() orderNo!: string;
  @Field(() => ID) productId!: number;
  @Field() productName!: string;
  @Field({ description: 'ACTIVE, REDEEMED, REFUNDING, REFUNDED, CHANGING, CHANGED, EXPIRED' }) status!: string;
  @Field({ description: 'A shared entitlement of the whole order (共享权益)' }) shared!: boolean;
  @Field(() => String, { nullable: true }) passengerName!: string | null;
  @Field(() => String, { nullable: true }) passengerType!: string | null;
  @Field(() => ID, { nullable: true }) tripId!: number | null;
  @Field() travelDate!: string;
  @Field() validFrom!: Date;
  @Field() validUntil!: Date;
}
