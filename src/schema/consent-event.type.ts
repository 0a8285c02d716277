import { Field, ID, Int, ObjectType } from "type-graphql";
import { AccountType, ConsentEventCode, ConsentEventType, ConsentInitiator } from "./enums.js";
import { PageInfo } from "./page-info.type.js";
import { DateTimeISO } from "./scalars.js";

@ObjectType({ description: "An account covered by a consent event." })
export class ConsentedAccount {
  @Field(() => ID)
  accountId!: string;

  @Field(() => String, { nullable: true })
  mask!: string | null;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true })
  officialName!: string | null;

  @Field(() => AccountType, { nullable: true })
  type!: keyof typeof AccountType | null;

  @Field(() => String, { nullable: true })
  subtype!: string | null;
}

@ObjectType({ description: "One entry of Plaid's consent log for an Item." })
export class ConsentEvent {
  @Field(() => ID)
  itemId!: string;

  @Field(() => DateTimeISO)
  createdAt!: Date;

  @Field(() => ConsentEventType)
  eventType!: keyof typeof ConsentEventType;

  @Field(() => ConsentEventCode)
  eventCode!: keyof typeof ConsentEventCode;

  @Field(() => String, { nullable: true })
  institutionId!: string | null;

  @Field(() => String, { nullable: true })
  institutionName!: string | null;

  @Field(() => ConsentInitiator)
  initiator!: keyof typeof ConsentInitiator;

  @Field(() => [String])
  consentedUseCases!: string[];

  @Field(() => [String])
  consentedDataScopes!: string[];

  @Field(() => [ConsentedAccount])
  consentedAccounts!: ConsentedAccount[];
}

@ObjectType()
export class ConsentEventEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => ConsentEvent)
  node!: ConsentEvent;
}

@ObjectType({ description: "A page of consent events." })
export class ConsentEventConnection {
  @Field(() => [ConsentEventEdge])
  edges!: ConsentEventEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { description: "Events matching the filter, across all pages." })
  totalCount!: number;
}
