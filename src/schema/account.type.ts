import { Field, ID, ObjectType } from "type-graphql";
import { AccountType } from "./enums.js";

@ObjectType({ description: "An account the user shares through the Item (from /accounts/get)." })
export class Account {
  @Field(() => ID, { description: "Plaid's account_id." })
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  officialName!: string | null;

  @Field(() => String, { nullable: true, description: "Last 2-4 characters of the account number." })
  mask!: string | null;

  @Field(() => AccountType)
  type!: keyof typeof AccountType;

  @Field(() => String, { nullable: true })
  subtype!: string | null;
}
