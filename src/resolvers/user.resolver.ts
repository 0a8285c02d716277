import { Arg, Ctx, FieldResolver, ID, Resolver, Root } from "type-graphql";
import type { GatewayContext } from "./context.js";
import { userNodeId } from "../services/node-ids.js";
import type { UserRecord } from "../domain/user.js";
import type { ItemSnapshot, ItemStatus as ItemStatusValue } from "../domain/item.js";
import { ItemStatus } from "../schema/enums.js";
import { Item } from "../schema/item.type.js";
import { User } from "../schema/user.type.js";

@Resolver(() => User)
export class UserResolver {
  @FieldResolver(() => ID)
  id(@Root() user: UserRecord): string {
    return userNodeId(user.id);
  }

  @FieldResolver(() => [Item])
  items(
    @Root() user: UserRecord,
    @Arg("status", () => [ItemStatus], { nullable: true, description: "Only Items in these statuses. Null, omitted or empty: every status but REMOVED." })
    status: ItemStatusValue[] | null,
    @Ctx() ctx: GatewayContext,
  ): Promise<ItemSnapshot[]> {
    return ctx.services.items.ofUser(ctx, user.id, status);
  }
}
