import { Field, ID, Int, ObjectType } from "type-graphql";
import { AccountType, ConsentEventCode, ConsentEventType, ConsentInitiator } from "./enums.js";
import { Node } from "./node.interface.js";
import { PageInfo } from "./page-info.type.js";
import { DateTimeISO } from "./scalars.js";

@ObjectType({ description: "An account covered by a consent event (an entry of Plaid's `consented_accounts`), as it was when the event was recorded." })
export class ConsentedAccount {
  @Field(() => ID, { description: "Plaid's account_id; the same id as `Account.id` while the Item shares the account. Empty when Plaid leaves it out." })
  accountId!: string;

  @Field(() => String, { nullable: true, description: "Last 2-4 characters of the account number; null when Plaid gives none." })
  mask!: string | null;

  @Field(() => String, { nullable: true, description: "The account's name, as the user or the institution gave it; null when Plaid gives none." })
  name!: string | null;

  @Field(() => String, { nullable: true, description: "The institution's official name for the account; null when Plaid gives none." })
  officialName!: string | null;

  @Field(() => AccountType, { nullable: true, description: "The kind of account; null when Plaid gives none." })
  type!: keyof typeof AccountType | null;

  @Field(() => String, {
    nullable: true,
    description: "Plaid's `subtype`, lower-case, e.g. `checking` or `credit card`. Plaid's list is open: expect values not listed here. Null when Plaid gives none.",
  })
  subtype!: string | null;
}

@ObjectType({
  description:
    "One entry of Plaid's consent log for an Item (from /consent/events/get). Plaid keeps the log from 2024-11-07 on, for up to 3 years, and events of the last 12 hours may not be listed yet. " +
    "An entry without a time, or whose type, code or initiator this schema does not know, is left out.",
  implements: Node,
})
export class ConsentEvent implements Node {
  @Field(() => ID, {
    description: "The event's global id (`node(id:)`). Plaid gives consent events no id: this one is made from the event's content, so it stays the same on every read.",
  })
  id!: string;

  @Field(() => ID, { description: "Plaid's item_id of the Item the event is about (the Item's `id`)." })
  itemId!: string;

  @Field(() => DateTimeISO, { description: "When the event happened, by Plaid's clock (Plaid's `created_at`; UTC)." })
  createdAt!: Date;

  @Field(() => ConsentEventType, { description: "Whether consent was granted, updated or revoked." })
  eventType!: keyof typeof ConsentEventType;

  @Field(() => ConsentEventCode, { description: "What the event is about: the agreement, use cases, data scopes, accounts or a revocation." })
  eventCode!: keyof typeof ConsentEventCode;

  @Field(() => String, {
    nullable: true,
    description: "Plaid's institution_id of the Item's institution; null for Items without an institution connection (Same-Day Micro-deposits).",
  })
  institutionId!: string | null;

  @Field(() => String, { nullable: true, description: "The institution's name; null for Items without an institution connection (Same-Day Micro-deposits)." })
  institutionName!: string | null;

  @Field(() => ConsentInitiator, { description: "Who started the change." })
  initiator!: keyof typeof ConsentInitiator;

  @Field(() => [String], {
    description:
      "The full list of use cases the user had consented to as of this event, as Plaid words them in Link (e.g. `Track and manage your finances`). Plaid fills it on USE_CASES events; on others it is usually empty. Plaid's list is open: expect values not listed here.",
  })
  consentedUseCases!: string[];

  @Field(() => [String], {
    description:
      "The full list of data scopes the user had consented to as of this event (e.g. `account_balance_info`, `contact_info`, `transactions`). Plaid fills it on DATA_SCOPES events; on others it is usually empty. Plaid's list is open: expect values not listed here.",
  })
  consentedDataScopes!: string[];

  @Field(() => [ConsentedAccount], {
    description: "The full list of accounts the user shared as of this event. Plaid fills it on ACCOUNT_SCOPES events; on others it is usually empty.",
  })
  consentedAccounts!: ConsentedAccount[];
}

@ObjectType({ description: "One consent event in a page, with its cursor." })
export class ConsentEventEdge {
  @Field(() => String, { description: "This event's position in the list; pass it as `after` to get the events after it. Opaque: do not build or parse it." })
  cursor!: string;

  @Field(() => ConsentEvent, { description: "The consent event." })
  node!: ConsentEvent;
}

@ObjectType({ description: "A page of consent events, newest first." })
export class ConsentEventConnection {
  @Field(() => [ConsentEventEdge], { description: "The events of this page, newest first; empty when none match." })
  edges!: ConsentEventEdge[];

  @Field(() => PageInfo, { description: "Whether more events follow, and the cursor to ask for them." })
  pageInfo!: PageInfo;

  @Field(() => Int, { description: "Events matching the filter, across all pages." })
  totalCount!: number;
}
