import { Field, ID, InputType } from "type-graphql";
import { COUNTRY_CODES_DESCRIPTION, LANGUAGE_DESCRIPTION, LINK_CUSTOMIZATION_NAME_DESCRIPTION, REDIRECT_URI_DESCRIPTION } from "./descriptions/link-options.js";
import {
  ACCOUNT_FILTERS_DESCRIPTION,
  ACCOUNT_SELECTION_ENABLED_DESCRIPTION,
  ADDITIONAL_CONSENTED_PRODUCTS_DESCRIPTION,
  FILTER_DESCRIPTIONS,
  ITEM_ID_DESCRIPTION,
  PRODUCTS_DESCRIPTION,
  REAUTHORIZATION_ENABLED_DESCRIPTION,
  TRANSFER_AUTHORIZATION_ID_DESCRIPTION,
  UPDATE_INPUT_DESCRIPTION,
  USER_DESCRIPTION,
} from "./descriptions/update-link-token.js";

@InputType({ description: "Account types and subtypes Link shows in account selection; a type left out is hidden." })
export class AccountFiltersInput {
  @Field(() => [String], { nullable: true, description: FILTER_DESCRIPTIONS.depository })
  depository?: string[] | null;

  @Field(() => [String], { nullable: true, description: FILTER_DESCRIPTIONS.credit })
  credit?: string[] | null;

  @Field(() => [String], { nullable: true, description: FILTER_DESCRIPTIONS.loan })
  loan?: string[] | null;

  @Field(() => [String], { nullable: true, description: FILTER_DESCRIPTIONS.investment })
  investment?: string[] | null;

  @Field(() => [String], { nullable: true, description: FILTER_DESCRIPTIONS.other })
  other?: string[] | null;
}

@InputType({ description: "The period of bank statements to collect (dates as YYYY-MM-DD)." })
export class StatementsInput {
  @Field(() => String, { description: "The first day of the period, as YYYY-MM-DD, not after endDate; anything else is BAD_USER_INPUT." })
  startDate!: string;

  @Field(() => String, { description: "The last day of the period, as YYYY-MM-DD, not before startDate; anything else is BAD_USER_INPUT." })
  endDate!: string;
}

@InputType({ description: UPDATE_INPUT_DESCRIPTION })
export class CreateUpdateLinkTokenInput {
  @Field(() => ID, { nullable: true, description: ITEM_ID_DESCRIPTION })
  itemId?: string | null;

  @Field(() => Boolean, { nullable: true, description: USER_DESCRIPTION })
  user?: boolean | null;

  @Field(() => String, { nullable: true, description: TRANSFER_AUTHORIZATION_ID_DESCRIPTION })
  transferAuthorizationId?: string | null;

  @Field(() => Boolean, { nullable: true, description: ACCOUNT_SELECTION_ENABLED_DESCRIPTION })
  accountSelectionEnabled?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: REAUTHORIZATION_ENABLED_DESCRIPTION })
  reauthorizationEnabled?: boolean | null;

  @Field(() => AccountFiltersInput, { nullable: true, description: ACCOUNT_FILTERS_DESCRIPTION })
  accountFilters?: AccountFiltersInput | null;

  @Field(() => [String], { nullable: true, description: ADDITIONAL_CONSENTED_PRODUCTS_DESCRIPTION })
  additionalConsentedProducts?: string[] | null;

  @Field(() => [String], { nullable: true, description: PRODUCTS_DESCRIPTION })
  products?: string[] | null;

  @Field(() => String, { nullable: true, description: LINK_CUSTOMIZATION_NAME_DESCRIPTION })
  linkCustomizationName?: string | null;

  @Field(() => String, { nullable: true, description: REDIRECT_URI_DESCRIPTION })
  redirectUri?: string | null;

  @Field(() => [String], {
    nullable: true,
    description: `${COUNTRY_CODES_DESCRIPTION} With a UK or EU code, accountSelectionEnabled is refused. Defaults to the countries the Item was linked for (with itemId), else ["US"].`,
  })
  countryCodes?: string[] | null;

  @Field(() => String, { nullable: true, description: `${LANGUAGE_DESCRIPTION} Defaults to en.` })
  language?: string | null;

  @Field(() => StatementsInput, {
    nullable: true,
    description: "Required when products includes statements. Missing then, or given without statements in products, it is BAD_USER_INPUT.",
  })
  statements?: StatementsInput | null;
}
