import type { SimulatorContext } from "./context.js";
import { invalidField, missingFields, plaidError } from "./errors.js";
import { hasTokenFormat, hasUserIdFormat, newPublicToken, type TokenPrefix } from "./ids.js";
import { refreshItem } from "./item-lifecycle.js";
import type { SimItem, SimLinkToken, SimPublicToken, SimUser } from "./types.js";

/** public_tokens are single use and expire after 30 minutes. */
const PUBLIC_TOKEN_LIFETIME_MS = 30 * 60 * 1000;
/** link_tokens last 4 hours, or 30 minutes when created for an existing Item (update mode). */
export const LINK_TOKEN_LIFETIME_MS = 4 * 60 * 60 * 1000;
export const UPDATE_LINK_TOKEN_LIFETIME_MS = 30 * 60 * 1000;

/** Refuses a token that is not `<prefix>-<environment>-<identifier>` with Plaid's format message. */
function requireTokenFormat(token: string, prefix: TokenPrefix, code: string): void {
  if (!hasTokenFormat(token, prefix)) {
    throw plaidError(code, { message: `provided ${prefix} token is in an invalid format. expected format: ${prefix}-<environment>-<identifier>` });
  }
}

/**
 * Resolves an access_token to its Item: a malformed or unknown token is INVALID_ACCESS_TOKEN, a removed Item
 * is ITEM_NOT_FOUND. Time-based transitions (consent expiry, the Sandbox 30-day login) are applied first.
 */
export function resolveAccessToken(ctx: SimulatorContext, accessToken: string): SimItem {
  requireTokenFormat(accessToken, "access", "INVALID_ACCESS_TOKEN");
  const item = ctx.state.itemByAccessToken(accessToken);
  if (!item) throw plaidError("INVALID_ACCESS_TOKEN");
  if (item.removed_at_ms !== null) throw plaidError("ITEM_NOT_FOUND");
  refreshItem(ctx, item);
  return item;
}

/** A link_token this client created, expired or not; a malformed or unknown one is INVALID_LINK_TOKEN. */
export function resolveLinkToken(ctx: SimulatorContext, linkToken: string): SimLinkToken {
  requireTokenFormat(linkToken, "link", "INVALID_LINK_TOKEN");
  const record = ctx.state.linkTokens.get(linkToken);
  if (!record) throw plaidError("INVALID_LINK_TOKEN");
  return record;
}

export function issuePublicToken(ctx: SimulatorContext, item: SimItem): SimPublicToken {
  const now = ctx.clock.nowMs();
  const record: SimPublicToken = {
    public_token: newPublicToken(),
    item_id: item.item_id,
    created_at_ms: now,
    expires_at_ms: now + PUBLIC_TOKEN_LIFETIME_MS,
  };
  ctx.state.publicTokens.set(record.public_token, record);
  return record;
}

/** Exchanges (and so consumes) a public_token; reused, expired or unknown tokens are INVALID_PUBLIC_TOKEN. */
export function consumePublicToken(ctx: SimulatorContext, publicToken: string): SimItem {
  requireTokenFormat(publicToken, "public", "INVALID_PUBLIC_TOKEN");
  const record = ctx.state.publicTokens.get(publicToken);
  if (!record) throw plaidError("INVALID_PUBLIC_TOKEN");
  if (ctx.clock.nowMs() >= record.expires_at_ms) {
    ctx.state.publicTokens.delete(publicToken);
    throw plaidError("INVALID_PUBLIC_TOKEN", {
      message: "provided public token is expired. Public tokens expire 30 minutes after creation at which point they can no longer be exchanged",
    });
  }
  ctx.state.publicTokens.delete(publicToken);
  const item = ctx.state.items.get(record.item_id);
  if (!item || item.removed_at_ms !== null) throw plaidError("ITEM_NOT_FOUND");
  return item;
}

function resolveUserId(ctx: SimulatorContext, userId: string): SimUser {
  if (!hasUserIdFormat(userId)) throw plaidError("INVALID_USER_ID");
  const user = ctx.state.users.get(userId);
  if (!user) throw plaidError("USER_NOT_FOUND");
  return user;
}

function resolveUserToken(ctx: SimulatorContext, userToken: string): SimUser {
  requireTokenFormat(userToken, "user", "INVALID_USER_TOKEN");
  const user = ctx.state.userByToken(userToken);
  if (!user) throw plaidError("INVALID_USER_TOKEN");
  return user;
}

/**
 * Resolves the user of a request that names one by `user_id` (new User APIs) or `user_token` (legacy).
 * Exactly one must be sent; when `required` is false, neither is fine and gives null.
 */
export function resolveUserRef(ctx: SimulatorContext, body: { user_id?: unknown; user_token?: unknown }, required: boolean): SimUser | null {
  const userId = typeof body.user_id === "string" ? body.user_id : undefined;
  const userToken = typeof body.user_token === "string" ? body.user_token : undefined;
  if (userId !== undefined && userToken !== undefined) {
    throw invalidField("only one of user_id or user_token may be provided");
  }
  if (userId !== undefined) return resolveUserId(ctx, userId);
  if (userToken !== undefined) return resolveUserToken(ctx, userToken);
  if (required) throw missingFields(["user_id"]);
  return null;
}
