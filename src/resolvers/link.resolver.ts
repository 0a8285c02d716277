import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import type { GatewayContext } from "./context.js";
import type { ItemSnapshot } from "../domain/item.js";
import { CreateLinkTokenInput } from "../schema/create-link-token.input.js";
import { Item } from "../schema/item.type.js";
import { LinkToken } from "../schema/link-token.type.js";
import type { LinkTokenView } from "../services/link.service.js";

@Resolver()
export class LinkResolver {
  @Mutation(() => LinkToken, {
    description:
      "Link token to connect a new Item, for the viewer. Open Plaid Link with it; after Link's onSuccess, pass the public_token to `exchangePublicToken`. Its options are checked before Plaid is called (BAD_USER_INPUT).",
  })
  createLinkToken(
    @Arg("input", () => CreateLinkTokenInput, { description: "The Link session's products, countries, language and options." }) input: CreateLinkTokenInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<LinkTokenView> {
    return ctx.services.link.createLinkToken(ctx, { ...input, products: input.products });
  }

  @Mutation(() => Item, {
    description:
      "Exchange Link's public_token; the access token is stored encrypted and never returned. Returns the new Item (or, for an Item the viewer already has, that Item); its first `history` entry has cause LINKED. " +
      "A Link session that connects accounts the viewer already has in a live Item at the same institution (same mask and name) is refused before the exchange, so Plaid bills no second Item: " +
      "DUPLICATE_ITEM with `extensions.existingItemId`, unless allowDuplicate is true.",
  })
  exchangePublicToken(
    @Arg("publicToken", () => String, {
      description:
        "The public_token from Link's onSuccess (`public-…`), from a Link session opened with a link token this viewer created; single use, valid 30 minutes. " +
        "Malformed: BAD_USER_INPUT. Unknown, expired, or from another user's link token: PLAID_ERROR with `extensions.plaid.errorCode` INVALID_PUBLIC_TOKEN.",
    })
    publicToken: string,
    @Arg("allowDuplicate", () => Boolean, {
      nullable: true,
      defaultValue: false,
      description:
        "True links the Item even when it duplicates one of the viewer's live Items (the user confirmed they want a second Item for the same accounts); the public token refused with DUPLICATE_ITEM is still good for this. " +
        "False, null or omitted: a duplicate is refused with DUPLICATE_ITEM and nothing is exchanged.",
    })
    allowDuplicate: boolean | null,
    @Ctx() ctx: GatewayContext,
  ): Promise<ItemSnapshot> {
    return ctx.services.link.exchangePublicToken(ctx, publicToken, { allowDuplicate: allowDuplicate === true });
  }
}
