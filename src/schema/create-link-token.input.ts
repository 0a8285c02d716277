import { Field, InputType } from "type-graphql";

@InputType({ description: "Options for a Link token that connects a new Item." })
export class CreateLinkTokenInput {
  @Field(() => [String], { description: 'Plaid products to initialize, e.g. ["transactions"].' })
  products!: string[];

  @Field(() => [String], { nullable: true, defaultValue: ["US"] })
  countryCodes?: string[] | null;

  @Field(() => String, { nullable: true, defaultValue: "en" })
  language?: string | null;

  @Field(() => String, { nullable: true, description: "OAuth redirect URI registered with Plaid (https in production)." })
  redirectUri?: string | null;

  @Field(() => String, { nullable: true })
  linkCustomizationName?: string | null;
}
