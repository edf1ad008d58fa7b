import { Field, ID, InputType, ObjectType } from 'type-graphql';

@InputType({ description: 'Staff login on a registered terminal' })
export class StaffLoginInput {
  @Field({ description: 'The code of the terminal this app runs on, e.g. TURBOJET-T1' }) terminalCode!: string;
  @Field({ description: 'The key the terminal was registered with' }) terminalKey!: string;
  @Field() username!: string;
  @Field() password!: string;
}

@ObjectType({ description: 'A staff member logged in on a terminal' })
export class StaffIdentity {
  @Field(() => ID) staffId!: number;
  @Field() username!: string;
  @Field() displayName!: string;
  @Field({ description: 'STAFF or MANAGER' }) role!: string;
  @Field(() => ID) merchantId!: number;
  @Field() merchantCode!: string;
  @Field() merchantName!: string;
  @Field({ description: 'FERRY_OPERATOR, BUS_OPERATOR, ATTRACTION or SERVICE (ferry and bus gates pick a departure)' }) merchantKind!: string;
  @Field(() => ID) terminalId!: number;
  @Field() terminalCode!: string;
  @Field() terminalName!: string;
}

@ObjectType({ description: 'A staff token, bound to one terminal; send it as "Authorization: Bearer <token>"' })
export class StaffSession {
  @Field() token!: string;
  @Field() expiresAt!: Date;
  @Field(() => StaffIdentity) staff!: StaffIdentity;
}

@ObjectType({ description: "A terminal of the manager's merchant" })
export class MerchantTerminal {
  @Field(() => ID) id!: number;
  @Field() code!: string;
  @Field() name!: string;
  @Field() enabled!: boolean;
}

@ObjectType({ description: "A staff account of the manager's merchant" })
export class MerchantStaffMember {
  @Field(() => ID) id!: number;
  @Field() username!: string;
  @Field() displayName!: string;
  @Field({ description: 'STAFF or MANAGER' }) role!: string;
  @Field() enabled!: boolean;
  @Field(() => Date, { nullable: true }) lastLoginAt!: Date | null;
}
