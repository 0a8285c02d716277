import { createBankAccounts, passesFilters, type AccountFilters } from "./accounts.js";
import type { SimulatorContext } from "./context.js";
import { isoSeconds } from "./clock.js";
import { documentationUrl, plaidError, type PlaidApiError, type PlaidErrorBody } from "./errors.js";
import { newAccessToken, newItemId } from "./ids.js";
import { findInstitution, hasConsentExpiration, type Institution } from "./institutions.js";
import { dataScopesFor, isBilledOnInitialisation, useCasesFor } from "./products.js";
import type { SimItem } from "./types.js";

export const DAY_MS = 24 * 60 * 60 * 1000;
/** Sandbox Items turn ITEM_LOGIN_REQUIRED 30 days after their last successful login. */
export const SANDBOX_LOGIN_LIFETIME_MS = 30 * DAY_MS;
/** UK/EU consent lasts 12 months and is renewed for 12 months by update mode. */
export const CONSENT_LIFETIME_MS = 365 * DAY_MS;

export function institutionOf(item: SimItem): Institution {
  const institution = findInstitution(item.institution_id);
  if (!institution) throw new Error(`unknown institution ${item.institution_id}`);
  return institution;
}

export interface NewItemSpec {
  institution: Institution;
  products: string[];
  consentedProducts: string[];
  userId: string | null;
  webhook: string | null;
  accountFilters: AccountFilters | null;
  /** When given, only accounts with these masks are shared (what the user ticked in Account Select). */
  accountMasks: string[] | null;
}

/** Creates an Item as a successful Link session (or /sandbox/public_token/create) does. */
export function createItem(ctx: SimulatorContext, spec: NewItemSpec): SimItem {
  const now = ctx.clock.nowMs();
  const bankAccounts = createBankAccounts(spec.institution.currency);
  const eligible = bankAccounts.filter((a) => passesFilters(a, spec.accountFilters));
  const shared = spec.accountMasks ? eligible.filter((a) => spec.accountMasks!.includes(a.mask)) : eligible;
  const item: SimItem = {
    item_id: newItemId(),
    access_token: newAccessToken(),
    institution_id: spec.institution.institution_id,
    user_id: spec.userId,
    webhook: spec.webhook,
    products: [...spec.products],
    billed_products: spec.products.filter(isBilledOnInitialisation),
    consented_products: [...new Set(spec.consentedProducts)],
    consented_use_cases: useCasesFor(spec.consentedProducts),
    consented_data_scopes: dataScopesFor(spec.consentedProducts),
    bank_accounts: bankAccounts,
    shared_account_ids: shared.map((a) => a.account_id),
    error: null,
    created_at_ms: now,
    login_valid_until_ms: now + SANDBOX_LOGIN_LIFETIME_MS,
    consent_expiration_ms: hasConsentExpiration(spec.institution) ? now + CONSENT_LIFETIME_MS : null,
    pending_expiration_sent_for_ms: null,
    pending_disconnect: null,
    removed_at_ms: null,
    last_webhook: null,
  };
  ctx.state.addItem(item);
  return item;
}

/** The Item's error as Item objects and webhooks carry it (`status` is added by webhooks only). */
export function itemErrorObject(item: SimItem): PlaidErrorBody | null {
  if (!item.error) return null;
  const err = plaidError(item.error.code);
  // In Item objects and webhooks a revoked permission is an ITEM_ERROR; API calls answer it as INVALID_INPUT.
  const errorType = item.error.code === "USER_PERMISSION_REVOKED" ? "ITEM_ERROR" : err.body.error_type;
  return {
    display_message: err.body.display_message,
    documentation_url: documentationUrl(errorType),
    error_code: item.error.code,
    error_code_reason: item.error.reason,
    error_message: err.body.error_message,
    error_type: errorType,
    suggested_action: null,
  };
}

/** The error every endpoint except /item/get answers while the Item is broken. */
function itemApiError(item: SimItem): PlaidApiError | null {
  if (!item.error) return null;
  const overrides = item.error.reason ? { error_code_reason: item.error.reason } : {};
  return plaidError(item.error.code, overrides);
}

export function assertItemHealthy(item: SimItem): void {
  const error = itemApiError(item);
  if (error) throw error;
}

export function breakItem(item: SimItem, code: string, reason: string | null, nowMs: number): void {
  item.error = { code, reason, since_ms: nowMs };
}

/** Products the Item could still use without having been billed for them. */
function availableProducts(item: SimItem): string[] {
  return institutionOf(item).products.filter((p) => !item.billed_products.includes(p));
}

/** Plaid's plain `Item` (as in /accounts/get, /item/webhook/update and /user/items/get). */
export function toPlainItem(item: SimItem, opts: { withError: boolean }) {
  const institution = institutionOf(item);
  return {
    item_id: item.item_id,
    institution_id: institution.institution_id,
    institution_name: institution.name,
    webhook: item.webhook,
    auth_method: item.products.includes("auth") ? "INSTANT_AUTH" : null,
    error: opts.withError ? itemErrorObject(item) : null,
    available_products: availableProducts(item),
    billed_products: [...item.billed_products],
    products: [...item.products],
    consented_products: [...item.consented_products],
    consent_expiration_time: item.consent_expiration_ms === null ? null : isoSeconds(item.consent_expiration_ms),
    update_type: "background" as const,
  };
}

/** /item/get's `ItemWithConsentFields`. */
export function toItemWithConsentFields(item: SimItem) {
  return {
    ...toPlainItem(item, { withError: true }),
    created_at: isoSeconds(item.created_at_ms),
    consented_use_cases: [...item.consented_use_cases],
    consented_data_scopes: [...item.consented_data_scopes],
  };
}

/** /item/get's `status`: product refresh times (Sandbox refreshes on every call) and the last webhook sent. */
export function itemStatus(item: SimItem, nowMs: number) {
  const refresh = item.error
    ? { last_successful_update: isoSeconds(item.error.since_ms), last_failed_update: isoSeconds(nowMs) }
    : { last_successful_update: isoSeconds(nowMs), last_failed_update: null };
  return {
    ...(item.products.includes("transactions") ? { transactions: refresh } : {}),
    ...(item.products.includes("investments") ? { investments: refresh } : {}),
    last_webhook: item.last_webhook ? { sent_at: isoSeconds(item.last_webhook.sent_at_ms), code_sent: item.last_webhook.code_sent } : null,
  };
}
