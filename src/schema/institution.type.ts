import { Field, ID, ObjectType } from "type-graphql";

@ObjectType({ description: "The financial institution an Item connects to (from /item/get)." })
export class Institution {
  @Field(() => ID, { description: "Plaid's institution_id, e.g. `ins_109508` (First Platypus Bank in Sandbox)." })
  id!: string;

  @Field(() => String, { nullable: true, description: "The institution's name, fit to show (Plaid's `institution_name`); null when Plaid gives none." })
  name!: string | null;
}
