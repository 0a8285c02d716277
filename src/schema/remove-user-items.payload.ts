import { Field, ID, ObjectType } from "type-graphql";

@ObjectType({ description: "The Items removed together." })
export class RemoveUserItemsPayload {
  @Field(() => [ID])
  removedItemIds!: string[];

  @Field(() => String, { nullable: true, description: "Plaid's request_id, for support." })
  requestId!: string | null;
}
