import { isoSeconds } from "../clock.js";
import type { SimulatorContext } from "../context.js";
import { invalidField } from "../errors.js";
import { newLinkToken } from "../ids.js";
import { refreshItem } from "../item-lifecycle.js";
import { institutionOf } from "../items.js";
import { checkLinkTokenRules, linkTokenMode, type LinkTokenRequest } from "../link-rules.js";
import { linkSessionsOf } from "../link-session-records.js";
import { LINK_TOKEN_LIFETIME_MS, UPDATE_LINK_TOKEN_LIFETIME_MS, resolveAccessToken, resolveLinkToken, resolveUserRef } from "../tokens.js";
import type { SimItem, SimLinkToken, SimUser } from "../types.js";
import type { RouteHandler } from "./route.js";

/**
 * The Item an `update.user` session opens on: the user's most recently broken Item (among `item_ids` when given).
 * With no broken Item there is nothing for Link to repair. Plaid's docs do not document this case; the simulator
 * answers INVALID_REQUEST / INVALID_FIELD, the code Plaid uses for a field value that is wrong for business
 * reasons, rather than minting a token that would open on nothing.
 */
export function mostRecentlyBrokenItem(ctx: SimulatorContext, user: SimUser, itemIds: string[] | null): SimItem {
  const items = ctx.state.itemsOfUser(user.user_id);
  if (itemIds && itemIds.length > 0) {
    const foreign = itemIds.filter((id) => !items.some((i) => i.item_id === id));
    if (foreign.length > 0) throw invalidField(`update.item_ids must be Items associated with this user; not associated: ${foreign.join(", ")}`);
  }
  const candidates = itemIds && itemIds.length > 0 ? items.filter((i) => itemIds.includes(i.item_id)) : items;
  for (const item of candidates) refreshItem(ctx, item);
  const broken = candidates.filter((i) => i.error !== null).sort((a, b) => b.error!.since_ms - a.error!.since_ms);
  if (broken.length === 0) throw invalidField("update.user is true but none of the user's Items is in an error state that update mode could repair");
  return broken[0]!;
}

const list = (v: string[] | null | undefined): string[] => v ?? [];

const createLinkToken: RouteHandler = (ctx, req) => {
  const body = req.body as LinkTokenRequest;
  const mode = linkTokenMode(body);
  const user = resolveUserRef(ctx, { user_id: body.user_id, user_token: body.user_token }, false);
  let item: SimItem | null = null;
  if (mode === "update_item") {
    item = resolveAccessToken(ctx, body.access_token!);
    req.itemId = item.item_id;
  } else if (mode === "update_user") {
    item = mostRecentlyBrokenItem(ctx, user!, body.update?.item_ids ?? null);
  }
  const target = item ? { institutionCountries: institutionOf(item).country_codes, products: item.products } : null;
  checkLinkTokenRules(body, mode, target);

  const now = ctx.clock.nowMs();
  const lifetime = mode === "new_item" ? LINK_TOKEN_LIFETIME_MS : UPDATE_LINK_TOKEN_LIFETIME_MS;
  const record: SimLinkToken = {
    link_token: newLinkToken(),
    mode,
    created_at_ms: now,
    expires_at_ms: now + lifetime,
    user_id: user?.user_id ?? null,
    item_id: mode === "update_item" ? item!.item_id : null,
    update_item_ids: mode === "update_user" ? (body.update?.item_ids ?? null) : null,
    products: list(body.products),
    required_if_supported_products: mode === "new_item" ? list(body.required_if_supported_products) : [],
    optional_products: mode === "new_item" ? list(body.optional_products) : [],
    additional_consented_products: list(body.additional_consented_products),
    country_codes: body.country_codes,
    // In update mode `webhook` has no effect; /item/webhook/update is the way to change an Item's URL.
    webhook: mode === "new_item" ? ((body.webhook as string | undefined) ?? null) : null,
    account_filters: (body.account_filters as SimLinkToken["account_filters"]) ?? null,
    account_selection_enabled: mode !== "new_item" && body.update?.account_selection_enabled === true,
    institution_id: (body.institution_id as string | undefined) ?? null,
    transfer_authorization_id: body.transfer?.authorization_id ?? null,
    language: body.language as string,
    client_name: body.client_name as string,
    redirect_uri: (body.redirect_uri as string | undefined) ?? null,
    link_sessions: [],
  };
  ctx.state.linkTokens.set(record.link_token, record);
  return {
    body: {
      link_token: record.link_token,
      expiration: isoSeconds(record.expires_at_ms),
      ...(body.user_id ? { user_id: body.user_id } : {}),
    },
  };
};

/**
 * /link/token/get: the token's settings and the Link sessions opened with it (each session's data for six
 * hours after it ended). An expired link_token is still answered, with its past expiration.
 */
const getLinkToken: RouteHandler = (ctx, req) => {
  const record = resolveLinkToken(ctx, req.body.link_token as string);
  return {
    body: {
      link_token: record.link_token,
      created_at: isoSeconds(record.created_at_ms),
      expiration: isoSeconds(record.expires_at_ms),
      link_sessions: linkSessionsOf(ctx, record),
      metadata: {
        initial_products: record.products,
        webhook: record.webhook,
        country_codes: record.country_codes,
        language: record.language ?? null,
        ...(record.account_filters ? { account_filters: record.account_filters } : {}),
        redirect_uri: record.redirect_uri ?? null,
        client_name: record.client_name ?? null,
      },
      ...(record.user_id ? { user_id: record.user_id } : {}),
    },
  };
};

export const linkRoutes: Record<string, RouteHandler> = { "/link/token/create": createLinkToken, "/link/token/get": getLinkToken };
