import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A one-time terminal enrolment code (shown this once; it dies on use or after 15 minutes)' })
export class TerminalEnrolmentCode {
  @Field(() => ID) terminalId!: number;
  @Field() terminalCode!: string;
  @Field({ description: 'To type on the device, e.g. ABCD-EFGH-JKMN' }) code!: string;
  @Field({ description: 'To show as a QR for the merchant app to scan (DTE1.<code>)' }) qrPayload!: string;
  @Field() expiresAt!: Date;
}

@ObjectType({ description: 'A QR verification key (raw Ed25519, base64url)' })
export class QrPublicKey {
  @Field() keyId!: string;
  @Field() publicKey!: string;
}

@ObjectType({ description: 'What an enrolled device keeps: its terminal and key, and the keys its offline bundles are signed with' })
export class TerminalEnrolment {
  @Field(() => ID) terminalId!: number;
  @Field() terminalCode!: string;
  @Field() terminalName!: string;
  @Field(() => ID) merchantId!: number;
  @Field() merchantName!: string;
  @Field({ description: 'The terminal key for staffLogin (only a hash is kept; the previous key stops working)' }) terminalKey!: string;
  @Field(() => [QrPublicKey], { description: 'Pin these: offline bundles must be signed by one of them' }) publicKeys!: QrPublicKey[];
}

@ObjectType({ description: "A signed offline bundle of the terminal's merchant (docs/redemption.md \"Offline\")" })
export class OfflineBundlePayload {
  @Field({ description: 'The bundle as JSON text: exactly the bytes that were signed' }) payload!: string;
  @Field({ description: 'Ed25519 signature of payload (UTF-8), base64url' }) signature!: string;
  @Field() keyId!: string;
  @Field(() => Float, { description: 'Pass as `since` next time for a delta (server clock, epoch ms)' }) version!: number;
  @Field({ description: 'True: replaces what the app holds; false: a delta to merge' }) full!: boolean;
  @Field(() => Int) ticketCount!: number;
  @Field(() => Int) revokedCount!: number;
  @Field({ description: 'More tickets matched than a bundle carries: the rest can only be checked online' }) truncated!: boolean;
}

@InputType({ description: 'A redemption made offline, as the terminal queued it' })
export class OfflineRedemptionInput {
  @Field({ description: 'Made by the app (a UUID) per line redeemed: a repeat changes nothing' }) scanNonce!: string;
  @Field(() => ID) ticketId!: string;
  @Field(() => ID) lineId!: string;
  @Field({ description: 'When it was scanned (terminal clock, corrected by the server offset)' }) scannedAt!: Date;
  @Field({ description: 'The QR reference the terminal verified (ticket code or order number)' }) qrRef!: string;
  @Field(() => Int, { description: 'The rotating step the terminal verified' }) qrStep!: number;
  @Field(() => ID, { nullable: true, description: 'Who was logged in on the terminal then (same merchant); default the caller' }) staffId?: string | null;
}

@InputType({ description: 'A scan the terminal refused offline (logged as a denied scan)' })
export class OfflineRefusalInput {
  @Field() scanNonce!: string;
  @Field() scannedAt!: Date;
  @Field({ description: 'The refusal code (QR_BAD_SIGNATURE, QR_STALE, NOT_IN_BUNDLE …)' }) reason!: string;
  @Field(() => String, { nullable: true }) qrRef?: string | null;
  @Field(() => ID, { nullable: true }) staffId?: string | null;
}

@ObjectType({ description: 'What became of one offline redemption' })
export class OfflineSyncOutcome {
  @Field() scanNonce!: string;
  @Field(() => ID) lineId!: number;
  @Field({ description: 'APPLIED (counted), CONFLICT (kept for a manager) or REJECTED (invalid item; fix and resend)' }) status!: string;
  @Field({ description: 'True when this item had been synced before' }) replayed!: boolean;
  @Field({ description: 'APPLIED by displacing a later offline scan into a conflict (first by scan time wins)' }) displaced!: boolean;
  @Field(() => ID, { nullable: true }) redemptionId!: number | null;
  @Field(() => ID, { nullable: true }) conflictId!: number | null;
  @Field(() => String, { nullable: true }) code!: string | null;
  @Field(() => String, { nullable: true }) message!: string | null;
}

@ObjectType({ description: 'An offline use that could not count, for a manager to resolve' })
export class RedemptionConflictEntry {
  @Field(() => ID) id!: number;
  @Field() scannedAt!: Date;
  @Field({ description: 'OPEN or RESOLVED' }) status!: string;
  @Field({ description: 'ALREADY_REDEEMED (used first elsewhere), REPLAYED_CODE, TICKET_REFUNDED …' }) reason!: string;
  @Field(() => ID) terminalId!: number;
  @Field() terminalCode!: string;
  @Field() terminalName!: string;
  @Field() staffUsername!: string;
  @Field(() => ID) ticketId!: number;
  @Field() ticketCode!: string;
  @Field() productName!: string;
  @Field(() => String, { nullable: true }) passengerName!: string | null;
  @Field(() => ID) lineId!: number;
  @Field() lineName!: string;
  @Field(() => Date, { nullable: true, description: 'When the use that counted was made' }) winnerAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'Where the use that counted was made' }) winnerTerminalCode!: string | null;
  @Field(() => String, { nullable: true }) resolutionNote!: string | null;
  @Field(() => String, { nullable: true }) resolvedBy!: string | null;
  @Field(() => Date, { nullable: true }) resolvedAt!: Date | null;
}
