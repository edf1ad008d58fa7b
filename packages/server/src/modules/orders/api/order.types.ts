import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { PassengerType } from '@deeptravel/shared';
import { PassengerTypeEnum } from '../../catalog/api/catalog.types.js';

@ObjectType({ description: 'One order line: a product for the passengers of one type' })
export class OrderLine {
  @Field(() => ID) id!: number;
  @Field(() => ID) productId!: number;
  @Field() productName!: string;
  @Field(() => ID, { nullable: true }) tripId!: number | null;
  @Field() travelDate!: string;
  @Field(() => PassengerTypeEnum) passengerType!: PassengerType;
  @Field(() => Int) qty!: number;
  @Field(() => Int, { description: 'fen' }) unitPrice!: number;
  @Field(() => Int, { description: 'fen' }) discount!: number;
  @Field(() => Int, { description: 'fen: qty × unitPrice − discount' }) subtotal!: number;
}

@ObjectType({ description: 'A passenger of an order' })
export class OrderPassenger {
  @Field(() => ID) id!: number;
  @Field() name!: string;
  @Field(() => PassengerTypeEnum) passengerType!: PassengerType;
  @Field(() => String, { nullable: true, description: 'Masked, e.g. 138****5678' }) phoneMasked!: string | null;
}

@ObjectType()
export class Order {
  @Field(() => ID) id!: number;
  @Field({ description: 'Merchant order number (out_trade_no)' }) orderNo!: string;
  @Field({ description: 'PENDING, PAID, COMPLETED or CANCELLED' }) status!: string;
  @Field() currency!: string;
  @Field(() => Int, { description: 'fen' }) totalAmount!: number;
  @Field(() => Int, { description: 'fen' }) discountAmount!: number;
  @Field({ description: 'Seats are held until then while PENDING' }) lockExpireAt!: Date;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) paidAt!: Date | null;
  @Field(() => Date, { nullable: true }) cancelledAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'EXPIRED, BY_TRAVELLER, REFUNDED' }) cancelReason!: string | null;
  @Field({ description: 'NONE, PREPAID (sent to pay), UNKNOWN (hold ended without an answer: being checked with WeChat), PAID, CLOSED (not paid)' })
  paymentState!: string;
}

@InputType()
export class OrderItemInput {
  @Field(() => ID) productId!: number;
  @Field(() => ID, { nullable: true, description: 'Required for a trip ticket' }) tripId?: number | null;
  @Field(() => String, { nullable: true, description: "A pass's first day (YYYY-MM-DD), default today" }) travelDate?: string | null;
  @Field(() => Int, { nullable: true, description: 'Passengers on this item; default all' }) qty?: number | null;
}

@InputType({ description: 'A passenger: inline (name and type), or a saved passenger (常用旅客) by savedPassengerId' })
export class PassengerInput {
  @Field(() => String, { nullable: true, description: 'Required unless savedPassengerId is given' }) name?: string | null;
  @Field(() => PassengerTypeEnum, { nullable: true, description: 'Required unless savedPassengerId is given' }) type?: PassengerType | null;
  @Field(() => String, { nullable: true }) phone?: string | null;
  @Field(() => ID, { nullable: true, description: "One of the traveller's saved passengers: its name, type and phone are used" })
  savedPassengerId?: string | null;
}

@InputType()
export class CreateOrderInput {
  @Field(() => [OrderItemInput]) items!: OrderItemInput[];
  @Field(() => [PassengerInput], { nullable: true, description: 'Default: one adult per unit' }) passengers?: PassengerInput[] | null;
  @Field(() => String, { nullable: true }) promotionCode?: string | null;
  @Field(() => String, { nullable: true, description: 'The same key from the same traveller returns the same order' }) idempotencyKey?: string | null;
}
