import { Field, ObjectType } from "type-graphql";
import { DateTimeISO } from "./scalars.js";

@ObjectType({ description: "A short-lived token to open Plaid Link with." })
export class LinkToken {
  @Field(() => String)
  linkToken!: string;

  @Field(() => DateTimeISO, { description: "4 hours for new Items, 30 minutes in update mode." })
  expiration!: Date;

  @Field(() => String, { description: "Plaid's request_id, for support." })
  requestId!: string;
}
