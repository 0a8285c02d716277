import { statusForPlaidError } from "./item-health.js";
import type { ItemSnapshot, ItemStatus, PlaidErrorInfo } from "./item.js";
import type { ItemTransition } from "./item-transitions.js";

/** An ITEM webhook, out of Plaid's shape. */
export type ItemWebhook =
  | { code: "ERROR"; error: PlaidErrorInfo | null }
  | { code: "PENDING_EXPIRATION"; consentExpiresAt: Date | null }
  | { code: "PENDING_DISCONNECT"; reason: string | null; disconnectAt: Date | null }
  | { code: "USER_PERMISSION_REVOKED"; error: PlaidErrorInfo | null }
  | { code: "USER_ACCOUNT_REVOKED"; accountId: string | null }
  | { code: "LOGIN_REPAIRED" }
  | { code: "NEW_ACCOUNTS_AVAILABLE" }
  | { code: "WEBHOOK_UPDATE_ACKNOWLEDGED"; newWebhookUrl: string | null };

export const ITEM_WEBHOOK_CODES = [
  "ERROR",
  "PENDING_EXPIRATION",
  "PENDING_DISCONNECT",
  "USER_PERMISSION_REVOKED",
  "USER_ACCOUNT_REVOKED",
  "LOGIN_REPAIRED",
  "NEW_ACCOUNTS_AVAILABLE",
  "WEBHOOK_UPDATE_ACKNOWLEDGED",
] as const;
export type ItemWebhookCode = (typeof ITEM_WEBHOOK_CODES)[number];

/** What a webhook does to an Item, and whether /item/get must confirm it. */
export interface WebhookTransition extends ItemTransition {
  /**
   * Webhooks carry no time of the change and arrive duplicated and out of order, so a webhook that
   * moves the status, or one that does not fit the snapshot, is confirmed with /item/get afterwards.
   */
  reconcile: boolean;
}

/** How urgent a status is: a warning never hides an error the user must fix first. */
const SEVERITY: Record<ItemStatus, number> = {
  HEALTHY: 0,
  PENDING_EXPIRATION: 1,
  PENDING_DISCONNECT: 2,
  ERROR: 3,
  LOGIN_REQUIRED: 4,
  PERMISSION_REVOKED: 5,
  REMOVED: 6,
};

/** The error Plaid means when a webhook names the code but carries no error object. */
const impliedError = (errorCode: string, message: string): PlaidErrorInfo => ({
  errorType: "ITEM_ERROR",
  errorCode,
  errorCodeReason: null,
  message,
  displayMessage: null,
});

/**
 * Applies one ITEM webhook to the snapshot (pure). Status and flags change as Plaid describes; an
 * event is recorded whenever something a subscriber sees changed, with the webhook code as cause.
 * A removed Item ignores webhooks.
 */
export function applyItemWebhook(previous: ItemSnapshot, webhook: ItemWebhook, now: Date): WebhookTransition {
  if (previous.status === "REMOVED") return { snapshot: previous, event: null, reconcile: false };
  const next = nextSnapshot(previous, webhook);
  if (next === null) return { snapshot: previous, event: null, reconcile: true };
  const snapshot: ItemSnapshot = { ...next, statusChangedAt: next.status !== previous.status ? now : previous.statusChangedAt };
  const visible = snapshot.status !== previous.status || flagsDiffer(previous, snapshot) || snapshot.error?.errorCode !== previous.error?.errorCode;
  return {
    snapshot: sameSnapshot(previous, snapshot) ? previous : snapshot,
    event: visible ? { previousStatus: previous.status, status: snapshot.status, cause: webhook.code, error: snapshot.error } : null,
    reconcile: MOVES_STATUS.has(webhook.code),
  };
}

/** Codes whose effect /item/get can confirm: they are checked against it after being applied. */
const MOVES_STATUS = new Set<ItemWebhookCode>(["ERROR", "USER_PERMISSION_REVOKED", "LOGIN_REPAIRED"]);

/** Whether a webhook of this code is confirmed with /item/get (also when its body was seen before). */
export function confirmedWithPlaid(code: ItemWebhookCode): boolean {
  return MOVES_STATUS.has(code);
}

/** The snapshot after the webhook; null when the webhook does not fit the snapshot and only /item/get can tell. */
function nextSnapshot(item: ItemSnapshot, webhook: ItemWebhook): ItemSnapshot | null {
  switch (webhook.code) {
    case "ERROR": {
      if (!webhook.error) return null;
      const status = statusForPlaidError(webhook.error) ?? "ERROR";
      if (status === "REMOVED") return null;
      return { ...item, status, error: webhook.error };
    }
    case "USER_PERMISSION_REVOKED": {
      const error = webhook.error ?? impliedError("USER_PERMISSION_REVOKED", "the user revoked access to this Item");
      return { ...item, status: "PERMISSION_REVOKED", error };
    }
    case "LOGIN_REPAIRED":
      if (item.status !== "LOGIN_REQUIRED") return null;
      return { ...item, status: "HEALTHY", error: null };
    case "PENDING_EXPIRATION":
      return {
        ...item,
        consentExpiresAt: webhook.consentExpiresAt ?? item.consentExpiresAt,
        status: atLeast(item.status, "PENDING_EXPIRATION"),
      };
    case "PENDING_DISCONNECT":
      return {
        ...item,
        disconnectAt: webhook.disconnectAt ?? item.disconnectAt,
        disconnectReason: webhook.reason ?? item.disconnectReason,
        status: atLeast(item.status, "PENDING_DISCONNECT"),
      };
    case "USER_ACCOUNT_REVOKED":
      if (!webhook.accountId) return null;
      return item.revokedAccountIds.includes(webhook.accountId) ? item : { ...item, revokedAccountIds: [...item.revokedAccountIds, webhook.accountId] };
    case "NEW_ACCOUNTS_AVAILABLE":
      return { ...item, newAccountsAvailable: true };
    case "WEBHOOK_UPDATE_ACKNOWLEDGED":
      return { ...item, webhookUrl: webhook.newWebhookUrl ?? item.webhookUrl };
  }
}

/** The more urgent of the current status and a warning. */
function atLeast(current: ItemStatus, warning: ItemStatus): ItemStatus {
  return SEVERITY[current] >= SEVERITY[warning] ? current : warning;
}

function flagsDiffer(a: ItemSnapshot, b: ItemSnapshot): boolean {
  return (
    a.newAccountsAvailable !== b.newAccountsAvailable ||
    a.consentExpiresAt?.getTime() !== b.consentExpiresAt?.getTime() ||
    a.disconnectAt?.getTime() !== b.disconnectAt?.getTime() ||
    a.disconnectReason !== b.disconnectReason ||
    a.revokedAccountIds.length !== b.revokedAccountIds.length
  );
}

function sameSnapshot(a: ItemSnapshot, b: ItemSnapshot): boolean {
  return a.status === b.status && !flagsDiffer(a, b) && a.error?.errorCode === b.error?.errorCode && a.webhookUrl === b.webhookUrl;
}
