import { Field, ObjectType } from "type-graphql";

@ObjectType({ description: "Relay page information: whether another page follows, and the cursor to ask for it." })
export class PageInfo {
  @Field(() => Boolean, { description: "True when more entries follow this page: ask for them with `after: endCursor`." })
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: "Pass as `after` for the next page. The cursor of this page's last edge; null when the page is empty." })
  endCursor!: string | null;
}
