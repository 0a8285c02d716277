import { Field, InputType } from "type-graphql";
import { COUNTRY_CODES_DESCRIPTION, LANGUAGE_DESCRIPTION, LINK_CUSTOMIZATION_NAME_DESCRIPTION, REDIRECT_URI_DESCRIPTION } from "./descriptions/link-options.js";

@InputType({
  description:
    "Options for a Link token that connects a new Item. Each value is checked before Plaid is called; a bad one is BAD_USER_INPUT naming the field in `extensions.argument`.",
})
export class CreateLinkTokenInput {
  @Field(() => [String], {
    description:
      'Plaid products to initialize, e.g. ["transactions"]. At least one; each a product name as Plaid spells it (lower-case, e.g. `transactions`, `auth`, `identity`, `investments`, `liabilities`, `assets`), listed once. ' +
      "`balance` is refused: it comes with any product that returns accounts.",
  })
  products!: string[];

  @Field(() => [String], {
    nullable: true,
    defaultValue: ["US"],
    description: `${COUNTRY_CODES_DESCRIPTION} Kept with the Item, they decide what update mode can offer it later (no account selection for UK or EU users). Null or omitted: ["US"].`,
  })
  countryCodes?: string[] | null;

  @Field(() => String, { nullable: true, defaultValue: "en", description: `${LANGUAGE_DESCRIPTION} Null or omitted: en.` })
  language?: string | null;

  @Field(() => String, { nullable: true, description: REDIRECT_URI_DESCRIPTION })
  redirectUri?: string | null;

  @Field(() => String, { nullable: true, description: LINK_CUSTOMIZATION_NAME_DESCRIPTION })
  linkCustomizationName?: string | null;
}
