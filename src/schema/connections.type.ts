import { Field, Int, ObjectType } from "type-graphql";
import { ItemEdge } from "./item.type.js";
import { PageInfo } from "./page-info.type.js";

@ObjectType({ description: "A page of Items, newest status change first." })
export class ItemConnection {
  @Field(() => [ItemEdge], { description: "The Items of this page, newest status change first; empty when none match." })
  edges!: ItemEdge[];

  @Field(() => PageInfo, { description: "Whether more Items follow, and the cursor to ask for them." })
  pageInfo!: PageInfo;

  @Field(() => Int, { description: "Items matching the filter, across all pages." })
  totalCount!: number;
}
