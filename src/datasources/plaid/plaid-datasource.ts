import { WebhookType, type PlaidApi, type Products, type SandboxItemFireWebhookRequestWebhookCodeEnum } from "plaid";
import type { ConsentEvent } from "../../domain/consent.js";
import type { Account, PlaidItemState } from "../../domain/item.js";
import type { Logger } from "../../logger.js";
import { PlaidApiError, type GatewayError } from "../../domain/errors.js";
import { isTransientFailure, toGatewayError } from "./plaid-errors.js";
import {
  mapLinkTokenDetails,
  newItemLinkTokenRequest,
  updateLinkTokenRequest,
  type LinkTokenDetails,
  type NewItemLinkTokenParams,
  type UpdateLinkTokenParams,
} from "./plaid-link-tokens.js";
import { PlaidResilience, type AttemptOptions, type PlaidResilienceOptions } from "./plaid-policies.js";
import { mapAccount, mapConsentEvent, mapItem } from "./plaid-mapping.js";

/** Reported for every Plaid call (metrics and tests listen). */
export interface PlaidCallRecord {
  endpoint: string;
  ok: boolean;
  durationMs: number;
  requestId: string | null;
  errorCode: string | null;
  /** 1 for the first attempt; retries of a read count up. */
  attempt?: number;
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
  private readonly resilience: PlaidResilience;

  constructor(
    private readonly api: PlaidApi,
    private readonly logger: Logger,
    private readonly onCall: (record: PlaidCallRecord) => void = () => {},
    /** Timeouts, retries, circuit breakers and 429 cool-downs (defaults: plaid-policies.ts). */
    resilience: PlaidResilienceOptions = {},
  ) {
    this.resilience = new PlaidResilience(resilience, {
      onRetry: ({ endpoint, attempt, delayMs, error }) =>
        logger.info({ endpoint, attempt, delayMs: Math.round(delayMs), code: (error as GatewayError | null)?.code }, "retrying a plaid call"),
      onCircuit: ({ family, state, retryAt }) => {
        if (state === "open") logger.warn({ family, retryAt }, "plaid circuit open: calls to this endpoint family fail fast");
        else logger.info({ family, state }, `plaid circuit ${state}`);
      },
      onCoolDown: ({ endpoint, until, errorCode }) => logger.info({ endpoint, until, errorCode }, "plaid rate limit: pausing this Item's calls to the endpoint"),
    });
  }

  /** The Plaid user for the application's user id (idempotent at Plaid). */
  async createUser(clientUserId: string): Promise<string> {
    const data = await this.call("/user/create", (o) => this.api.userCreate({ client_user_id: clientUserId }, true, o));
    return data.user_id;
  }

  async createNewItemLinkToken(params: NewItemLinkTokenParams): Promise<LinkTokenResult> {
    const data = await this.call("/link/token/create", (o) => this.api.linkTokenCreate(newItemLinkTokenRequest(params), o));
    return { linkToken: data.link_token, expiration: new Date(data.expiration), requestId: data.request_id };
  }

  /** A Link token for update mode (an Item, the user's most recently broken Item, or a transfer authorization). */
  async createUpdateLinkToken(params: UpdateLinkTokenParams): Promise<LinkTokenResult> {
    const data = await this.call("/link/token/create", (o) => this.api.linkTokenCreate(updateLinkTokenRequest(params), o));
    return { linkToken: data.link_token, expiration: new Date(data.expiration), requestId: data.request_id };
  }

  /**
   * What Plaid reports of a link token and the Link sessions opened with it. Plaid lists non-Hosted-Link
   * sessions only for accounts with Link events enabled.
   */
  async getLinkToken(linkToken: string): Promise<LinkTokenDetails> {
    const data = await this.call("/link/token/get", (o) => this.api.linkTokenGet({ link_token: linkToken }, o));
    return mapLinkTokenDetails(data);
  }

  async exchangePublicToken(publicToken: string): Promise<{ accessToken: string; itemId: string }> {
    const data = await this.call("/item/public_token/exchange", (o) => this.api.itemPublicTokenExchange({ public_token: publicToken }, o));
    return { accessToken: data.access_token, itemId: data.item_id };
  }

  async getItem(accessToken: string): Promise<PlaidItemState> {
    const data = await this.call("/item/get", (o) => this.api.itemGet({ access_token: accessToken }, o), accessToken);
    return mapItem(data.item);
  }

  /** Points the Item's webhooks at `webhook`; Plaid acknowledges there with WEBHOOK_UPDATE_ACKNOWLEDGED. */
  async updateItemWebhook(accessToken: string, webhook: string): Promise<string | null> {
    const data = await this.call("/item/webhook/update", (o) => this.api.itemWebhookUpdate({ access_token: accessToken, webhook }, o));
    return data.item.webhook ?? null;
  }

  async getAccounts(accessToken: string): Promise<Account[]> {
    const data = await this.call("/accounts/get", (o) => this.api.accountsGet({ access_token: accessToken }, o), accessToken);
    return data.accounts.map(mapAccount);
  }

  async getConsentEvents(accessToken: string, itemId: string): Promise<ConsentEvent[]> {
    const data = await this.call("/consent/events/get", (o) => this.api.consentEventsGet({ access_token: accessToken }, o), accessToken);
    return data.consent_events.map((event) => mapConsentEvent(event, itemId)).filter((event): event is ConsentEvent => event !== null);
  }

  /** Removes the Item at Plaid; its access token stops working. */
  async removeItem(accessToken: string): Promise<string> {
    const data = await this.call("/item/remove", (o) => this.api.itemRemove({ access_token: accessToken }, o));
    return data.request_id;
  }

  /**
   * Rotates the Item's access token: Plaid answers a new one and refuses the one sent from then on.
   * Sent once, never again after a failure: the first attempt may have reached Plaid.
   */
  async invalidateAccessToken(accessToken: string): Promise<{ newAccessToken: string; requestId: string }> {
    const data = await this.call("/item/access_token/invalidate", (o) => this.api.itemAccessTokenInvalidate({ access_token: accessToken }, o));
    return { newAccessToken: data.new_access_token, requestId: data.request_id };
  }

  /** Removes several of a user's Items in one call; Plaid removes all of them or none. */
  async removeUserItems(plaidUserId: string, itemIds: string[]): Promise<string> {
    const data = await this.call("/user/items/remove", (o) => this.api.userItemsRemove({ user_id: plaidUserId, item_ids: itemIds }, o));
    return data.request_id;
  }

  /** Sandbox only: puts the Item into ITEM_LOGIN_REQUIRED. */
  async sandboxResetLogin(accessToken: string): Promise<boolean> {
    const data = await this.call("/sandbox/item/reset_login", (o) => this.api.sandboxItemResetLogin({ access_token: accessToken }, o));
    return data.reset_login;
  }

  /** Sandbox only: has Plaid fire an ITEM webhook for the Item. */
  async sandboxFireItemWebhook(accessToken: string, code: string): Promise<boolean> {
    const data = await this.call("/sandbox/item/fire_webhook", (o) =>
      this.api.sandboxItemFireWebhook(
        {
          access_token: accessToken,
          webhook_type: WebhookType.Item,
          webhook_code: code as SandboxItemFireWebhookRequestWebhookCodeEnum,
        },
        o,
      ),
    );
    return data.webhook_fired;
  }

  /** The key with this id from /webhook_verification_key/get. */
  async getWebhookVerificationKey(keyId: string): Promise<WebhookVerificationKey> {
    const data = await this.call("/webhook_verification_key/get", (o) => this.api.webhookVerificationKeyGet({ key_id: keyId }, o));
    const { created_at, expired_at, ...jwk } = data.key;
    return { ...jwk, createdAt: created_at, expiredAt: expired_at ?? null };
  }

  /**
   * Whether Plaid accepts this gateway's client id and secret. Lists the Items of a user that cannot
   * exist (read-only, touches no Item): Plaid checks the credentials first, so any answer but
   * INVALID_API_KEYS means they are accepted; "unknown" when Plaid could not be asked. Outside call():
   * a check is not traffic, and its expected error would count as a failed call.
   */
  async checkCredentials(timeoutMs = 5_000): Promise<"accepted" | "refused" | "unknown"> {
    const endpoint = "/user/items/get";
    try {
      await this.api.userItemsGet({ user_id: "gateway-credentials-check" }, { signal: AbortSignal.timeout(timeoutMs), timeout: timeoutMs });
      return "accepted";
    } catch (error) {
      const mapped = toGatewayError(endpoint, error);
      if (!(mapped instanceof PlaidApiError) || isTransientFailure(mapped)) return "unknown";
      return mapped.plaid.errorCode === "INVALID_API_KEYS" ? "refused" : "accepted";
    }
  }

  /** Sandbox only: a public token for a new Item without Link. */
  async sandboxCreatePublicToken(params: SandboxItemParams): Promise<string> {
    const data = await this.call("/sandbox/public_token/create", (o) =>
      this.api.sandboxPublicTokenCreate(
        {
          institution_id: params.institutionId,
          initial_products: params.products as Products[],
          user_id: params.plaidUserId,
          ...(params.webhook ? { options: { webhook: params.webhook } } : {}),
        },
        o,
      ),
    );
    return data.public_token;
  }

  /**
   * One Plaid call under its endpoint's policy (timeout, retries for reads, the family's circuit,
   * the per-Item 429 cool-down when `itemKey` names the Item). Every attempt is reported; what is
   * logged or thrown is only ever the gateway error, never the HTTP client's (which carries the
   * secret and the access token in its request config).
   */
  private async call<T extends { request_id: string }>(endpoint: string, send: (options: AttemptOptions) => Promise<{ data: T }>, itemKey?: string): Promise<T> {
    const started = performance.now();
    let attempt = 0;
    try {
      return await this.resilience.execute(
        endpoint,
        async (options) => {
          const number = ++attempt;
          const attemptStarted = performance.now();
          try {
            const { data } = await send(options);
            const durationMs = Math.round(performance.now() - attemptStarted);
            this.logger.debug({ endpoint, attempt: number, plaidRequestId: data.request_id, durationMs }, "plaid call");
            this.onCall({ endpoint, ok: true, durationMs, requestId: data.request_id, errorCode: null, attempt: number });
            return data;
          } catch (error) {
            const mapped = toGatewayError(endpoint, error);
            const plaid = plaidFields(mapped);
            const durationMs = Math.round(performance.now() - attemptStarted);
            this.onCall({ endpoint, ok: false, durationMs, requestId: plaid?.requestId ?? null, errorCode: plaid?.errorCode ?? mapped.code, attempt: number });
            this.logger.debug(
              { endpoint, attempt: number, plaidRequestId: plaid?.requestId ?? undefined, code: mapped.code, plaidErrorCode: plaid?.errorCode, durationMs },
              "plaid call attempt failed",
            );
            throw mapped;
          }
        },
        itemKey,
      );
    } catch (error) {
      const mapped = toGatewayError(endpoint, error);
      const plaid = plaidFields(mapped);
      const durationMs = Math.round(performance.now() - started);
      const attempted = attempt > 0 ? "plaid call failed" : "plaid call not attempted";
      // Plaid's own message is not logged (its code and request id identify the failure); the gateway's are.
      // plaidRequestId is Plaid's request_id; requestId, added by the logger, is the gateway request's.
      const reason = plaid ? undefined : mapped.message;
      this.logger.info({ endpoint, attempts: attempt, durationMs, code: mapped.code, reason, plaidErrorCode: plaid?.errorCode, plaidRequestId: plaid?.requestId }, attempted);
      throw mapped;
    }
  }
}

const plaidFields = (error: GatewayError) => (error.extensions.plaid ?? null) as { errorCode?: string; requestId?: string | null } | null;
