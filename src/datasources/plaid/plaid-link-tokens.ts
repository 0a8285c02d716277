import type { CountryCode, LinkSessionSuccessMetadataAccount, LinkTokenAccountFilters, LinkTokenCreateRequest, LinkTokenGetResponse, Products } from "plaid";
import type { CheckedUpdateLinkToken } from "../../domain/update-mode-rules.js";

/** Link tokens in Plaid's shapes: the /link/token/create requests and what /link/token/get answers. */

export interface NewItemLinkTokenParams {
  clientName: string;
  language: string;
  countryCodes: string[];
  clientUserId: string;
  plaidUserId: string;
  products: string[];
  webhook: string | null;
  redirectUri?: string | null;
  linkCustomizationName?: string | null;
}

/** A checked update-mode request (domain/update-mode-rules.ts), addressed to Plaid for one user. */
export interface UpdateLinkTokenParams extends Omit<CheckedUpdateLinkToken, "mode"> {
  clientName: string;
  clientUserId: string;
  plaidUserId: string | null;
  /** Exactly one way into update mode. */
  target: { accessToken: string } | { user: true } | { transferAuthorizationId: string };
}

export function newItemLinkTokenRequest(params: NewItemLinkTokenParams): LinkTokenCreateRequest {
  return {
    client_name: params.clientName,
    language: params.language,
    country_codes: params.countryCodes as CountryCode[],
    user: { client_user_id: params.clientUserId },
    user_id: params.plaidUserId,
    products: params.products as Products[],
    ...(params.webhook ? { webhook: params.webhook } : {}),
    ...(params.redirectUri ? { redirect_uri: params.redirectUri } : {}),
    ...(params.linkCustomizationName ? { link_customization_name: params.linkCustomizationName } : {}),
  };
}

export function updateLinkTokenRequest(params: UpdateLinkTokenParams): LinkTokenCreateRequest {
  const request: LinkTokenCreateRequest = {
    client_name: params.clientName,
    language: params.language,
    country_codes: params.countryCodes as CountryCode[],
    user: { client_user_id: params.clientUserId },
    ...(params.plaidUserId ? { user_id: params.plaidUserId } : {}),
  };
  const update: NonNullable<LinkTokenCreateRequest["update"]> = {};
  if ("accessToken" in params.target) request.access_token = params.target.accessToken;
  if ("user" in params.target) update.user = true;
  if ("transferAuthorizationId" in params.target) request.transfer = { authorization_id: params.target.transferAuthorizationId };
  if (params.accountSelectionEnabled) update.account_selection_enabled = true;
  if (params.reauthorizationEnabled !== null) update.reauthorization_enabled = params.reauthorizationEnabled;
  if (Object.keys(update).length > 0) request.update = update;
  if (params.accountFilters) {
    request.account_filters = Object.fromEntries(
      Object.entries(params.accountFilters).map(([type, subtypes]) => [type, { account_subtypes: subtypes }]),
    ) as LinkTokenAccountFilters;
  }
  if (params.additionalConsentedProducts.length > 0) request.additional_consented_products = params.additionalConsentedProducts as Products[];
  if (params.products.length > 0) request.products = params.products as Products[];
  if (params.redirectUri) request.redirect_uri = params.redirectUri;
  if (params.linkCustomizationName) request.link_customization_name = params.linkCustomizationName;
  if (params.statements) request.statements = { start_date: params.statements.startDate, end_date: params.statements.endDate };
  return request;
}

/** An account a Link session connected, as Link's onSuccess metadata describes it. */
export interface LinkSessionAccount {
  id: string;
  name: string | null;
  mask: string | null;
}

/** An Item a Link session handed over (Link's onSuccess). */
export interface LinkItemAdd {
  publicToken: string;
  institutionId: string | null;
  institutionName: string | null;
  accounts: LinkSessionAccount[];
}

const textOrNull = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);

function mapSessionAccount(account: LinkSessionSuccessMetadataAccount): LinkSessionAccount | null {
  const id = textOrNull(account.id);
  if (!id) return null;
  return { id, name: textOrNull(account.name), mask: textOrNull(account.mask) };
}

/** What Plaid reports of a link token: its countries and every Item its Link sessions handed over. */
export interface LinkTokenDetails {
  countryCodes: string[];
  expiration: Date | null;
  /** From each session's `results.item_add_results`, or its `on_success` where Plaid sends only that. */
  itemAdds: LinkItemAdd[];
}

export function mapLinkTokenDetails(data: LinkTokenGetResponse): LinkTokenDetails {
  const itemAdds: LinkItemAdd[] = [];
  for (const session of data.link_sessions ?? []) {
    const results = session.results?.item_add_results ?? [];
    const adds = results.length > 0 ? results : session.on_success ? [{ public_token: session.on_success.public_token, ...session.on_success.metadata }] : [];
    for (const add of adds) {
      if (typeof add.public_token !== "string") continue;
      itemAdds.push({
        publicToken: add.public_token,
        institutionId: textOrNull(add.institution?.institution_id),
        institutionName: textOrNull(add.institution?.name),
        accounts: (add.accounts ?? []).map(mapSessionAccount).filter((account): account is LinkSessionAccount => account !== null),
      });
    }
  }
  const expiration = data.expiration ? new Date(data.expiration) : null;
  return {
    countryCodes: (data.metadata?.country_codes ?? []).map(String),
    expiration: expiration && !Number.isNaN(expiration.getTime()) ? expiration : null,
    itemAdds,
  };
}
