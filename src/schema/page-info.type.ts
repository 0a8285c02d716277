import { Field, ObjectType } from "type-graphql";

@ObjectType({ description: "Relay page information: whether entries come before and after this page, and the cursors of its first and last edges." })
export class PageInfo {
  @Field(() => Boolean, { description: "True when more entries follow this page: ask for them with `after: endCursor`." })
  hasNextPage!: boolean;

  @Field(() => Boolean, {
    description: "True when entries come before this page, that is when it was asked for with `after`. Pages are read forward only: there is no `before`/`last`.",
  })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: "The cursor of this page's first edge; null when the page is empty." })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: "Pass as `after` for the next page. The cursor of this page's last edge; null when the page is empty." })
  endCursor!: string | null;
}
