import { WebhookType, type CountryCode, type LinkTokenAccountFilters, type LinkTokenCreateRequest, type PlaidApi, type Products, type SandboxItemFireWebhookRequestWebhookCodeEnum } from "plaid";
import type { ConsentEvent } from "../../domain/consent.js";
import type { Account, PlaidItemState } from "../../domain/item.js";
import type { Logger } from "../../logger.js";
import { toGatewayError } from "./plaid-errors.js";
import { mapAccount, mapConsentEvent, mapItem } from "./plaid-mapping.js";

/** Reported for every Plaid call (metrics and tests listen). */
export interface PlaidCallRecord {
  endpoint: string;
  ok: boolean;
  durationMs: number;
  requestId: string | null;
  errorCode: string | null;
}

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

export interface UpdateLinkTokenParams {
  clientName: string;
  language: string;
  countryCodes: string[];
  clientUserId: string;
  plaidUserId: string | null;
  /** Exactly one way into update mode. */
  target: { accessToken: string } | { user: true } | { transferAuthorizationId: string };
  accountSelectionEnabled: boolean;
  reauthorizationEnabled: boolean | null;
  accountFilters: Record<string, string[]> | null;
  additionalConsentedProducts: string[];
  products: string[];
  redirectUri: string | null;
  linkCustomizationName: string | null;
  statements: { startDate: string; endDate: string } | null;
}

export interface LinkTokenResult {
  linkToken: string;
  expiration: Date;
  requestId: string;
}

/** A public key Plaid signs webhooks with (ES256, P-256). */
export interface WebhookVerificationKey {
  alg: string;
  crv: string;
  kid: string;
  kty: string;
  use: string;
  x: string;
  y: string;
  createdAt: number;
  /** Unix time the key was retired; null while it is current. */
  expiredAt: number | null;
}

export interface SandboxItemParams {
  institutionId: string;
  products: string[];
  webhook: string | null;
  plaidUserId: string;
}

/** Plaid's HTTP API as the gateway uses it: one method per endpoint, answers in the gateway's shapes. */
export class PlaidDataSource {
  constructor(
    private readonly api: PlaidApi,
    private readonly logger: Logger,
    private readonly onCall: (record: PlaidCallRecord) => void = () => {},
  ) {}

  /** The Plaid user for the application's user id (idempotent at Plaid). */
  async createUser(clientUserId: string): Promise<string> {
    const data = await this.call("/user/create", () => this.api.userCreate({ client_user_id: clientUserId }, true));
    return data.user_id;
  }

  async createNewItemLinkToken(params: NewItemLinkTokenParams): Promise<LinkTokenResult> {
    const data = await this.call("/link/token/create", () =>
      this.api.linkTokenCreate({
        client_name: params.clientName,
        language: params.language,
        country_codes: params.countryCodes as CountryCode[],
        user: { client_user_id: params.clientUserId },
        user_id: params.plaidUserId,
        products: params.products as Products[],
        ...(params.webhook ? { webhook: params.webhook } : {}),
        ...(params.redirectUri ? { redirect_uri: params.redirectUri } : {}),
        ...(params.linkCustomizationName ? { link_customization_name: params.linkCustomizationName } : {}),
      }),
    );
    return { linkToken: data.link_token, expiration: new Date(data.expiration), requestId: data.request_id };
  }

  /** A Link token for update mode (an Item, the user's most recently broken Item, or a transfer authorization). */
  async createUpdateLinkToken(params: UpdateLinkTokenParams): Promise<LinkTokenResult> {
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
    const data = await this.call("/link/token/create", () => this.api.linkTokenCreate(request));
    return { linkToken: data.link_token, expiration: new Date(data.expiration), requestId: data.request_id };
  }

  async exchangePublicToken(publicToken: string): Promise<{ accessToken: string; itemId: string }> {
    const data = await this.call("/item/public_token/exchange", () => this.api.itemPublicTokenExchange({ public_token: publicToken }));
    return { accessToken: data.access_token, itemId: data.item_id };
  }

  async getItem(accessToken: string): Promise<PlaidItemState> {
    const data = await this.call("/item/get", () => this.api.itemGet({ access_token: accessToken }));
    return mapItem(data.item);
  }

  async getAccounts(accessToken: string): Promise<Account[]> {
    const data = await this.call("/accounts/get", () => this.api.accountsGet({ access_token: accessToken }));
    return data.accounts.map(mapAccount);
  }

  async getConsentEvents(accessToken: string, itemId: string): Promise<ConsentEvent[]> {
    const data = await this.call("/consent/events/get", () => this.api.consentEventsGet({ access_token: accessToken }));
    return data.consent_events.map((event) => mapConsentEvent(event, itemId)).filter((event): event is ConsentEvent => event !== null);
  }

  /** Removes the Item at Plaid; its access token stops working. */
  async removeItem(accessToken: string): Promise<string> {
    const data = await this.call("/item/remove", () => this.api.itemRemove({ access_token: accessToken }));
    return data.request_id;
  }

  /** Removes several of a user's Items in one call; Plaid removes all of them or none. */
  async removeUserItems(plaidUserId: string, itemIds: string[]): Promise<string> {
    const data = await this.call("/user/items/remove", () => this.api.userItemsRemove({ user_id: plaidUserId, item_ids: itemIds }));
    return data.request_id;
  }

  /** Sandbox only: puts the Item into ITEM_LOGIN_REQUIRED. */
  async sandboxResetLogin(accessToken: string): Promise<boolean> {
    const data = await this.call("/sandbox/item/reset_login", () => this.api.sandboxItemResetLogin({ access_token: accessToken }));
    return data.reset_login;
  }

  /** Sandbox only: has Plaid fire an ITEM webhook for the Item. */
  async sandboxFireItemWebhook(accessToken: string, code: string): Promise<boolean> {
    const data = await this.call("/sandbox/item/fire_webhook", () =>
      this.api.sandboxItemFireWebhook({
        access_token: accessToken,
        webhook_type: WebhookType.Item,
        webhook_code: code as SandboxItemFireWebhookRequestWebhookCodeEnum,
      }),
    );
    return data.webhook_fired;
  }

  /** The key with this id from /webhook_verification_key/get. */
  async getWebhookVerificationKey(keyId: string): Promise<WebhookVerificationKey> {
    const data = await this.call("/webhook_verification_key/get", () => this.api.webhookVerificationKeyGet({ key_id: keyId }));
    const { created_at, expired_at, ...jwk } = data.key;
    return { ...jwk, createdAt: created_at, expiredAt: expired_at ?? null };
  }

  /** Sandbox only: a public token for a new Item without Link. */
  async sandboxCreatePublicToken(params: SandboxItemParams): Promise<string> {
    const data = await this.call("/sandbox/public_token/create", () =>
      this.api.sandboxPublicTokenCreate({
        institution_id: params.institutionId,
        initial_products: params.products as Products[],
        user_id: params.plaidUserId,
        ...(params.webhook ? { options: { webhook: params.webhook } } : {}),
      }),
    );
    return data.public_token;
  }

  private async call<T extends { request_id: string }>(endpoint: string, send: () => Promise<{ data: T }>): Promise<T> {
    const started = performance.now();
    try {
      const { data } = await send();
      const durationMs = Math.round(performance.now() - started);
      this.logger.debug({ endpoint, requestId: data.request_id, durationMs }, "plaid call");
      this.onCall({ endpoint, ok: true, durationMs, requestId: data.request_id, errorCode: null });
      return data;
    } catch (error) {
      const mapped = toGatewayError(endpoint, error);
      const durationMs = Math.round(performance.now() - started);
      const plaid = (mapped.extensions.plaid ?? null) as { errorCode?: string; requestId?: string | null } | null;
      this.logger.info({ endpoint, durationMs, code: mapped.code, plaidErrorCode: plaid?.errorCode, requestId: plaid?.requestId }, "plaid call failed");
      this.onCall({ endpoint, ok: false, durationMs, requestId: plaid?.requestId ?? null, errorCode: plaid?.errorCode ?? mapped.code });
      throw mapped;
    }
  }
}
