import { Field, ID, ObjectType } from "type-graphql";
import { Item } from "./item.type.js";

@ObjectType({ description: "The Items removed together by `removeUserItems`, in one Plaid call (/user/items/remove)." })
export class RemoveUserItemsPayload {
  @Field(() => [ID], { description: "The ids of the removed Items, in the order they were asked for." })
  removedItemIds!: string[];

  @Field(() => [Item], { description: "The removed Items as they now are (REMOVED), in the order asked for, so a normalized cache shows them removed without a refetch." })
  items!: Item[];

  @Field(() => String, { nullable: true, description: "Plaid's request_id of the /user/items/remove call, for support." })
  requestId!: string | null;
}
