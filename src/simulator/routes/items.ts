import { recordRevocation } from "../consent-events.js";
import type { SimulatorContext } from "../context.js";
import { assertItemHealthy, itemStatus, toItemWithConsentFields, toPlainItem } from "../items.js";
import { newAccessToken } from "../ids.js";
import { consumePublicToken } from "../tokens.js";
import type { SimItem } from "../types.js";
import { sendItemWebhook, webhookUpdateAcknowledgedWebhook } from "../webhook-payloads.js";
import { itemOfRequest, type RouteHandler } from "./route.js";

/** /item/public_token/exchange: the Item's (stable) access_token for a single-use public_token. */
const exchangePublicToken: RouteHandler = (ctx, req) => {
  const item = consumePublicToken(ctx, req.body.public_token as string);
  req.itemId = item.item_id;
  return { body: { access_token: item.access_token, item_id: item.item_id } };
};

/** /item/get: the only endpoint that answers 200 with the Item's error. */
const getItem: RouteHandler = (ctx, req) => {
  const item = itemOfRequest(ctx, req);
  return { body: { item: toItemWithConsentFields(item), status: itemStatus(item, ctx.clock.nowMs()) } };
};

/** Removes an Item: its access_token stops working and its user no longer lists it. */
export function removeItem(ctx: SimulatorContext, item: SimItem): void {
  item.removed_at_ms = ctx.clock.nowMs();
  for (const [token, record] of ctx.state.publicTokens) if (record.item_id === item.item_id) ctx.state.publicTokens.delete(token);
  recordRevocation(ctx, item, "CUSTOMER");
  ctx.logger.info({ item_id: item.item_id }, "item removed");
}

const removeItemRoute: RouteHandler = (ctx, req) => {
  removeItem(ctx, itemOfRequest(ctx, req));
  return { body: {} };
};

/** /item/webhook/update: `null` removes the webhook; a new URL receives WEBHOOK_UPDATE_ACKNOWLEDGED. */
const updateWebhook: RouteHandler = (ctx, req) => {
  const item = itemOfRequest(ctx, req);
  assertItemHealthy(item);
  const webhook = (req.body.webhook as string | null | undefined) ?? null;
  item.webhook = webhook;
  if (webhook) sendItemWebhook(ctx, item, webhookUpdateAcknowledgedWebhook(item, webhook), webhook);
  return { body: { item: toPlainItem(item, { withError: false }) } };
};

/**
 * /item/access_token/invalidate: the Item gets a new access_token and the one sent stops working at once,
 * for every endpoint (INVALID_ACCESS_TOKEN). Rotating is about the token, not the Item: it works while the
 * Item is in an error state too.
 */
const invalidateAccessToken: RouteHandler = (ctx, req) => {
  const item = itemOfRequest(ctx, req);
  ctx.state.replaceAccessToken(item, newAccessToken());
  ctx.logger.info({ item_id: item.item_id }, "access token rotated");
  return { body: { new_access_token: item.access_token } };
};

export const itemRoutes: Record<string, RouteHandler> = {
  "/item/public_token/exchange": exchangePublicToken,
  "/item/get": getItem,
  "/item/remove": removeItemRoute,
  "/item/webhook/update": updateWebhook,
  "/item/access_token/invalidate": invalidateAccessToken,
};
