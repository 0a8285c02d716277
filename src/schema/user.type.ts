import { Field, ID, ObjectType } from "type-graphql";
import { Item } from "./item.type.js";
import { DateTimeISO } from "./scalars.js";

@ObjectType({ description: "A user of the application, known by the token's subject." })
export class User {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: "The application's user id (the token's subject); sent to Plaid as client_user_id." })
  clientUserId!: string;

  @Field(() => [Item], { description: "The user's Items, most recently linked first. Removed Items appear only when REMOVED is asked for." })
  items!: Item[];

  @Field(() => DateTimeISO)
  createdAt!: Date;
}
