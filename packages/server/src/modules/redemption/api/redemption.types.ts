import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum LogResult {
  ALLOWED = 'ALLOWED',
  DENIED = 'DENIED',
}
export enum LogAction {
  SCAN = 'SCAN',
  REDEEM = 'REDEEM',
}
registerEnumType(LogResult, { name: 'RedemptionLogResult' });
registerEnumType(LogAction, { name: 'RedemptionLogAction' });

const REASONS =
  'OTHER_MERCHANT, ALREADY_REDEEMED, REFUND_IN_PROGRESS, TICKET_REFUNDED, CHANGE_IN_PROGRESS, TICKET_CHANGED, TICKET_EXPIRED, NOT_YET_VALID, REPLAYED_CODE, WRONG_DEPARTURE';

@ObjectType({ description: "A line of a scanned ticket; another merchant's line shows its name only, never its usage" })
export class ScannedLine {
  @Field(() => ID) id!: number;
  @Field() name!: string;
  @Field() merchantName!: string;
  @Field({ description: 'True when the scanning merchant redeems this line' }) own!: boolean;
  @Field(() => Int, { nullable: true }) usesTotal!: number | null;
  @Field(() => Int, { nullable: true }) usesLeft!: number | null;
  @Field() redeemable!: boolean;
  @Field(() => String, { nullable: true, description: `Why not, when not redeemable: ${REASONS}` }) reason!: string | null;
  @Field(() => Date, { nullable: true }) lastRedeemedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'Terminal code of the last use' }) lastRedeemedTerminal!: string | null;
}

@ObjectType({ description: 'A ticket named by a scanned code' })
export class ScannedTicket {
  @Field(() => ID) id!: number;
  @Field() code!: string;
  @Field() status!: string;
  @Field() productName!: string;
  @Field() shared!: boolean;
  @Field(() => String, { nullable: true, description: 'Shown only to a merchant with a line on this ticket' }) passengerName!: string | null;
  @Field(() => String, { nullable: true }) passengerType!: string | null;
  @Field() validFrom!: Date;
  @Field() validUntil!: Date;
  @Field(() => ID, { nullable: true, description: 'The departure (trip) this ticket is for; null for passes (any departure)' }) tripId!: number | null;
  @Field(() => Date, { nullable: true, description: "That departure's time (WRONG_DEPARTURE: tell the traveller)" }) departureAt!: Date | null;
  @Field({ description: 'At least one line can be redeemed now by this merchant' }) redeemable!: boolean;
  @Field(() => String, { nullable: true, description: `Why not, when nothing is redeemable: ${REASONS}` }) reason!: string | null;
  @Field(() => [ScannedLine]) lines!: ScannedLine[];
}

@ObjectType({ description: 'What a scan shows: the tickets, each line with its verdict, and the nonce to redeem with' })
export class ScanResult {
  @Field({ description: 'Pass to redeem; a repeat with the same nonce and line returns the first result' }) scanNonce!: string;
  @Field({ description: 'TICKET or ORDER' }) kind!: string;
  @Field({ description: 'Ticket code or order number' }) ref!: string;
  @Field() scannedAt!: Date;
  @Field({ description: 'Redeem with this scan before then' }) expiresAt!: Date;
  @Field() allowed!: boolean;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => ID, { nullable: true, description: 'The departure the gate is boarding, when the scan named one' }) departureTripId!: number | null;
  @Field(() => [ScannedTicket]) tickets!: ScannedTicket[];
}

@ObjectType({ description: 'One use of a ticket line (核销)' })
export class Redemption {
  @Field(() => ID) id!: number;
  @Field() at!: Date;
  @Field(() => ID) terminalId!: number;
  @Field() terminalCode!: string;
  @Field() terminalName!: string;
  @Field() staffUsername!: string;
  @Field(() => ID) ticketId!: number;
  @Field() ticketCode!: string;
  @Field({ description: 'REDEEMED once every line of the ticket is used' }) ticketStatus!: string;
  @Field(() => ID) lineId!: number;
  @Field() lineName!: string;
  @Field(() => Int) usesLeft!: number;
  @Field(() => Int) usesTotal!: number;
  @Field() productName!: string;
  @Field(() => String, { nullable: true }) passengerName!: string | null;
  @Field({ description: 'True when this answers a repeat of an earlier identical request' }) replayed!: boolean;
}

@InputType()
export class RedeemItemInput {
  @Field(() => ID) ticketId!: string;
  @Field(() => ID) lineId!: string;
}

@ObjectType({ description: 'Why one item of a batch was refused' })
export class RedeemError {
  @Field() code!: string;
  @Field() message!: string;
  @Field(() => Date, { nullable: true, description: 'ALREADY_REDEEMED: when it was used' }) redeemedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'ALREADY_REDEEMED: the terminal that used it' }) terminalCode!: string | null;
  @Field(() => String, { nullable: true }) terminalName!: string | null;
  @Field(() => Date, { nullable: true, description: "WRONG_DEPARTURE: the ticket's own departure" }) departureAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'WRONG_DEPARTURE: that departure as HH:mm (HKT)' }) departureTime!: string | null;
}

@ObjectType()
export class RedeemOutcome {
  @Field(() => ID) ticketId!: number;
  @Field(() => ID) lineId!: number;
  @Field(() => Redemption, { nullable: true }) redemption!: Redemption | null;
  @Field(() => RedeemError, { nullable: true }) error!: RedeemError | null;
}

@InputType()
export class RedemptionLogFilter {
  @Field(() => Date, { nullable: true, description: 'From this instant (inclusive)' }) from?: Date | null;
  @Field(() => Date, { nullable: true, description: 'Until this instant (exclusive)' }) to?: Date | null;
  @Field(() => ID, { nullable: true, description: "A terminal (staff: only their own)" }) terminalId?: string | null;
  @Field(() => LogResult, { nullable: true }) result?: LogResult | null;
  @Field(() => LogAction, { nullable: true }) action?: LogAction | null;
}

@ObjectType({ description: 'One scan or redeem attempt, allowed or denied' })
export class RedemptionLogEntry {
  @Field(() => ID) id!: number;
  @Field() at!: Date;
  @Field(() => LogAction) action!: string;
  @Field(() => LogResult) result!: string;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => ID) terminalId!: number;
  @Field() terminalCode!: string;
  @Field() terminalName!: string;
  @Field() staffUsername!: string;
  @Field() staffName!: string;
  @Field(() => String, { nullable: true }) ticketCode!: string | null;
  @Field(() => String, { nullable: true }) productName!: string | null;
  @Field(() => ID, { nullable: true }) lineId!: number | null;
  @Field(() => String, { nullable: true }) lineName!: string | null;
  @Field(() => String, { nullable: true, description: 'T (ticket QR) or O (order QR)' }) qrTyp!: string | null;
  @Field(() => String, { nullable: true }) qrRef!: string | null;
  @Field(() => ID, { nullable: true }) redemptionId!: number | null;
}

@ObjectType()
export class RedemptionLogPage {
  @Field(() => [RedemptionLogEntry]) entries!: RedemptionLogEntry[];
  @Field(() => String, { nullable: true, description: 'Pass as "after" for the next page' }) nextCursor!: string | null;
}

@ObjectType({ description: 'A departure (班次) a ferry or bus gate boards, with expected and boarded counts of this merchant' })
export class Departure {
  @Field(() => ID) tripId!: number;
  @Field() routeCode!: string;
  @Field({ description: 'BUS or FERRY' }) mode!: string;
  @Field() originZh!: string;
  @Field() originEn!: string;
  @Field() destinationZh!: string;
  @Field() destinationEn!: string;
  @Field() departureAt!: Date;
  @Field() arrivalAt!: Date;
  @Field() status!: string;
  @Field(() => Int, { description: 'Tickets of this departure with a line of this merchant, ACTIVE or REDEEMED' }) expected!: number;
  @Field(() => Int, { description: 'Of those, the tickets this merchant has redeemed' }) boarded!: number;
}
