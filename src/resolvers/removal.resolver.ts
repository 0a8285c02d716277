import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import type { GatewayContext } from "./context.js";
import type { ItemSnapshot } from "../domain/item.js";
import { Item } from "../schema/item.type.js";
import { RemoveUserItemsPayload } from "../schema/remove-user-items.payload.js";

@Resolver()
export class RemovalResolver {
  @Mutation(() => Item, { description: "Remove the Item at Plaid. The gateway keeps it as REMOVED, with its history and without its access token." })
  removeItem(@Arg("itemId", () => ID) itemId: string, @Ctx() ctx: GatewayContext): Promise<ItemSnapshot> {
    return ctx.services.removal.removeItem(ctx, itemId);
  }

  @Mutation(() => RemoveUserItemsPayload, { description: "Remove several of the viewer's Items at once. All must belong to the viewer, or nothing is removed." })
  removeUserItems(@Arg("itemIds", () => [ID]) itemIds: string[], @Ctx() ctx: GatewayContext): Promise<RemoveUserItemsPayload> {
    return ctx.services.removal.removeUserItems(ctx, itemIds);
  }
}
