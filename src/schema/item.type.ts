import { Field, ID, ObjectType } from "type-graphql";
import { Account } from "./account.type.js";
import { ConsentEventConnection } from "./consent-event.type.js";
import { ItemAction, ItemStatus, ItemUpdateType } from "./enums.js";
import { Institution } from "./institution.type.js";
import { ItemStatusEventConnection } from "./item-status-event.type.js";
import { Node } from "./node.interface.js";
import { PlaidErrorType } from "./plaid-error.type.js";
import { DateTimeISO } from "./scalars.js";
import { User } from "./user.type.js";

/** What a field Plaid answers means when null: said alike on every such field. */
const NULL_WHEN_PLAID_CANNOT_ANSWER =
  "When Plaid cannot answer now (the Item needs its user, a rate limit, an outage), the last answer Plaid gave is served and `extensions.staleData` names it. " +
  "Null only when Plaid cannot answer and no earlier answer is kept: an error at this field's path then says why (`extensions.code`, `extensions.itemId`), and the rest of the Item and its sibling Items are still served.";

const ACCOUNTS_DESCRIPTION = `The accounts shared through the Item (from /accounts/get; empty once removed). ${NULL_WHEN_PLAID_CANNOT_ANSWER}`;

const CONSENT_EVENTS_DESCRIPTION = `Plaid's consent log for this Item (from /consent/events/get), newest first (empty once removed). ${NULL_WHEN_PLAID_CANNOT_ANSWER}`;
@ObjectType({
  description:
    "A connection to one financial institution for one user (a Plaid Item). Never exposes its access token. " +
    "Its own fields are served from the gateway's stored copy of the Item (kept from Plaid's /item/get, webhooks and call answers), re-read from /item/get when older than ITEM_SNAPSHOT_MAX_AGE_SECONDS; " +
    "when Plaid cannot answer, the stored copy is served and `extensions.staleData` names it.",
  implements: Node,
})
export class Item implements Node {
  @Field(() => ID, { description: "Plaid's item_id; also the Item's global id (`node(id:)`)." })
  id!: string;

  @Field(() => User, { description: "The user who linked the Item. Only they and admins see it." })
  owner!: User;

  @Field(() => Institution, {
    nullable: true,
    description:
      "The institution the Item connects to (Plaid's institution_id and institution_name); null for Items without an institution connection, such as Same-Day Micro-deposits Items.",
  })
  institution!: Institution | null;

  @Field(() => ItemStatus, {
    description: "The Item's health. It follows Plaid's webhooks and every Plaid call for the Item; `itemStatusChanged` announces each change, and `history` lists them.",
  })
  status!: keyof typeof ItemStatus;

  @Field(() => PlaidErrorType, {
    nullable: true,
    description:
      "The Item's Plaid error, when it has one (from /item/get's `item.error`, an ITEM ERROR webhook or a failed Plaid call for the Item): present while status is LOGIN_REQUIRED, PERMISSION_REVOKED or ERROR. Null when Plaid reports none.",
  })
  error!: PlaidErrorType | null;

  @Field(() => ItemAction, {
    description:
      "What the app should ask the user to do next, derived from status, flags and region (`status`, `newAccountsAvailable` and the countries the Item was linked for). Each value names the Link mode to open.",
  })
  recommendedAction!: keyof typeof ItemAction;

  @Field(() => Boolean, {
    description:
      "Plaid detected accounts the user has not shared yet (NEW_ACCOUNTS_AVAILABLE webhook). False again once `completeUpdate` finds that the shared accounts changed, or once the Item is removed.",
  })
  newAccountsAvailable!: boolean;

  @Field(() => DateTimeISO, {
    nullable: true,
    description:
      "When the user's consent expires (UK/EU and some US OAuth institutions; Plaid's consent_expiration_time from /item/get or its PENDING_EXPIRATION webhook; UTC). Null when the consent does not expire. From 7 days before it, the status is PENDING_EXPIRATION (unless a more urgent status holds).",
  })
  consentExpiresAt!: Date | null;

  @Field(() => DateTimeISO, {
    nullable: true,
    description:
      "When the institution will disconnect the Item (PENDING_DISCONNECT; `disconnect_time` of Plaid's webhook, US and Canada; UTC). Null when no disconnection is announced.",
  })
  disconnectAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Why the Item will be disconnected (INSTITUTION_MIGRATION, INSTITUTION_TOKEN_EXPIRATION; the `reason` of Plaid's PENDING_DISCONNECT webhook). Plaid's list is open: expect values not listed here. Null when no disconnection is announced.",
  })
  disconnectReason!: string | null;

  @Field(() => [ID], {
    description:
      "Accounts the user revoked at the institution (USER_ACCOUNT_REVOKED); the Item keeps working for the others. Plaid's account_id of each (as `Account.id`); empty when none.",
  })
  revokedAccountIds!: string[];

  @Field(() => [String], {
    description:
      "Products added to the Item (Plaid's `products` from /item/get), lower-case as Plaid names them, e.g. `transactions` or `auth`. Usually the same as `billedProducts`, but a product can be added before it is billed (Assets; Auth or Identity added as optional products). Plaid's list is open: expect values not listed here.",
  })
  products!: string[];

  @Field(() => [String], {
    description:
      "The products Plaid has billed for the Item (Plaid's `billed_products` from /item/get), lower-case; products billed per call, such as `balance`, never appear. Plaid's list is open: expect values not listed here.",
  })
  billedProducts!: string[];

  @Field(() => [String], {
    description:
      "Products available for the Item that have not been used yet (Plaid's `available_products`); never overlaps `billedProducts`. Plaid's list is open: expect values not listed here.",
  })
  availableProducts!: string[];

  @Field(() => [String], {
    description:
      "Products the user consented to through Plaid's Data Transparency Messaging and the app has Production access to (Plaid's `consented_products`); empty when none. Plaid's list is open: expect values not listed here.",
  })
  consentedProducts!: string[];

  @Field(() => [String], {
    description:
      "Use cases the user consented to through Data Transparency Messaging, as Plaid words them in Link (Plaid's `consented_use_cases` from /item/get, e.g. `Track and manage your finances`); empty when none. Plaid's list is open: expect values not listed here.",
  })
  consentedUseCases!: string[];

  @Field(() => [String], {
    description:
      "Data scopes the user consented to (Plaid's `consented_data_scopes` from /item/get), e.g. `account_balance_info`, `contact_info`, `account_routing_number` or `transactions`; empty when none. Plaid's list is open: expect values not listed here.",
  })
  consentedDataScopes!: string[];

  @Field(() => ItemUpdateType, { description: "Whether Plaid can refresh the Item without the user present (Plaid's `update_type`)." })
  updateType!: keyof typeof ItemUpdateType;

  @Field(() => DateTimeISO, { nullable: true, description: "When Plaid created the Item (Plaid's `created_at` from /item/get; UTC). Null when Plaid does not say." })
  createdAt!: Date | null;

  @Field(() => DateTimeISO, {
    description:
      "When the gateway last confirmed this Item with Plaid (its last /item/get read; UTC). The Item is read again when this is older than ITEM_SNAPSHOT_MAX_AGE_SECONDS; `refreshItem` reads it now.",
  })
  syncedAt!: Date;

  @Field(() => DateTimeISO, {
    description: "When the status last changed, by the gateway's clock (UTC); for an Item whose status never changed, when it was linked. The admin `items` list is ordered by it.",
  })
  statusChangedAt!: Date;

  @Field(() => DateTimeISO, { nullable: true, description: "When the Item was removed (UTC); null unless its status is REMOVED." })
  removedAt!: Date | null;

  @Field(() => [Account], { nullable: true, description: ACCOUNTS_DESCRIPTION })
  accounts!: Account[] | null;

  @Field(() => ConsentEventConnection, { nullable: true, description: CONSENT_EVENTS_DESCRIPTION })
  consentEvents!: ConsentEventConnection | null;

  @Field(() => ItemStatusEventConnection, {
    description:
      "The gateway's own log of this Item's status changes, newest first, from its linking on and kept after removal. Webhooks that change its Plaid error or a warning (new accounts, consent expiry, disconnection, revoked accounts), and every completed update mode, are recorded too, even when the status stays the same.",
  })
  history!: ItemStatusEventConnection;
}

@ObjectType({ description: "One Item in a page, with its cursor." })
export class ItemEdge {
  @Field(() => String, { description: "This Item's position in the list; pass it as `after` to get the Items after it. Opaque: do not build or parse it." })
  cursor!: string;

  @Field(() => Item, { description: "The Item." })
  node!: Item;
}
