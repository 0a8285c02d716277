import { passesFilters, sharedAccounts } from "./accounts.js";
import { consentSnapshot, recordLinkConsent, recordUpdateConsent } from "./consent-events.js";
import type { SimulatorContext } from "./context.js";
import { ControlError } from "./control-error.js";
import { PlaidApiError } from "./errors.js";
import { DEFAULT_INSTITUTION_ID, findInstitution } from "./institutions.js";
import { recordLinkSession } from "./link-session-records.js";
import { CONSENT_LIFETIME_MS, SANDBOX_LOGIN_LIFETIME_MS, createItem, institutionOf } from "./items.js";
import { dataScopesFor, isBilledOnInitialisation, useCasesFor } from "./products.js";
import { mostRecentlyBrokenItem } from "./routes/link.js";
import { issuePublicToken } from "./tokens.js";
import type { SimAccount, SimItem, SimItemAddResult, SimLinkAccount, SimLinkToken } from "./types.js";

export interface LinkCompletionInput {
  link_token: string;
  /** Accounts the user ticks in Account Select (update mode: any of the Item's accounts at the bank). */
  account_ids?: string[];
  /** Accounts picked by mask, for new Items whose account_ids do not exist yet. */
  account_masks?: string[];
  institution_id?: string;
}

const linkAccount = (a: SimAccount): SimLinkAccount => ({ id: a.account_id, name: a.name, mask: a.mask, type: a.type, subtype: a.subtype });

function usableLinkToken(ctx: SimulatorContext, token: string): SimLinkToken {
  const record = ctx.state.linkTokens.get(token);
  if (!record) throw new ControlError(400, "INVALID_LINK_TOKEN: unknown link_token");
  if (ctx.clock.nowMs() >= record.expires_at_ms) {
    throw new ControlError(400, `INVALID_LINK_TOKEN: the link_token expired at ${new Date(record.expires_at_ms).toISOString()}; create a new one`);
  }
  return record;
}

function pickAccounts(candidates: SimAccount[], input: LinkCompletionInput): SimAccount[] | null {
  if (input.account_ids) {
    const unknown = input.account_ids.filter((id) => !candidates.some((a) => a.account_id === id));
    if (unknown.length > 0) throw new ControlError(400, `account_ids not offered in this Link session: ${unknown.join(", ")}`);
    return candidates.filter((a) => input.account_ids!.includes(a.account_id));
  }
  if (input.account_masks) {
    const unknown = input.account_masks.filter((m) => !candidates.some((a) => a.mask === m));
    if (unknown.length > 0) throw new ControlError(400, `account_masks not offered in this Link session: ${unknown.join(", ")}`);
    return candidates.filter((a) => input.account_masks!.includes(a.mask));
  }
  return null;
}

function completeNewItem(ctx: SimulatorContext, record: SimLinkToken, input: LinkCompletionInput): SimItemAddResult {
  const institutionId = input.institution_id ?? record.institution_id ?? DEFAULT_INSTITUTION_ID;
  const institution = findInstitution(institutionId);
  if (!institution) throw new ControlError(400, `unknown institution_id ${institutionId}`);
  if (!institution.country_codes.some((c) => record.country_codes.includes(c))) {
    throw new ControlError(400, `${institution.name} is not offered for country_codes ${record.country_codes.join(", ")}`);
  }
  const missing = record.products.filter((p) => !institution.products.includes(p));
  if (missing.length > 0) throw new ControlError(400, `${institution.name} does not support the products ${missing.join(", ")}`);
  if (input.account_ids) throw new ControlError(400, "a new Item has no account_ids yet: select its accounts with account_masks");
  const supported = (list: string[]) => list.filter((p) => institution.products.includes(p));
  const products = [...new Set([...record.products, ...supported(record.required_if_supported_products), ...supported(record.optional_products)])];
  const item = createItem(ctx, {
    institution,
    products,
    consentedProducts: [...products, ...record.additional_consented_products],
    userId: record.user_id,
    webhook: record.webhook,
    accountFilters: record.account_filters,
    accountMasks: input.account_masks ?? null,
  });
  if (item.shared_account_ids.length === 0) {
    ctx.state.items.delete(item.item_id);
    throw new ControlError(400, "NO_ACCOUNTS: no account at this institution passes the link_token's account_filters and selection");
  }
  recordLinkConsent(ctx, item);
  return {
    public_token: issuePublicToken(ctx, item).public_token,
    institution: { institution_id: institution.institution_id, name: institution.name },
    accounts: sharedAccounts(item).map(linkAccount),
  };
}

function updateTarget(ctx: SimulatorContext, record: SimLinkToken): SimItem {
  if (record.mode === "update_item") {
    const item = ctx.state.items.get(record.item_id!);
    if (!item || item.removed_at_ms !== null) throw new ControlError(400, "the Item of this link_token has been removed");
    return item;
  }
  const user = ctx.state.users.get(record.user_id!);
  if (!user) throw new ControlError(400, "the user of this link_token no longer exists");
  try {
    return mostRecentlyBrokenItem(ctx, user, record.update_item_ids);
  } catch (err) {
    if (err instanceof PlaidApiError) throw new ControlError(400, err.body.error_message);
    throw err;
  }
}

/** Finishing update mode: same access token and item_id, login error cleared, consent renewed, no webhook. */
function completeUpdate(ctx: SimulatorContext, record: SimLinkToken, input: LinkCompletionInput): SimItemAddResult & { item_id: string } {
  const item = updateTarget(ctx, record);
  const candidates = item.bank_accounts.filter((a) => passesFilters(a, record.account_filters));
  if ((input.account_ids || input.account_masks) && !record.account_selection_enabled) {
    throw new ControlError(400, "this link_token was created without update.account_selection_enabled, so Link shows no Account Select pane");
  }
  const before = consentSnapshot(item);
  const selected = pickAccounts(candidates, input);
  if (selected) {
    if (selected.length === 0) throw new ControlError(400, "select at least one account");
    item.shared_account_ids = selected.map((a) => a.account_id);
  }
  const now = ctx.clock.nowMs();
  item.error = null;
  item.login_valid_until_ms = now + SANDBOX_LOGIN_LIFETIME_MS;
  item.pending_disconnect = null;
  const consentRenewed = item.consent_expiration_ms !== null;
  if (consentRenewed) {
    item.consent_expiration_ms = now + CONSENT_LIFETIME_MS;
    item.pending_expiration_sent_for_ms = null;
  }
  for (const product of record.products) {
    if (!item.products.includes(product)) item.products.push(product);
    if (isBilledOnInitialisation(product) && !item.billed_products.includes(product)) item.billed_products.push(product);
  }
  item.consented_products = [...new Set([...item.consented_products, ...record.products, ...record.additional_consented_products])];
  item.consented_use_cases = useCasesFor(item.consented_products);
  item.consented_data_scopes = dataScopesFor(item.consented_products);
  recordUpdateConsent(ctx, item, before, consentRenewed);
  ctx.logger.info({ item_id: item.item_id }, "update mode completed");
  const institution = institutionOf(item);
  return {
    item_id: item.item_id,
    // Link's onSuccess still hands over a public_token; exchanging it yields the same Item and access token.
    public_token: issuePublicToken(ctx, item).public_token,
    institution: { institution_id: institution.institution_id, name: institution.name },
    accounts: sharedAccounts(item).map(linkAccount),
  };
}

/** What an end user finishing Link does with this link_token; the session is kept for /link/token/get. */
export function completeLinkSession(ctx: SimulatorContext, input: LinkCompletionInput): Record<string, unknown> {
  if (typeof input.link_token !== "string") throw new ControlError(400, "link_token is required");
  const record = usableLinkToken(ctx, input.link_token);
  if (record.mode === "transfer") {
    recordLinkSession(ctx, record, null);
    return { transfer_authorization_id: record.transfer_authorization_id, accounts: [] };
  }
  const result = record.mode === "new_item" ? completeNewItem(ctx, record, input) : completeUpdate(ctx, record, input);
  recordLinkSession(ctx, record, { public_token: result.public_token, institution: result.institution, accounts: result.accounts });
  return { ...result };
}
