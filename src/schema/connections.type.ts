import { Field, Int, ObjectType } from "type-graphql";
import { ItemEdge } from "./item.type.js";
import { PageInfo } from "./page-info.type.js";

@ObjectType({ description: "A page of Items." })
export class ItemConnection {
  @Field(() => [ItemEdge])
  edges!: ItemEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { description: "Items matching the filter, across all pages." })
  totalCount!: number;
}
