import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from "type-graphql";
import type { GatewayContext } from "./context.js";
import type { ItemSnapshot } from "../domain/item.js";
import { Item } from "../schema/item.type.js";

@Resolver()
export class AccessTokenResolver {
  @Authorized("ADMIN")
  @Mutation(() => Item, {
    description:
      "Admins only (FORBIDDEN otherwise): rotate the Item's access token at Plaid (/item/access_token/invalidate). Plaid issues a new token and refuses the old one at once; " +
      "the gateway stores the new one sealed and returns the Item, confirmed with Plaid using it (`syncedAt`). No token is ever shown. " +
      "A failure says in `extensions.rotation` what happened, and in its message what to do: KEPT (STORE_UNAVAILABLE: the store could not save the new token, which is kept sealed in DATA_DIR; calling this again stores it without asking Plaid for another), " +
      "NOT_ROTATED (nothing changed, the stored token still works), UNCONFIRMED (Plaid did not say whether it rotated the token: call again), LOST (Plaid refuses the stored token and the new one is nowhere: link the institution again), " +
      "IN_PROGRESS (another rotation of the Item has not finished) or REFUSED.",
  })
  rotateAccessToken(
    @Arg("itemId", () => ID, {
      description: "The Item's id (Plaid's item_id). A malformed id or a REMOVED Item is BAD_USER_INPUT; an id no Item has is NOT_FOUND.",
    })
    itemId: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<ItemSnapshot> {
    return ctx.services.accessTokens.rotate(ctx, itemId);
  }
}
