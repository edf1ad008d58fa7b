import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'An entitlement line of a ticket' })
export class TicketLine {
  @Field(() => ID) id!: number;
  @Field() name!: string;
  @Field(() => ID) merchantId!: number;
  @Field() merchantName!: string;
  @Field(() => Int) usesTotal!: number;
  @Field(() => Int) usesLeft!: number;
  @Field(() => Date, { nullable: true, description: 'When the line was last redeemed (null: not used yet)' }) lastUsedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'Where: the name of the terminal that redeemed it last, e.g. 蛇口码头 1号闸口' }) lastUsedPlace!: string | null;
}

@ObjectType({ description: 'The departure a trip ticket is for' })
export class TicketTrip {
  @Field(() => ID) tripId!: number;
  @Field() departureAt!: Date;
  @Field() arrivalAt!: Date;
  @Field({ description: 'BUS or FERRY' }) mode!: string;
  @Field() originStation!: string;
  @Field() destinationStation!: string;
  @Field({ description: 'City code of the origin, for searching another departure' }) originCity!: string;
  @Field() destinationCity!: string;
}

@ObjectType({ description: 'A QR payload; it rotates every 30 seconds, so fetch it again at refreshAt' })
export class QrCode {
  @Field() payload!: string;
  @Field() refreshAt!: Date;
}

@ObjectType({
  description:
    'What the owner\'s device keeps to show a valid code without network: the token is `base` + "." + the rotating part, ' +
    'HMAC-SHA256(secret, "<ref>:<step>") (first 6 bytes, base64url) of the rotationSeconds step by the server\'s clock (qrCodeAt in @deeptravel/shared)',
})
export class OfflineQr {
  @Field({ description: 'The signed static part DT1.<claims>.<Ed25519 signature>' }) base!: string;
  @Field({ description: 'The rotating-part secret (base64url); only ever sent to the ticket\'s owner' }) secret!: string;
  @Field(() => Int) rotationSeconds!: number;
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
