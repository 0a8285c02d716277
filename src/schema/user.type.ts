import { Field, ID, ObjectType } from "type-graphql";
import { ItemConnection } from "./connections.type.js";
import { Node } from "./node.interface.js";
import { DateTimeISO } from "./scalars.js";

@ObjectType({ description: "A user of the application, known by the token's subject. The gateway creates it on first use.", implements: Node })
export class User implements Node {
  @Field(() => ID, { description: "The user's global id (`node(id:)`), made by the gateway; not the token's subject, which is `clientUserId`." })
  id!: string;

  @Field(() => String, { description: "The application's user id (the token's subject); sent to Plaid as client_user_id." })
  clientUserId!: string;

  @Field(() => ItemConnection, { description: "The user's Items, most recently linked first, a page at a time. Removed Items appear only when REMOVED is asked for." })
  items!: ItemConnection;

  @Field(() => DateTimeISO, { description: "When the gateway created the user, on first use of their token's subject (UTC)." })
  createdAt!: Date;
}
