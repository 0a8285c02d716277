import type { ItemAction, ItemSnapshot, ItemStatus, PlaidErrorInfo } from "./item.js";
import { isUkOrEu } from "./item.js";

/** Item error codes that mean the user has to act at the institution, through Link update mode. */
const USER_ACTION_CODES = new Set([
  "ITEM_LOGIN_REQUIRED",
  "INVALID_CREDENTIALS",
  "INVALID_MFA",
  "INVALID_UPDATED_USERNAME",
  "ITEM_LOCKED",
  "USER_SETUP_REQUIRED",
  "PASSWORD_RESET_REQUIRED",
]);
/** Consent within this many days of expiry counts as pending expiration, as Plaid warns 7 days ahead. */
const PENDING_EXPIRATION_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * The status a Plaid error says something about the Item as a whole, or null when it does not
 * (rate limits, outages, invalid requests, product-level errors).
 */
export function statusForCallError(error: Pick<PlaidErrorInfo, "errorType" | "errorCode">): ItemStatus | null {
  if (USER_ACTION_CODES.has(error.errorCode)) return "LOGIN_REQUIRED";
  if (error.errorCode === "USER_PERMISSION_REVOKED") return "PERMISSION_REVOKED";
  if (error.errorCode === "ITEM_NOT_FOUND") return "REMOVED";
  return null;
}

/** The status of an Item that carries this error (in /item/get or an ERROR webhook); null: no error. */
export function statusForPlaidError(error: PlaidErrorInfo | null): ItemStatus | null {
  if (!error) return null;
  return statusForCallError(error) ?? "ERROR";
}

/**
 * The status implied by a fresh /item/get read. An error wins; without one, warnings that Plaid
 * announced by webhook (pending disconnect) stay until their time passes, and consent close to
 * expiry counts as pending expiration.
 */
export function statusFromPlaidRead(previous: ItemSnapshot | null, read: { error: PlaidErrorInfo | null; consentExpiresAt: Date | null }, now: Date): ItemStatus {
  const fromError = statusForPlaidError(read.error);
  if (fromError) return fromError;
  if (previous?.status === "PENDING_DISCONNECT" && previous.disconnectAt && previous.disconnectAt > now) {
    return "PENDING_DISCONNECT";
  }
  if (read.consentExpiresAt && read.consentExpiresAt.getTime() - now.getTime() <= PENDING_EXPIRATION_WINDOW_MS) {
    return "PENDING_EXPIRATION";
  }
  return "HEALTHY";
}

/** What the app should ask the user to do next. */
export function recommendedAction(item: Pick<ItemSnapshot, "status" | "newAccountsAvailable" | "countryCodes">): ItemAction {
  switch (item.status) {
    case "LOGIN_REQUIRED":
      return "UPDATE_LOGIN";
    case "PENDING_EXPIRATION":
    case "PENDING_DISCONNECT":
      return "RENEW_CONSENT";
    case "PERMISSION_REVOKED":
      return "RELINK";
    case "REMOVED":
    case "ERROR":
      return "NONE";
    case "HEALTHY":
      if (item.newAccountsAvailable) return isUkOrEu(item.countryCodes) ? "RELINK" : "SELECT_NEW_ACCOUNTS";
      return "NONE";
  }
}
