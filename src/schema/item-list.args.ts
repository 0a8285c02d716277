import { ArgsType, Field, Int } from "type-graphql";
import type { ItemStatus as ItemStatusValue } from "../domain/item.js";
import { ItemStatus } from "./enums.js";

/** The arguments of both Item lists: the viewer's (`User.items`) and everyone's (`Query.items`, admins). */
@ArgsType()
export class ItemListArgs {
  @Field(() => [ItemStatus], { nullable: true, description: "Only Items in these statuses. Null, omitted or empty: every status but REMOVED." })
  status?: ItemStatusValue[] | null;

  @Field(() => Int, {
    nullable: true,
    defaultValue: 50,
    description: "Items per page: 0 to 100 (default 50); another value is BAD_USER_INPUT. A larger page also counts for more against the operation's cost limit.",
  })
  first?: number | null;

  @Field(() => String, {
    nullable: true,
    description: "The `endCursor` of the previous page, for the next one; another value is BAD_USER_INPUT. Null or omitted: the first page.",
  })
  after?: string | null;
}
