import { Field, ObjectType } from "type-graphql";
import { DateTimeISO } from "./scalars.js";

@ObjectType({ description: "A short-lived token to open Plaid Link with (from /link/token/create)." })
export class LinkToken {
  @Field(() => String, {
    description:
      "Plaid's link_token (`link-<environment>-…`): pass it as `token` to Plaid Link. Use it once (Sandbox allows more) and before `expiration`; for another session, ask for a new one.",
  })
  linkToken!: string;

  @Field(() => DateTimeISO, { description: "When the token expires (Plaid's `expiration`; UTC): 4 hours for new Items, 30 minutes in update mode." })
  expiration!: Date;

  @Field(() => String, { description: "Plaid's request_id, for support." })
  requestId!: string;
}
