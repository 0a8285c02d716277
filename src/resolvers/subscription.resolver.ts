import { Arg, Ctx, ID, Resolver, Root, Subscription, type SubscribeResolverData } from "type-graphql";
import type { GatewayContext } from "./context.js";
import type { ItemEvent } from "../domain/item-event.js";
import { ItemStatusEvent } from "../schema/item-status-event.type.js";

interface ItemStatusChangedArgs {
  itemIds?: string[] | null;
  after?: string | null;
}

@Resolver()
export class SubscriptionResolver {
  @Subscription(() => ItemStatusEvent, {
    description:
      "Status changes of the viewer's Items (admins: every Item), optionally only the given Items.\nWith `after`, first every missed event after that cursor, then live events; none twice.\n" +
      "Served over graphql-ws on the `/graphql` path. When the connection drops, subscribe again with `after` set to the `cursor` of the last event received.",
    subscribe: ({ args, context }: SubscribeResolverData<unknown, ItemStatusChangedArgs, GatewayContext>) => context.services.stream.open(context, args),
  })
  itemStatusChanged(
    @Root() event: ItemEvent,
    @Arg("itemIds", () => [ID], {
      nullable: true,
      description:
        "Only events of these Items: 1 to 100 ids (none or more is BAD_USER_INPUT); ids of Items the viewer may not see deliver nothing. Null or omitted: every Item of the viewer (admins: every Item).",
    })
    _itemIds: string[] | null,
    @Arg("after", () => String, {
      nullable: true,
      description:
        "The `cursor` of the last event seen: every later event is delivered first, oldest first, then live ones, none twice. Another value is BAD_USER_INPUT. Null or omitted: live events only, from now.",
    })
    _after: string | null,
    @Ctx() ctx: GatewayContext,
  ): ItemEvent {
    ctx.renewLoaders();
    return event;
  }
}
