import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { AdminOrder } from './admin.types.js';

@ObjectType({ description: 'The buyer of an order' })
export class AdminOrderTraveller {
  @Field(() => ID) id!: number;
  @Field(() => String, { nullable: true }) openid!: string | null;
  @Field(() => String, { nullable: true }) nickname!: string | null;
}

@ObjectType({ description: 'One line of an order as sold' })
export class AdminOrderItem {
  @Field(() => ID) id!: number;
  @Field(() => ID) productId!: number;
  @Field() productName!: string;
  @Field(() => ID, { nullable: true }) tripId!: number | null;
  @Field(() => String, { nullable: true }) travelDate!: string | null;
  @Field(() => Date, { nullable: true }) departureAt!: Date | null;
  @Field(() => String, { nullable: true }) passengerType!: string | null;
  @Field(() => Int) qty!: number;
  @Field(() => Int, { description: 'fen' }) unitPrice!: number;
  @Field(() => Int) discount!: number;
  @Field(() => Int) subtotal!: number;
}

@ObjectType({ description: "A passenger of the order (admins see the full phone)" })
export class AdminOrderPassenger {
  @Field(() => ID) id!: number;
  @Field() name!: string;
  @Field() passengerType!: string;
  @Field(() => String, { nullable: true }) phone!: string | null;
}

@ObjectType()
export class AdminOrderPayment {
  @Field(() => ID) id!: number;
  @Field() gateway!: string;
  @Field(() => String, { nullable: true, description: 'WeChat Pay transaction id' }) gatewayTxnId!: string | null;
  @Field(() => Int) amount!: number;
  @Field() currency!: string;
  @Field() status!: string;
  @Field(() => String, { nullable: true }) flag!: string | null;
  @Field(() => String, { nullable: true }) source!: string | null;
  @Field(() => String, { nullable: true }) refundStatus!: string | null;
  @Field() createdAt!: Date;
}

@ObjectType()
export class AdminOrderRefund {
  @Field(() => ID) id!: number;
  @Field() refundNo!: string;
  @Field() kind!: string;
  @Field() status!: string;
  @Field(() => Int) amount!: number;
  @Field(() => Int) fee!: number;
  @Field() currency!: string;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => String, { nullable: true }) requestedBy!: string | null;
  @Field(() => String, { nullable: true }) failureReason!: string | null;
  @Field(() => [String]) ticketCodes!: string[];
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) completedAt!: Date | null;
}

@ObjectType()
export class AdminTicketLine {
  @Field(() => ID) id!: number;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) merchantName!: string | null;
  @Field(() => Int) usesTotal!: number;
  @Field(() => Int) usesLeft!: number;
}

@ObjectType()
export class AdminOrderTicket {
  @Field(() => ID) id!: number;
  @Field() code!: string;
  @Field() status!: string;
  @Field() productName!: string;
  @Field(() => String, { nullable: true }) passengerName!: string | null;
  @Field(() => String, { nullable: true }) travelDate!: string | null;
  @Field(() => Date, { nullable: true }) validFrom!: Date | null;
  @Field(() => Date, { nullable: true }) validUntil!: Date | null;
  @Field(() => Int) price!: number;
  @Field() shared!: boolean;
  @Field(() => ID, { nullable: true }) replacesTicketId!: number | null;
  @Field(() => [AdminTicketLine]) lines!: AdminTicketLine[];
}

@ObjectType()
export class AdminRedemption {
  @Field(() => ID) id!: string;
  @Field() at!: Date;
  @Field() ticketCode!: string;
  @Field(() => String, { nullable: true }) productName?: string | null;
  @Field() lineName!: string;
  @Field(() => String, { nullable: true }) merchantName!: string | null;
  @Field(() => String, { nullable: true }) terminalCode!: string | null;
  @Field(() => String, { nullable: true }) staffUsername?: string | null;
  @Field(() => Int, { nullable: true }) usesLeftAfter?: number | null;
  @Field({ description: 'Made offline and synced later' }) offline!: boolean;
}

@ObjectType()
export class AdminOrderConflict {
  @Field(() => ID) id!: number;
  @Field({ description: 'OPEN or RESOLVED' }) status!: string;
  @Field() reason!: string;
  @Field() scannedAt!: Date;
  @Field() ticketCode!: string;
  @Field() lineName!: string;
  @Field() terminalCode!: string;
  @Field(() => String, { nullable: true }) merchantName!: string | null;
  @Field(() => String, { nullable: true }) resolutionNote!: string | null;
  @Field(() => String, { nullable: true }) resolvedBy!: string | null;
  @Field(() => Date, { nullable: true }) resolvedAt!: Date | null;
}

@ObjectType({ description: 'A message to the traveller about this order' })
export class AdminNotification {
  @Field(() => ID) id!: number;
  @Field() kind!: string;
  @Field() status!: string;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => Int) attempts!: number;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) sentAt!: Date | null;
  @Field(() => Boolean, { nullable: true, description: 'adminResendNotification: false when it was already queued or sent (nothing changed)' }) requeued?: boolean | null;
}

@ObjectType({ description: 'One state_transition row: who or what moved which thing from one state to another' })
export class AdminTransition {
  @Field(() => ID) id!: string;
  @Field({ description: 'order, ticket, refund, payment, ticket_change, redemption_conflict, notification' }) entityType!: string;
  @Field(() => ID) entityId!: number;
  @Field(() => String, { nullable: true }) fromState!: string | null;
  @Field() toState!: string;
  @Field() actor!: string;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field() at!: Date;
}

@ObjectType({ description: 'The admin order page' })
export class AdminOrderDetailView {
  @Field(() => AdminOrder) order!: AdminOrder;
  @Field(() => AdminOrderTraveller, { nullable: true }) traveller!: AdminOrderTraveller | null;
  @Field(() => [AdminOrderItem]) items!: AdminOrderItem[];
  @Field(() => [AdminOrderPassenger]) passengers!: AdminOrderPassenger[];
  @Field(() => [AdminOrderPayment]) payments!: AdminOrderPayment[];
  @Field(() => [AdminOrderRefund]) refunds!: AdminOrderRefund[];
  @Field(() => [AdminOrderTicket]) tickets!: AdminOrderTicket[];
  @Field(() => [AdminRedemption]) redemptions!: AdminRedemption[];
  @Field(() => [AdminOrderConflict]) conflicts!: AdminOrderConflict[];
  @Field(() => [AdminNotification]) notifications!: AdminNotification[];
  @Field(() => [AdminTransition], { description: 'Every transition of the order and its tickets, payments, refunds, changes, conflicts and messages, oldest first' }) history!: AdminTransition[];
}

@ObjectType()
export class AdminAccountView {
  @Field(() => ID) id!: number;
  @Field() username!: string;
  @Field({ description: 'ADMIN or OPERATOR' }) role!: string;
  @Field() enabled!: boolean;
  @Field() createdAt!: Date;
}

/** What `adminUpdateAccount` changes; fields left out stay as they are. */
@InputType()
export class AdminAccountUpdateInput {
  @Field(() => Boolean, { nullable: true }) enabled?: boolean | null;
  @Field(() => String, { nullable: true, description: 'ADMIN or OPERATOR' }) role?: string | null;
  @Field(() => String, { nullable: true, description: 'A new password (at least 10 characters)' }) password?: string | null;
}
