import { recordLinkConsent } from "../consent-events.js";
import type { SimulatorContext } from "../context.js";
import { invalidField, isLinkTimeErrorCode, missingFields, plaidError } from "../errors.js";
import { findInstitution } from "../institutions.js";
import { breakItem, createItem, institutionOf } from "../items.js";
import { NOT_INITIALISABLE } from "../products.js";
import { issuePublicToken, resolveUserRef } from "../tokens.js";
import type { SimItem } from "../types.js";
import { errorWebhook, sendItemWebhook } from "../webhook-payloads.js";
import { fireWebhook } from "./fire-webhook.js";
import { itemOfRequest, type RouteHandler } from "./route.js";

/**
 * Sandbox test credentials: `user_good` / `pass_good` succeed, `error_<CODE>` as the password makes the
 * call fail with that Item or institution error, and anything else is INVALID_CREDENTIALS.
 */
function checkSandboxCredentials(options: { override_username?: string | null; override_password?: string | null } | undefined): void {
  const username = options?.override_username ?? "user_good";
  const password = options?.override_password ?? "pass_good";
  if (password.startsWith("error_")) {
    const code = password.slice("error_".length);
    throw plaidError(isLinkTimeErrorCode(code) ? code : "INVALID_CREDENTIALS");
  }
  if (password !== "pass_good" && username !== "user_custom") throw plaidError("INVALID_CREDENTIALS");
}

/** /sandbox/public_token/create: creates an Item without Link, as a completed Link session would. */
const createSandboxPublicToken: RouteHandler = (ctx, req) => {
  const institution = findInstitution(req.body.institution_id as string);
  if (!institution) throw plaidError("INVALID_INSTITUTION");
  const products = [...new Set(req.body.initial_products as string[])];
  const notInitialisable = products.filter((p) => NOT_INITIALISABLE.includes(p));
  if (notInitialisable.length > 0) {
    throw plaidError("INVALID_PRODUCT", {
      message: `initial_products must not contain ${JSON.stringify(notInitialisable)}: balance is initialized automatically with any other product`,
    });
  }
  const unsupported = products.filter((p) => !institution.products.includes(p));
  if (unsupported.length > 0) {
    throw plaidError("PRODUCTS_NOT_SUPPORTED", { message: `${institution.name} does not support the following products: ${unsupported.join(", ")}` });
  }
  const options = req.body.options as Record<string, unknown> | undefined;
  if (products.includes("statements") && !options?.statements) throw missingFields(["options.statements"]);
  const user = resolveUserRef(ctx, req.body, false);
  checkSandboxCredentials(options as Parameters<typeof checkSandboxCredentials>[0]);
  const item = createItem(ctx, {
    institution,
    products,
    consentedProducts: products,
    userId: user?.user_id ?? null,
    webhook: (options?.webhook as string | undefined) ?? null,
    accountFilters: null,
    accountMasks: null,
  });
  req.itemId = item.item_id;
  recordLinkConsent(ctx, item);
  return { body: { public_token: issuePublicToken(ctx, item).public_token } };
};

/** Puts an Item into ITEM_LOGIN_REQUIRED and fires ITEM/ERROR when it has a webhook. */
export function resetLogin(ctx: SimulatorContext, item: SimItem): void {
  const reason = institutionOf(item).oauth ? "OAUTH_INVALID_TOKEN" : null;
  breakItem(item, "ITEM_LOGIN_REQUIRED", reason, ctx.clock.nowMs());
  ctx.logger.info({ item_id: item.item_id, error_code: "ITEM_LOGIN_REQUIRED" }, "item login reset");
  sendItemWebhook(ctx, item, errorWebhook(item));
}

const resetItemLogin: RouteHandler = (ctx, req) => {
  resetLogin(ctx, itemOfRequest(ctx, req));
  return { body: { reset_login: true } };
};

/** /sandbox/user/reset_login: breaks every Item of the user, or only `item_ids` (which must all be the user's). */
const resetUserLogin: RouteHandler = (ctx, req) => {
  const user = resolveUserRef(ctx, req.body, true)!;
  const items = ctx.state.itemsOfUser(user.user_id);
  const wanted = (req.body.item_ids as string[] | null | undefined) ?? [];
  const foreign = wanted.filter((id) => !items.some((i) => i.item_id === id));
  if (foreign.length > 0) throw invalidField(`item_ids must be Items associated with this user; not associated: ${foreign.join(", ")}`);
  const targets = wanted.length > 0 ? items.filter((i) => wanted.includes(i.item_id)) : items;
  for (const item of targets) resetLogin(ctx, item);
  return { body: {} };
};

export const sandboxRoutes: Record<string, RouteHandler> = {
  "/sandbox/public_token/create": createSandboxPublicToken,
  "/sandbox/item/reset_login": resetItemLogin,
  "/sandbox/item/fire_webhook": fireWebhook,
  "/sandbox/user/reset_login": resetUserLogin,
};
