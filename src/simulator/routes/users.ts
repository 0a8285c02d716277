import type { SimulatorContext } from "../context.js";
import { invalidField } from "../errors.js";
import { newUserId, newUserToken } from "../ids.js";
import { refreshItem } from "../item-lifecycle.js";
import { toPlainItem } from "../items.js";
import { resolveUserRef } from "../tokens.js";
import type { SimUser } from "../types.js";
import { removeItem } from "./items.js";
import type { RouteHandler } from "./route.js";

/** /user/create is idempotent per client_user_id: the same client_user_id always gets the same user. */
const createUser: RouteHandler = (ctx, req) => {
  const clientUserId = req.body.client_user_id as string;
  let user = ctx.state.userByClientUserId(clientUserId);
  if (!user) {
    user = { user_id: newUserId(), user_token: newUserToken(), client_user_id: clientUserId, created_at_ms: ctx.clock.nowMs() };
    ctx.state.users.set(user.user_id, user);
  }
  return { body: { user_token: user.user_token, user_id: user.user_id } };
};

function requiredUser(ctx: SimulatorContext, body: Record<string, unknown>): SimUser {
  return resolveUserRef(ctx, body, true)!;
}

/** /user/items/get: the user's Items, each with its error, so it doubles as a health overview. */
const getUserItems: RouteHandler = (ctx, req) => {
  const user = requiredUser(ctx, req.body);
  const items = ctx.state.itemsOfUser(user.user_id);
  for (const item of items) refreshItem(ctx, item);
  return { body: { items: items.map((i) => toPlainItem(i, { withError: true })) } };
};

/**
 * /user/items/remove is all or nothing. Plaid's docs say the whole call fails when any item_id is not the
 * user's, without naming the code; the simulator answers INVALID_REQUEST / INVALID_FIELD, the code Plaid uses for
 * a field whose value is wrong for business reasons, and names the offending ids. Nothing is removed.
 */
const removeUserItems: RouteHandler = (ctx, req) => {
  const user = requiredUser(ctx, req.body);
  const itemIds = req.body.item_ids as string[];
  const owned = new Map(ctx.state.itemsOfUser(user.user_id).map((i) => [i.item_id, i]));
  const foreign = itemIds.filter((id) => !owned.has(id));
  if (foreign.length > 0) {
    throw invalidField(`item_ids must all be Items associated with this user; not associated: ${foreign.join(", ")}. No Items were removed`);
  }
  for (const id of new Set(itemIds)) removeItem(ctx, owned.get(id)!);
  return { body: {} };
};

export const userRoutes: Record<string, RouteHandler> = {
  "/user/create": createUser,
  "/user/items/get": getUserItems,
  "/user/items/remove": removeUserItems,
};
