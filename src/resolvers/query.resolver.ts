import { Arg, Authorized, Ctx, ID, Int, Query, Resolver } from "type-graphql";
import type { GatewayContext } from "./context.js";
import type { UserRecord } from "../domain/user.js";
import type { ItemSnapshot, ItemStatus as ItemStatusValue } from "../domain/item.js";
import { ItemConnection } from "../schema/connections.type.js";
import { ItemStatus } from "../schema/enums.js";
import { Item } from "../schema/item.type.js";
import { User } from "../schema/user.type.js";

@Resolver()
export class QueryResolver {
  @Query(() => User, { description: "The signed-in user (created on first use from the token's subject)." })
  viewer(@Ctx() ctx: GatewayContext): Promise<UserRecord> {
    return ctx.user();
  }

  @Query(() => Item, { nullable: true, description: "An Item the viewer may see (its owner, or an admin). Null when it does not exist or is not visible." })
  item(@Arg("id", () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<ItemSnapshot | null> {
    return ctx.services.items.visible(ctx, id);
  }

  @Authorized("ADMIN")
  @Query(() => ItemConnection, { description: "Admin only. Items across all users, newest status change first, for operations dashboards." })
  items(
    @Arg("status", () => [ItemStatus], { nullable: true }) status: ItemStatusValue[] | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: GatewayContext,
  ) {
    return ctx.services.items.all(ctx, status, first ?? 50, after);
  }

  @Authorized("ADMIN")
  @Query(() => User, { nullable: true, description: "Admin only. A user by the application's own user id." })
  user(@Arg("clientUserId", () => String) clientUserId: string, @Ctx() ctx: GatewayContext): Promise<UserRecord | null> {
    return ctx.services.users.findByClientUserId(clientUserId);
  }
}
