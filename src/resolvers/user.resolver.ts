import { Args, Ctx, FieldResolver, ID, Resolver, Root } from "type-graphql";
import type { GatewayContext } from "./context.js";
import { userNodeId } from "../services/node-ids.js";
import type { UserRecord } from "../domain/user.js";
import { ItemConnection } from "../schema/connections.type.js";
import { ItemListArgs } from "../schema/item-list.args.js";
import { User } from "../schema/user.type.js";

@Resolver(() => User)
export class UserResolver {
  @FieldResolver(() => ID)
  id(@Root() user: UserRecord): string {
    return userNodeId(user.id);
  }

  @FieldResolver(() => ItemConnection)
  items(@Root() user: UserRecord, @Args(() => ItemListArgs) { status, first, after }: ItemListArgs, @Ctx() ctx: GatewayContext) {
    return ctx.services.items.ofUser(ctx, user.id, status, first ?? 50, after);
  }
}
