import { Field, Int, ObjectType } from "type-graphql";
import { ItemEdge } from "./item.type.js";
import { PageInfo } from "./page-info.type.js";

@ObjectType({ description: "A page of Items, in the order the field that returns it says (`Query.items`: newest status change first; `User.items`: most recently linked first)." })
export class ItemConnection {
  @Field(() => [ItemEdge], { description: "The Items of this page, in the connection's order; empty when none match or none are left." })
  edges!: ItemEdge[];

  @Field(() => PageInfo, { description: "Whether more Items follow, and the cursor to ask for them." })
  pageInfo!: PageInfo;

  @Field(() => Int, { description: "Items matching the filter, across all pages." })
  totalCount!: number;
}
