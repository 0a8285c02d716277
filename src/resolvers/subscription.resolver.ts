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
      "Status changes of the viewer's Items (admins: every Item), optionally only the given Items.\nWith `after`, first every missed event after that cursor, then live events; none twice.",
    subscribe: ({ args, context }: SubscribeResolverData<unknown, ItemStatusChangedArgs, GatewayContext>) => context.services.stream.open(context, args),
  })
  itemStatusChanged(
    @Root() event: ItemEvent,
    @Arg("itemIds", () => [ID], { nullable: true }) _itemIds: string[] | null,
    @Arg("after", () => String, { nullable: true }) _after: string | null,
    @Ctx() ctx: GatewayContext,
  ): ItemEvent {
    ctx.renewLoaders();
    return event;
  }
}
