import { Ctx, FieldResolver, ID, Resolver, Root } from "type-graphql";
import type { GatewayContext } from "./context.js";
import type { ItemEvent } from "../domain/item-event.js";
import { eventCursor } from "../domain/cursor.js";
import type { ItemSnapshot } from "../domain/item.js";
import { itemStatusEventNodeId } from "../services/node-ids.js";
import { ItemStatusEvent } from "../schema/item-status-event.type.js";
import { Item } from "../schema/item.type.js";

@Resolver(() => ItemStatusEvent)
export class ItemStatusEventResolver {
  @FieldResolver(() => ID)
  id(@Root() event: ItemEvent): string {
    return itemStatusEventNodeId(event.sequence);
  }

  @FieldResolver(() => String)
  cursor(@Root() event: ItemEvent): string {
    return eventCursor(event.sequence);
  }

  @FieldResolver(() => Item)
  item(@Root() event: ItemEvent, @Ctx() ctx: GatewayContext): Promise<ItemSnapshot> {
    return ctx.services.items.requireVisible(ctx, event.itemId);
  }
}
