import { Field, ID, ObjectType } from "type-graphql";
import { AccountType } from "./enums.js";

@ObjectType({ description: "An account the user shares through the Item (from /accounts/get). Plaid lists only the Item's active accounts." })
export class Account {
  @Field(() => ID, { description: "Plaid's account_id: stable for the account within this Item (case-sensitive)." })
  id!: string;

  @Field(() => String, { description: "The account's name, as the user or the institution gave it (Plaid's `name`); fit to show." })
  name!: string;

  @Field(() => String, { nullable: true, description: "The institution's official name for the account (Plaid's `official_name`); null when the institution gives none." })
  officialName!: string | null;

  @Field(() => String, { nullable: true, description: "Last 2-4 characters of the account number (Plaid's `mask`); null when the institution gives none." })
  mask!: string | null;

  @Field(() => AccountType, { description: "The kind of account (Plaid's `type`); the finer kind is in `subtype`." })
  type!: keyof typeof AccountType;

  @Field(() => String, {
    nullable: true,
    description:
      "Plaid's `subtype`, lower-case as Plaid sends it, e.g. `checking`, `savings`, `credit card`, `mortgage`, `401k`. Plaid's list is open: expect values not listed here. Null when Plaid gives none.",
  })
  subtype!: string | null;
}
