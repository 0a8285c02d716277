import type { SimulatorContext } from "./context.js";
import { DAY_MS, breakItem, institutionOf } from "./items.js";
import { errorWebhook, pendingExpirationWebhook, sendItemWebhook } from "./webhook-payloads.js";
import type { SimItem } from "./types.js";

/** PENDING_EXPIRATION is sent seven days before a UK/EU Item's consent expires. */
const PENDING_EXPIRATION_NOTICE_MS = 7 * DAY_MS;

/**
 * Applies the transitions that happen with the passage of (simulated) time, as Plaid's back end would:
 * the PENDING_EXPIRATION notice, consent expiry, a pending disconnect taking effect, and the Sandbox rule that
 * Items need a fresh login 30 days after the last one. Each break fires ITEM/ERROR when the Item has a webhook.
 */
export function refreshItem(ctx: SimulatorContext, item: SimItem): void {
  if (item.removed_at_ms !== null) return;
  const now = ctx.clock.nowMs();
  const expiration = item.consent_expiration_ms;
  if (expiration !== null && item.pending_expiration_sent_for_ms !== expiration && now >= expiration - PENDING_EXPIRATION_NOTICE_MS && now < expiration) {
    item.pending_expiration_sent_for_ms = expiration;
    sendItemWebhook(ctx, item, pendingExpirationWebhook(item, expiration));
  }
  if (item.error) return;
  const oauth = institutionOf(item).oauth;
  if (expiration !== null && now >= expiration) {
    breakItem(item, "ITEM_LOGIN_REQUIRED", "OAUTH_CONSENT_EXPIRED", expiration);
  } else if (item.pending_disconnect && now >= item.pending_disconnect.disconnect_ms) {
    breakItem(item, "ITEM_LOGIN_REQUIRED", oauth ? "OAUTH_INVALID_TOKEN" : null, item.pending_disconnect.disconnect_ms);
  } else if (now >= item.login_valid_until_ms) {
    breakItem(item, "ITEM_LOGIN_REQUIRED", oauth ? "OAUTH_INVALID_TOKEN" : null, item.login_valid_until_ms);
  } else {
    return;
  }
  ctx.logger.info({ item_id: item.item_id, error_code: "ITEM_LOGIN_REQUIRED" }, "item entered an error state");
  sendItemWebhook(ctx, item, errorWebhook(item));
}

/** Runs `refreshItem` over every Item (after a clock change, and periodically). */
export function sweepItems(ctx: SimulatorContext): void {
  for (const item of ctx.state.items.values()) refreshItem(ctx, item);
}
