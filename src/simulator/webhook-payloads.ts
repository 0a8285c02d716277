import { isoSeconds } from "./clock.js";
import type { SimulatorContext } from "./context.js";
import { ENVIRONMENT } from "./ids.js";
import { itemErrorObject } from "./items.js";
import type { SimItem } from "./types.js";

type Payload = Record<string, unknown>;

/**
 * An ITEM webhook in Plaid's field order: type, code, item_id, user_id (when the Item belongs to a user),
 * the code's own fields, then environment.
 */
function itemWebhook(item: SimItem, code: string, fields: Payload, withUser = true): Payload {
  return {
    webhook_type: "ITEM",
    webhook_code: code,
    item_id: item.item_id,
    ...(withUser && item.user_id ? { user_id: item.user_id } : {}),
    ...fields,
    environment: ENVIRONMENT,
  };
}

/** ITEM/ERROR: the Item's error with its HTTP `status` and no request_id. */
export function errorWebhook(item: SimItem): Payload {
  const error = itemErrorObject(item);
  return itemWebhook(item, "ERROR", {
    error: error && {
      display_message: error.display_message,
      error_code: error.error_code,
      ...(error.error_code_reason ? { error_code_reason: error.error_code_reason } : {}),
      error_message: error.error_message,
      error_type: error.error_type,
      status: 400,
    },
  });
}

export const loginRepairedWebhook = (item: SimItem): Payload => itemWebhook(item, "LOGIN_REPAIRED", {});

export const pendingExpirationWebhook = (item: SimItem, expirationMs: number): Payload =>
  itemWebhook(item, "PENDING_EXPIRATION", { consent_expiration_time: isoSeconds(expirationMs) });

export const pendingDisconnectWebhook = (item: SimItem, reason: string, disconnectMs: number): Payload =>
  itemWebhook(item, "PENDING_DISCONNECT", { reason, disconnect_time: isoSeconds(disconnectMs) });

export const userPermissionRevokedWebhook = (item: SimItem): Payload =>
  itemWebhook(item, "USER_PERMISSION_REVOKED", {
    error: {
      display_message: null,
      error_code: "USER_PERMISSION_REVOKED",
      error_message: "the holder of this account has revoked their permission for your application to access it",
      error_type: "ITEM_ERROR",
      status: 400,
    },
  });

export const userAccountRevokedWebhook = (item: SimItem, accountId: string): Payload => itemWebhook(item, "USER_ACCOUNT_REVOKED", { account_id: accountId });

export const newAccountsAvailableWebhook = (item: SimItem): Payload => itemWebhook(item, "NEW_ACCOUNTS_AVAILABLE", { error: null });

/** Sent to the new URL after /item/webhook/update; Plaid leaves user_id out of this one. */
export const webhookUpdateAcknowledgedWebhook = (item: SimItem, newUrl: string): Payload =>
  itemWebhook(item, "WEBHOOK_UPDATE_ACKNOWLEDGED", { new_webhook_url: newUrl, error: null }, false);

/** Hands a webhook to the dispatcher when the Item has a webhook URL; returns whether one was sent. */
export function sendItemWebhook(ctx: SimulatorContext, item: SimItem, payload: Payload, url = item.webhook): boolean {
  if (!url) return false;
  ctx.webhooks.dispatch(url, payload, { item_id: item.item_id });
  return true;
}
