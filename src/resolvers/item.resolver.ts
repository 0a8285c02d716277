import { Arg, Ctx, FieldResolver, ID, Int, Resolver, Root } from "type-graphql";
import type { GatewayContext } from "./context.js";
import type { ConsentEventCode as ConsentEventCodeValue, ConsentEventType as ConsentEventTypeValue } from "../domain/consent.js";
import { NotFoundError } from "../domain/errors.js";
import { recommendedAction } from "../domain/item-health.js";
import type { Account as AccountValue, ItemAction as ItemActionValue, ItemSnapshot } from "../domain/item.js";
import { Account } from "../schema/account.type.js";
import { ConsentEventConnection } from "../schema/consent-event.type.js";
import { ConsentEventCode, ConsentEventType, ItemAction } from "../schema/enums.js";
import { Institution } from "../schema/institution.type.js";
import { ItemStatusEventConnection } from "../schema/item-status-event.type.js";
import { Item } from "../schema/item.type.js";
import { User } from "../schema/user.type.js";

/** The `first` argument of an Item's event connections (consent log and history). */
const EVENTS_PER_PAGE = {
  nullable: true,
  defaultValue: 20,
  description: "Events per page: 0 to 100 (default 20); another value is BAD_USER_INPUT. A larger page also counts for more against the operation's cost limit.",
} as const;

@Resolver(() => Item)
export class ItemResolver {
  @FieldResolver(() => ID)
  id(@Root() item: ItemSnapshot): string {
    return item.itemId;
  }

  @FieldResolver(() => User)
  async owner(@Root() item: ItemSnapshot, @Ctx() ctx: GatewayContext) {
    const user = await ctx.loaders.user.load(item.userId);
    if (!user) throw new NotFoundError("User");
    return user;
  }

  @FieldResolver(() => Institution, { nullable: true })
  institution(@Root() item: ItemSnapshot): Institution | null {
    return item.institutionId ? { id: item.institutionId, name: item.institutionName } : null;
  }

  @FieldResolver(() => ItemAction)
  recommendedAction(@Root() item: ItemSnapshot): ItemActionValue {
    return recommendedAction(item);
  }

  @FieldResolver(() => [Account], { nullable: true })
  async accounts(@Root() item: ItemSnapshot, @Ctx() ctx: GatewayContext): Promise<AccountValue[]> {
    if (item.status === "REMOVED") return [];
    return ctx.loaders.accounts.load(item.itemId);
  }

  @FieldResolver(() => ConsentEventConnection, { nullable: true })
  consentEvents(
    @Root() item: ItemSnapshot,
    @Arg("first", () => Int, EVENTS_PER_PAGE) first: number | null,
    @Arg("after", () => String, {
      nullable: true,
      description:
        "The `endCursor` of the previous page, for the next one; another value is BAD_USER_INPUT. Null or omitted: the first page. A cursor is a position in the list as read now: when Plaid adds events between two pages, the next page may repeat one.",
    })
    after: string | null,
    @Arg("eventType", () => ConsentEventType, { nullable: true, description: "Only events of this type. Null or omitted: every type." }) eventType: ConsentEventTypeValue | null,
    @Arg("eventCode", () => ConsentEventCode, { nullable: true, description: "Only events with this code. Null or omitted: every code." }) eventCode: ConsentEventCodeValue | null,
    @Ctx() ctx: GatewayContext,
  ) {
    return ctx.services.consent.page(ctx, item, { eventType, eventCode }, first ?? 20, after);
  }

  @FieldResolver(() => ItemStatusEventConnection)
  history(
    @Root() item: ItemSnapshot,
    @Arg("first", () => Int, EVENTS_PER_PAGE) first: number | null,
    @Arg("after", () => String, {
      nullable: true,
      description:
        "The `endCursor` of the previous page (or the `cursor` of any event in it): the older events after it. Another value is BAD_USER_INPUT. Null or omitted: the newest events.",
    })
    after: string | null,
    @Ctx() ctx: GatewayContext,
  ) {
    return ctx.services.items.history(item.itemId, first ?? 20, after);
  }
}
