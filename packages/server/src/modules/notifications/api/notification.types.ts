import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'One line of a message: the template key, its label and the value sent' })
export class NotificationField {
  @Field({ description: 'WeChat template key, e.g. thing3' }) key!: string;
  @Field() label!: string;
  @Field() value!: string;
}

@ObjectType({ description: 'A message about one of your orders or tickets, sent or not (and why)' })
export class NotificationMessage {
  @Field(() => ID) id!: number;
  @Field({ description: 'PAYMENT_SUCCESS, ORDER_CANCELLED, REFUND_RESULT, REDEMPTION_SUCCESS, ENTITLEMENT_EXPIRING, ORDER_COMPLETED' })
  kind!: string;
  @Field() title!: string;
  @Field({ description: 'PENDING, SENDING, SENT, SKIPPED_NO_CONSENT, SKIPPED_NO_OPENID, SKIPPED_NO_TEMPLATE, FAILED, DEAD, UNCONFIRMED' })
  status!: string;
  @Field(() => String, { nullable: true, description: 'Why it was not sent: NO_CONSENT, NO_OPENID, NO_TEMPLATE, USER_REFUSED, RETRIES_EXHAUSTED, INTERRUPTED …' })
  reason!: string | null;
  @Field(() => String, { nullable: true, description: 'The reason in words' }) reasonText!: string | null;
  @Field(() => [NotificationField]) fields!: NotificationField[];
  @Field(() => ID, { nullable: true }) orderId!: number | null;
  @Field(() => ID, { nullable: true }) ticketId!: number | null;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) sentAt!: Date | null;
}

@ObjectType({ description: 'A subscribe-message template the app asks consent for (wx.requestSubscribeMessage, at most 3 per call)' })
export class NotificationTemplate {
  @Field() kind!: string;
  @Field() templateId!: string;
  @Field() title!: string;
  @Field(() => [String], { description: 'Labels of its fields' }) fields!: string[];
  @Field(() => Int, { nullable: true, description: "Messages the caller's consents still allow (null when not signed in)" })
  remaining!: number | null;
}

@ObjectType({ description: "The caller's consent to one template after recording an answer" })
export class SubscribeConsent {
  @Field() templateId!: string;
  @Field(() => [String]) kinds!: string[];
  @Field(() => Int, { description: 'Messages we may still send with this template' }) remaining!: number;
}
