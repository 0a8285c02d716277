import { Field, ObjectType } from "type-graphql";

@ObjectType("PlaidError", { description: "An error Plaid reports for an Item." })
export class PlaidErrorType {
  @Field(() => String, { description: "Plaid's error_type, e.g. ITEM_ERROR." })
  errorType!: string;

  @Field(() => String, { description: "Plaid's error_code, e.g. ITEM_LOGIN_REQUIRED." })
  errorCode!: string;

  @Field(() => String, { nullable: true, description: "More detail for OAuth errors (OAUTH_INVALID_TOKEN, OAUTH_CONSENT_EXPIRED, OAUTH_USER_REVOKED)." })
  errorCodeReason!: string | null;

  @Field(() => String, { description: "Developer-facing message; not stable." })
  message!: string;

  @Field(() => String, { nullable: true, description: "A message fit to show the user, when Plaid gives one." })
  displayMessage!: string | null;
}
