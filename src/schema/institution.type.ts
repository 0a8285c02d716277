import { Field, ID, ObjectType } from "type-graphql";

@ObjectType({ description: "The financial institution an Item connects to." })
export class Institution {
  @Field(() => ID, { description: "Plaid's institution_id." })
  id!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;
}
