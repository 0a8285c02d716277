import { Field, ID, InputType } from "type-graphql";

@InputType({ description: "Account types and subtypes Link shows in account selection; a type left out is hidden." })
export class AccountFiltersInput {
  @Field(() => [String], { nullable: true })
  depository?: string[] | null;

  @Field(() => [String], { nullable: true })
  credit?: string[] | null;

  @Field(() => [String], { nullable: true })
  loan?: string[] | null;

  @Field(() => [String], { nullable: true })
  investment?: string[] | null;

  @Field(() => [String], { nullable: true })
  other?: string[] | null;
}

@InputType({ description: "The period of bank statements to collect (dates as YYYY-MM-DD)." })
export class StatementsInput {
  @Field(() => String)
  startDate!: string;

  @Field(() => String)
  endDate!: string;
}

@InputType({ description: "Exactly one of itemId, user or transferAuthorizationId." })
export class CreateUpdateLinkTokenInput {
  @Field(() => ID, { nullable: true, description: "Update mode for one Item (access-token mode)." })
  itemId?: string | null;

  @Field(() => Boolean, { nullable: true, description: "Update mode for the viewer as a Plaid user (update.user = true): repairs the most recently broken Item." })
  user?: boolean | null;

  @Field(() => String, { nullable: true })
  transferAuthorizationId?: string | null;

  @Field(() => Boolean, { nullable: true, description: "Let the user change which accounts the Item shares (US and Canada only)." })
  accountSelectionEnabled?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  reauthorizationEnabled?: boolean | null;

  @Field(() => AccountFiltersInput, { nullable: true, description: "Only with accountSelectionEnabled: true." })
  accountFilters?: AccountFiltersInput | null;

  @Field(() => [String], { nullable: true, description: "Products to gain consent for without billing; never balance, never one of products." })
  additionalConsentedProducts?: string[] | null;

  @Field(() => [String], {
    nullable: true,
    description: "Only credit products (assets, statements, income_verification) or product validations (auth, identity); never both.",
  })
  products?: string[] | null;

  @Field(() => String, { nullable: true })
  linkCustomizationName?: string | null;

  @Field(() => String, { nullable: true })
  redirectUri?: string | null;

  @Field(() => [String], { nullable: true, description: "Defaults to the countries the Item was linked for." })
  countryCodes?: string[] | null;

  @Field(() => String, { nullable: true, description: "Defaults to en." })
  language?: string | null;

  @Field(() => StatementsInput, { nullable: true, description: "Required when products includes statements." })
  statements?: StatementsInput | null;
}
