import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import type { GatewayContext } from "./context.js";
import type { ItemSnapshot } from "../domain/item.js";
import { CreateUpdateLinkTokenInput } from "../schema/create-update-link-token.input.js";
import { Item } from "../schema/item.type.js";
import { LinkToken } from "../schema/link-token.type.js";
import type { LinkTokenView } from "../services/link.service.js";

@Resolver()
export class UpdateModeResolver {
  @Mutation(() => LinkToken, {
    description: "Link token for update mode. Validates Plaid's update-mode rules before calling Plaid; a broken rule is BAD_USER_INPUT naming the rule.",
  })
  createUpdateLinkToken(@Arg("input", () => CreateUpdateLinkTokenInput) input: CreateUpdateLinkTokenInput, @Ctx() ctx: GatewayContext): Promise<LinkTokenView> {
    return ctx.services.updateMode.createUpdateLinkToken(ctx, input);
  }

  @Mutation(() => Item, { description: "Call after Link's onSuccess in update mode: confirms the repair with Plaid and publishes the new status." })
  completeUpdate(@Arg("itemId", () => ID) itemId: string, @Ctx() ctx: GatewayContext): Promise<ItemSnapshot> {
    return ctx.services.updateMode.completeUpdate(ctx, itemId);
  }

  @Mutation(() => Item, { description: "Confirm the Item with Plaid now (/item/get) and publish any change." })
  refreshItem(@Arg("itemId", () => ID) itemId: string, @Ctx() ctx: GatewayContext): Promise<ItemSnapshot> {
    return ctx.services.updateMode.refreshItem(ctx, itemId);
  }
}
