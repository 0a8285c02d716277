import { Field, ID, Int, ObjectType } from "type-graphql";
import { ItemStatus } from "./enums.js";
import { Item } from "./item.type.js";
import { Node } from "./node.interface.js";
import { PageInfo } from "./page-info.type.js";
import { PlaidErrorType } from "./plaid-error.type.js";
import { DateTimeISO } from "./scalars.js";

@ObjectType({
  description:
    "One change of an Item's state, as recorded in the gateway's event log: in `Item.history` and delivered by `itemStatusChanged`. Events are never changed or deleted, also after the Item is removed.",
  implements: Node,
})
export class ItemStatusEvent implements Node {
  @Field(() => ID, { description: "The event's global id (`node(id:)`)." })
  id!: string;

  @Field(() => String, {
    description:
      "Position in the event log; pass it as `after` to resume. To `itemStatusChanged` it means: every event after this one; to `Item.history`: the older events after this one in that list. Opaque: do not build or parse it.",
  })
  cursor!: string;

  @Field(() => ID, { description: "Plaid's item_id of the Item that changed (the Item's `id`)." })
  itemId!: string;

  @Field(() => Item, { description: "The Item as it is now, which may be later than this event (NOT_FOUND when the viewer may no longer see it)." })
  item!: Item;

  @Field(() => ItemStatus, { nullable: true, description: "The status before the change; null for the Item's first event (cause LINKED)." })
  previousStatus!: keyof typeof ItemStatus | null;

  @Field(() => ItemStatus, {
    description: "The status after the change. It may equal `previousStatus` when only the error or a warning changed, or when update mode was completed (UPDATE_COMPLETED).",
  })
  status!: keyof typeof ItemStatus;

  @Field(() => String, {
    description:
      "What caused it: a webhook code (ERROR, LOGIN_REPAIRED, …) or a gateway action (UPDATE_COMPLETED, REMOVED, RECONCILED, LINKED). " +
      "Webhook codes are Plaid's ITEM codes (ERROR, PENDING_EXPIRATION, PENDING_DISCONNECT, USER_PERMISSION_REVOKED, USER_ACCOUNT_REVOKED, LOGIN_REPAIRED, NEW_ACCOUNTS_AVAILABLE). " +
      "When a Plaid call for the Item failed with an Item error, the cause is Plaid's error code (e.g. ITEM_LOGIN_REQUIRED, or ITEM_NOT_FOUND for an Item Plaid no longer knows). " +
      "RECONCILED: a read of /item/get found the status changed. Expect values not listed here: Plaid's error and webhook codes are open lists.",
  })
  cause!: string;

  @Field(() => PlaidErrorType, { nullable: true, description: "The Item's Plaid error after the change; null when it had none." })
  error!: PlaidErrorType | null;

  @Field(() => DateTimeISO, { description: "When the gateway recorded the change (UTC). Plaid's webhooks carry no time, so this is when the gateway learned of it." })
  occurredAt!: Date;
}

@ObjectType({ description: "One status event in a page, with its cursor." })
export class ItemStatusEventEdge {
  @Field(() => String, {
    description: "The event's position in the event log, the same as `node.cursor`; pass it as `after` to get older events. Opaque: do not build or parse it.",
  })
  cursor!: string;

  @Field(() => ItemStatusEvent, { description: "The status event." })
  node!: ItemStatusEvent;
}

@ObjectType({ description: "A page of Item status events, newest first." })
export class ItemStatusEventConnection {
  @Field(() => [ItemStatusEventEdge], { description: "The events of this page, newest first; empty when there are none." })
  edges!: ItemStatusEventEdge[];

  @Field(() => PageInfo, { description: "Whether older events follow, and the cursor to ask for them." })
  pageInfo!: PageInfo;

  @Field(() => Int, { description: "How many events the Item's log holds, across all pages." })
  totalCount!: number;
}
