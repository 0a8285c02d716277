import { Arg, Args, Authorized, Ctx, ID, Query, Resolver } from "type-graphql";
import type { GatewayContext } from "./context.js";
import type { UserRecord } from "../domain/user.js";
import type { ItemSnapshot } from "../domain/item.js";
import { ItemConnection } from "../schema/connections.type.js";
import { Item } from "../schema/item.type.js";
import { ItemListArgs } from "../schema/item-list.args.js";
import { User } from "../schema/user.type.js";

@Resolver()
export class QueryResolver {
  @Query(() => User, { description: "The signed-in user (created on first use from the token's subject)." })
  viewer(@Ctx() ctx: GatewayContext): Promise<UserRecord> {
    return ctx.user();
  }

  @Query(() => Item, { nullable: true, description: "An Item the viewer may see (its owner, or an admin). Null when it does not exist or is not visible; the two read alike." })
  item(@Arg("id", () => ID, { description: "The Item's id (Plaid's item_id, as in `Item.id`)." }) id: string, @Ctx() ctx: GatewayContext): Promise<ItemSnapshot | null> {
    return ctx.services.items.visible(ctx, id);
  }

  @Authorized("ADMIN")
  @Query(() => ItemConnection, { description: "Admin only (anyone else gets FORBIDDEN). Items across all users, newest status change first, for operations dashboards." })
  items(@Args(() => ItemListArgs) { status, first, after }: ItemListArgs, @Ctx() ctx: GatewayContext) {
    return ctx.services.items.all(ctx, status, first ?? 50, after);
  }

  @Authorized("ADMIN")
  @Query(() => User, {
    nullable: true,
    description: "Admin only (anyone else gets FORBIDDEN). A user by the application's own user id; null when the gateway has never seen them.",
  })
  user(
    @Arg("clientUserId", () => String, { description: "The application's user id: the subject of the user's token, as in `User.clientUserId`." }) clientUserId: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<UserRecord | null> {
    return ctx.services.users.findByClientUserId(clientUserId);
  }
}
