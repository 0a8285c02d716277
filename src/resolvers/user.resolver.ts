import { Arg, Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { GatewayContext } from "./context.js";
import type { UserRecord } from "../domain/user.js";
import type { ItemSnapshot, ItemStatus as ItemStatusValue } from "../domain/item.js";
import { ItemStatus } from "../schema/enums.js";
import { Item } from "../schema/item.type.js";
import { User } from "../schema/user.type.js";

@Resolver(() => User)
export class UserResolver {
  @FieldResolver(() => [Item])
  items(@Root() user: UserRecord, @Arg("status", () => [ItemStatus], { nullable: true }) status: ItemStatusValue[] | null, @Ctx() ctx: GatewayContext): Promise<ItemSnapshot[]> {
    return ctx.services.items.ofUser(ctx, user.id, status);
  }
}
