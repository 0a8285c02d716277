import { Field, ObjectType } from "type-graphql";

@ObjectType("PlaidError", {
  description:
    "An error Plaid reports for an Item (Plaid's error object, from /item/get, an ITEM webhook or a failed Plaid call for the Item). Branch on `errorCode`, never on `message`.",
})
export class PlaidErrorType {
  @Field(() => String, { description: "Plaid's error_type, e.g. ITEM_ERROR or INVALID_INPUT. Plaid's list is open: expect values not listed here." })
  errorType!: string;

  @Field(() => String, {
    description: "Plaid's error_code, e.g. ITEM_LOGIN_REQUIRED, USER_PERMISSION_REVOKED or ITEM_LOCKED. Plaid's list is open: expect values not listed here.",
  })
  errorCode!: string;

  @Field(() => String, {
    nullable: true,
    description: "More detail for OAuth errors (OAUTH_INVALID_TOKEN, OAUTH_CONSENT_EXPIRED, OAUTH_USER_REVOKED; Plaid's error_code_reason). Null otherwise.",
  })
  errorCodeReason!: string | null;

  @Field(() => String, { description: "Developer-facing message (Plaid's error_message); not stable: log it, but do not show it to users or match on it." })
  message!: string;

  @Field(() => String, {
    nullable: true,
    description: "A message fit to show the user, when Plaid gives one (Plaid's display_message); null when Plaid gives none, as when there is nothing the user can act on.",
  })
  displayMessage!: string | null;
}
