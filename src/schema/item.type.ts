import { Field, ID, ObjectType } from "type-graphql";
import { Account } from "./account.type.js";
import { ConsentEventConnection } from "./consent-event.type.js";
import { ItemAction, ItemStatus, ItemUpdateType } from "./enums.js";
import { Institution } from "./institution.type.js";
import { ItemStatusEventConnection } from "./item-status-event.type.js";
import { PlaidErrorType } from "./plaid-error.type.js";
import { DateTimeISO } from "./scalars.js";
import { User } from "./user.type.js";

/** What a field Plaid answers means when null: said alike on every such field. */
const NULL_WHEN_PLAID_CANNOT_ANSWER =
  "When Plaid cannot answer now (the Item needs its user, a rate limit, an outage), the last answer Plaid gave is served and `extensions.staleData` names it. " +
  "Null only when Plaid cannot answer and no earlier answer is kept: an error at this field's path then says why (`extensions.code`, `extensions.itemId`), and the rest of the Item and its sibling Items are still served.";

const ACCOUNTS_DESCRIPTION = `The accounts shared through the Item (from /accounts/get; empty once removed). ${NULL_WHEN_PLAID_CANNOT_ANSWER}`;

const CONSENT_EVENTS_DESCRIPTION = `Plaid's consent log for this Item (from /consent/events/get), newest first. ${NULL_WHEN_PLAID_CANNOT_ANSWER}`;
@ObjectType({ description: "A connection to one financial institution for one user (a Plaid Item). Never exposes its access token." })
export class Item {
  @Field(() => ID, { description: "Plaid's item_id." })
  id!: string;

  @Field(() => User)
  owner!: User;

  @Field(() => Institution, { nullable: true })
  institution!: Institution | null;

  @Field(() => ItemStatus)
  status!: keyof typeof ItemStatus;

  @Field(() => PlaidErrorType, { nullable: true, description: "The Item's Plaid error, when it has one." })
  error!: PlaidErrorType | null;

  @Field(() => ItemAction, { description: "What the app should ask the user to do next, derived from status, flags and region." })
  recommendedAction!: keyof typeof ItemAction;

  @Field(() => Boolean, { description: "Plaid detected accounts the user has not shared yet (NEW_ACCOUNTS_AVAILABLE)." })
  newAccountsAvailable!: boolean;

  @Field(() => DateTimeISO, { nullable: true, description: "When the user's consent expires (UK/EU and some OAuth institutions)." })
  consentExpiresAt!: Date | null;

  @Field(() => DateTimeISO, { nullable: true, description: "When the institution will disconnect the Item (PENDING_DISCONNECT)." })
  disconnectAt!: Date | null;

  @Field(() => String, { nullable: true, description: "Why the Item will be disconnected (INSTITUTION_MIGRATION, INSTITUTION_TOKEN_EXPIRATION)." })
  disconnectReason!: string | null;

  @Field(() => [ID], { description: "Accounts the user revoked at the institution (USER_ACCOUNT_REVOKED); the Item keeps working for the others." })
  revokedAccountIds!: string[];

  @Field(() => [String])
  products!: string[];

  @Field(() => [String])
  billedProducts!: string[];

  @Field(() => [String])
  availableProducts!: string[];

  @Field(() => [String])
  consentedProducts!: string[];

  @Field(() => [String])
  consentedUseCases!: string[];

  @Field(() => [String])
  consentedDataScopes!: string[];

  @Field(() => ItemUpdateType)
  updateType!: keyof typeof ItemUpdateType;

  @Field(() => DateTimeISO, { nullable: true, description: "When Plaid created the Item." })
  createdAt!: Date | null;

  @Field(() => DateTimeISO, { description: "When the gateway last confirmed this Item with Plaid." })
  syncedAt!: Date;

  @Field(() => DateTimeISO, { description: "When the status last changed." })
  statusChangedAt!: Date;

  @Field(() => DateTimeISO, { nullable: true, description: "When the Item was removed." })
  removedAt!: Date | null;

  @Field(() => [Account], { nullable: true, description: ACCOUNTS_DESCRIPTION })
  accounts!: Account[] | null;

  @Field(() => ConsentEventConnection, { nullable: true, description: CONSENT_EVENTS_DESCRIPTION })
  consentEvents!: ConsentEventConnection | null;

  @Field(() => ItemStatusEventConnection, { description: "The gateway's own log of this Item's status changes, newest first." })
  history!: ItemStatusEventConnection;
}

@ObjectType()
export class ItemEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Item)
  node!: Item;
}
