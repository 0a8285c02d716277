import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import type { GatewayContext } from "./context.js";
import type { ItemSnapshot } from "../domain/item.js";
import { Item } from "../schema/item.type.js";
import { RemoveUserItemsPayload } from "../schema/remove-user-items.payload.js";

@Resolver()
export class RemovalResolver {
  @Mutation(() => Item, {
    description:
      "Remove the Item at Plaid (/item/remove). The gateway keeps it as REMOVED, with its history and without its access token, and returns it, REMOVED. An Item Plaid no longer knows counts as removed.",
  })
  removeItem(
    @Arg("itemId", () => ID, {
      description: "The Item's id (Plaid's item_id). It must be an Item the viewer may see (their own; admins: any), else NOT_FOUND, and not REMOVED, else BAD_USER_INPUT.",
    })
    itemId: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<ItemSnapshot> {
    return ctx.services.removal.removeItem(ctx, itemId);
  }

  @Mutation(() => RemoveUserItemsPayload, {
    description:
      "Remove several of the viewer's Items at once, in one Plaid call (/user/items/remove). All must belong to the viewer, or nothing is removed. The payload lists them as they now are (REMOVED).",
  })
  removeUserItems(
    @Arg("itemIds", () => [ID], {
      description:
        "1 to 100 ids of the viewer's own Items that are not REMOVED (admins too: only their own), each listed once. Otherwise BAD_USER_INPUT, with the refused ids in `extensions.itemIds`, and nothing is removed.",
    })
    itemIds: string[],
    @Ctx() ctx: GatewayContext,
  ): Promise<{ removedItemIds: string[]; items: ItemSnapshot[]; requestId: string }> {
    return ctx.services.removal.removeUserItems(ctx, itemIds);
  }
}
