import { Field, ID, ObjectType } from "type-graphql";
import { ItemStatus } from "./enums.js";
import { Item } from "./item.type.js";
import { PageInfo } from "./page-info.type.js";
import { PlaidErrorType } from "./plaid-error.type.js";
import { DateTimeISO } from "./scalars.js";

@ObjectType({ description: "One change of an Item's state, as recorded in the gateway's event log." })
export class ItemStatusEvent {
  @Field(() => String, { description: "Position in the event log; pass it as `after` to resume." })
  cursor!: string;

  @Field(() => ID)
  itemId!: string;

  @Field(() => Item)
  item!: Item;

  @Field(() => ItemStatus, { nullable: true })
  previousStatus!: keyof typeof ItemStatus | null;

  @Field(() => ItemStatus)
  status!: keyof typeof ItemStatus;

  @Field(() => String, {
    description: "What caused it: a webhook code (ERROR, LOGIN_REPAIRED, …) or a gateway action (UPDATE_COMPLETED, REMOVED, RECONCILED, LINKED).",
  })
  cause!: string;

  @Field(() => PlaidErrorType, { nullable: true })
  error!: PlaidErrorType | null;

  @Field(() => DateTimeISO)
  occurredAt!: Date;
}

@ObjectType()
export class ItemStatusEventEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => ItemStatusEvent)
  node!: ItemStatusEvent;
}

@ObjectType({ description: "A page of Item status events." })
export class ItemStatusEventConnection {
  @Field(() => [ItemStatusEventEdge])
  edges!: ItemStatusEventEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
