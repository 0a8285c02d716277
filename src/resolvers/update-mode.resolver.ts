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
    description:
      "Link token for update mode. Validates Plaid's update-mode rules before calling Plaid; a broken rule is BAD_USER_INPUT naming the rule. Open Plaid Link with it; after Link's onSuccess, call `completeUpdate` for the Item it updated.",
  })
  createUpdateLinkToken(
    @Arg("input", () => CreateUpdateLinkTokenInput, { description: "Which update mode (itemId, user or transferAuthorizationId) and its options." })
    input: CreateUpdateLinkTokenInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<LinkTokenView> {
    return ctx.services.updateMode.createUpdateLinkToken(ctx, input);
  }

  @Mutation(() => Item, {
    description:
      "Call after Link's onSuccess in update mode: confirms the repair with Plaid and publishes the new status. Plaid sends no webhook for a repair made in the app's own Link session, so this call is what records the repair (cause UPDATE_COMPLETED), also when the status stays the same. " +
      "When Plaid still reports an error, the answer is PLAID_ERROR (the Item's status in `extensions.itemStatus`).",
  })
  completeUpdate(
    @Arg("itemId", () => ID, {
      description: "The Item's id (Plaid's item_id). It must be an Item the viewer may see (their own; admins: any), else NOT_FOUND, and not REMOVED, else BAD_USER_INPUT.",
    })
    itemId: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<ItemSnapshot> {
    return ctx.services.updateMode.completeUpdate(ctx, itemId);
  }

  @Mutation(() => Item, {
    description:
      "Confirm the Item with Plaid now (/item/get) and publish any change (cause RECONCILED). Returns the Item as Plaid now has it; a REMOVED Item as it is, without asking Plaid.",
  })
  refreshItem(
    @Arg("itemId", () => ID, { description: "The Item's id (Plaid's item_id). It must be an Item the viewer may see (their own; admins: any), else NOT_FOUND." }) itemId: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<ItemSnapshot> {
    return ctx.services.updateMode.refreshItem(ctx, itemId);
  }
}
