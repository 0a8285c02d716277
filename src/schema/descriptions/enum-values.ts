import type { ConsentEventCode, ConsentEventType, ConsentInitiator } from "../../domain/consent.js";
import type { AccountType, ItemAction, ItemStatus, ItemUpdateType } from "../../domain/item.js";
import type { SandboxItemWebhookCode } from "../../domain/sandbox-webhooks.js";

/** What each value of an enum means, for the schema: every value must have one. */
type ValueDescriptions<T extends string> = Record<T, { description: string }>;

export const ITEM_STATUS_VALUES: ValueDescriptions<ItemStatus> = {
  HEALTHY: {
    description:
      "Working: Plaid reports no error and no warning is pending. Nothing for the user to do, unless `newAccountsAvailable` is true (then `recommendedAction` says SELECT_NEW_ACCOUNTS or RELINK).",
  },
  LOGIN_REQUIRED: {
    description:
      "Plaid reports an error the user fixes at the institution: ITEM_LOGIN_REQUIRED, or INVALID_CREDENTIALS, INVALID_MFA, INVALID_UPDATED_USERNAME, ITEM_LOCKED, USER_SETUP_REQUIRED or PASSWORD_RESET_REQUIRED (`error.errorCode` says which). " +
      "Send the user through Link update mode (`recommendedAction` UPDATE_LOGIN).",
  },
  PENDING_EXPIRATION: {
    description:
      "The user's consent expires within 7 days, at `consentExpiresAt` (UK/EU, and a few US OAuth institutions): announced by Plaid's PENDING_EXPIRATION webhook or read from /item/get. " +
      "The Item works until then; renew the consent through update mode (`recommendedAction` RENEW_CONSENT).",
  },
  PENDING_DISCONNECT: {
    description:
      "The institution will disconnect the Item at `disconnectAt` (Plaid's PENDING_DISCONNECT webhook, US and Canada, sent 7 days ahead; `disconnectReason` says why). " +
      "The Item works until then; renew it through update mode (`recommendedAction` RENEW_CONSENT). The gateway keeps this status until `disconnectAt` has passed, unless Plaid reports an error meanwhile.",
  },
  PERMISSION_REVOKED: {
    description:
      "The user revoked access (USER_PERMISSION_REVOKED, from Plaid's webhook or a Plaid call); the Item must be linked again (`recommendedAction` RELINK): connect a new Item through createLinkToken and remove this one with removeItem.",
  },
  ERROR: {
    description:
      "Plaid reports another error for the Item, in /item/get or an ITEM ERROR webhook (`error.errorCode` says which; Plaid's list is open: expect values not listed here). " +
      "There is no Link flow to recommend (`recommendedAction` NONE): show `error.displayMessage` when there is one; `refreshItem` asks Plaid again. A rate limit or an outage at Plaid never sets this status.",
  },
  REMOVED: {
    description:
      "Removed at Plaid (removeItem, removeUserItems, or Plaid answered ITEM_NOT_FOUND) and kept by the gateway for its history, without its access token. " +
      "Lists show it only when their `status` filter asks for REMOVED; its `accounts` and `consentEvents` are empty, and mutations for it answer BAD_USER_INPUT (refreshItem returns it as it is).",
  },
};

export const ITEM_ACTION_VALUES: ValueDescriptions<ItemAction> = {
  NONE: {
    description:
      "Nothing to ask of the user: the Item is HEALTHY without new accounts, REMOVED, or in ERROR (no Link flow fixes that; show `error.displayMessage` when there is one).",
  },
  UPDATE_LOGIN: {
    description:
      "Status LOGIN_REQUIRED: open Link in update mode for this Item with the token of `createUpdateLinkToken(input: { itemId })`, so the user logs in again; after Link's onSuccess call `completeUpdate(itemId)`.",
  },
  SELECT_NEW_ACCOUNTS: {
    description:
      "HEALTHY with `newAccountsAvailable` (Items linked for the US or Canada): open Link in update mode with account selection, `createUpdateLinkToken(input: { itemId, accountSelectionEnabled: true })`, " +
      "so the user can share the new accounts; after Link's onSuccess call `completeUpdate(itemId)`, which clears `newAccountsAvailable` when the shared accounts changed.",
  },
  RENEW_CONSENT: {
    description:
      "Status PENDING_EXPIRATION or PENDING_DISCONNECT: before `consentExpiresAt` or `disconnectAt`, open Link in update mode for this Item, `createUpdateLinkToken(input: { itemId })`, so the user renews consent; " +
      "after Link's onSuccess call `completeUpdate(itemId)`.",
  },
  RELINK: {
    description:
      "Update mode cannot help: status PERMISSION_REVOKED, or new accounts on an Item linked for UK or EU users (Plaid offers no account selection there). " +
      "Open Link for a new Item (`createLinkToken`, then `exchangePublicToken`) and remove this one with `removeItem`.",
  },
};

export const ITEM_UPDATE_TYPE_VALUES: ValueDescriptions<ItemUpdateType> = {
  BACKGROUND: { description: "Plaid updates the Item's data in the background (Plaid's `background`)." },
  USER_PRESENT_REQUIRED: {
    description: "Plaid can update the Item only while the user is present, as with some forms of two-factor authentication (Plaid's `user_present_required`).",
  },
};

export const ACCOUNT_TYPE_VALUES: ValueDescriptions<AccountType> = {
  INVESTMENT: { description: "Investment account (Plaid's `investment`), e.g. subtype brokerage, 401k or ira." },
  CREDIT: { description: "Credit card account (Plaid's `credit`), e.g. subtype credit card or paypal." },
  DEPOSITORY: { description: "Depository account (Plaid's `depository`), e.g. subtype checking, savings or money market." },
  LOAN: { description: "Loan account (Plaid's `loan`), e.g. subtype mortgage, student or auto." },
  BROKERAGE: {
    description:
      "Plaid's `brokerage`, the name of INVESTMENT in Plaid API versions 2018-05-22 and earlier; the gateway uses version 2020-09-14, so do not expect it, and treat it as INVESTMENT.",
  },
  OTHER: { description: "Any other account (Plaid's `other`), and any account type Plaid adds that this schema does not list." },
};

export const CONSENT_EVENT_TYPE_VALUES: ValueDescriptions<ConsentEventType> = {
  CONSENT_GRANTED: { description: "The user gave consent, as in a Link session that connects the Item." },
  CONSENT_REVOKED: { description: "Consent was withdrawn (with event code REVOCATION in Plaid's examples)." },
  CONSENT_UPDATED: { description: "Consent given before was changed, e.g. in Link update mode." },
};

export const CONSENT_EVENT_CODE_VALUES: ValueDescriptions<ConsentEventCode> = {
  USER_AGREEMENT: { description: "The user's agreement itself, as given in Link; its consented lists are usually empty." },
  USE_CASES: { description: "The use cases the user consented to: `consentedUseCases` holds the full list as of this event." },
  DATA_SCOPES: { description: "The data scopes the user consented to: `consentedDataScopes` holds the full list as of this event." },
  ACCOUNT_SCOPES: { description: "The accounts the user shares: `consentedAccounts` holds the full list as of this event." },
  REVOCATION: { description: "Consent was revoked (event type CONSENT_REVOKED)." },
};

export const CONSENT_INITIATOR_VALUES: ValueDescriptions<ConsentInitiator> = {
  PLAID: { description: "Plaid." },
  DATA_PROVIDER: { description: "The data provider: the financial institution." },
  CUSTOMER: { description: "Plaid's customer: the company behind this application." },
  END_USER: { description: "The user, e.g. in Link." },
};

export const SANDBOX_ITEM_WEBHOOK_CODE_VALUES: ValueDescriptions<SandboxItemWebhookCode> = {
  NEW_ACCOUNTS_AVAILABLE: {
    description:
      "Plaid found accounts the user has not shared: `newAccountsAvailable` turns true (a HEALTHY Item's `recommendedAction` becomes SELECT_NEW_ACCOUNTS, or RELINK for UK/EU Items).",
  },
  LOGIN_REPAIRED: {
    description:
      "The user fixed the login outside this app: a LOGIN_REQUIRED Item turns HEALTHY. For an Item in any other status it only makes the gateway confirm the Item with /item/get.",
  },
  PENDING_DISCONNECT: {
    description: "The institution will disconnect the Item: status PENDING_DISCONNECT (unless a more urgent status holds), with `disconnectAt` and `disconnectReason`.",
  },
  PENDING_EXPIRATION: {
    description:
      "The consent expires within 7 days: status PENDING_EXPIRATION (unless a more urgent status holds), with `consentExpiresAt`. " +
      "Simulator only (PLAID_ENV=simulator): Plaid's Sandbox cannot fire it, and asking there answers BAD_USER_INPUT.",
  },
  USER_PERMISSION_REVOKED: { description: "The user revoked access: status PERMISSION_REVOKED, with `error.errorCode` USER_PERMISSION_REVOKED." },
  USER_ACCOUNT_REVOKED: { description: "The user revoked one account at the institution: its id joins `revokedAccountIds`; the status does not change." },
};
