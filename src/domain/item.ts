import { PLAID_COUNTRY_CODES } from "./plaid-vocabulary.js";

/** The gateway's view of an Item: what Plaid last said about it plus what webhooks and actions added. */

export const ITEM_STATUSES = ["HEALTHY", "LOGIN_REQUIRED", "PENDING_EXPIRATION", "PENDING_DISCONNECT", "PERMISSION_REVOKED", "ERROR", "REMOVED"] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export const ITEM_ACTIONS = ["NONE", "UPDATE_LOGIN", "SELECT_NEW_ACCOUNTS", "RENEW_CONSENT", "RELINK"] as const;
export type ItemAction = (typeof ITEM_ACTIONS)[number];

export type ItemUpdateType = "BACKGROUND" | "USER_PRESENT_REQUIRED";

/** A Plaid error as the gateway keeps it (camelCase, no HTTP details). */
export interface PlaidErrorInfo {
  errorType: string;
  errorCode: string;
  errorCodeReason: string | null;
  message: string;
  displayMessage: string | null;
}

/** What Plaid's /item/get says about an Item, mapped out of Plaid's shape. */
export interface PlaidItemState {
  itemId: string;
  institutionId: string | null;
  institutionName: string | null;
  webhookUrl: string | null;
  error: PlaidErrorInfo | null;
  products: string[];
  billedProducts: string[];
  availableProducts: string[];
  consentedProducts: string[];
  consentedUseCases: string[];
  consentedDataScopes: string[];
  consentExpiresAt: Date | null;
  updateType: ItemUpdateType;
  createdAt: Date | null;
}

/** The stored snapshot every Item field is served from. */
export interface ItemSnapshot extends PlaidItemState {
  userId: string;
  status: ItemStatus;
  newAccountsAvailable: boolean;
  disconnectAt: Date | null;
  disconnectReason: string | null;
  revokedAccountIds: string[];
  /** Accounts the Item shared when the gateway last looked (link or update), to tell whether an update changed them. */
  accountIds: string[];
  /** Country codes of the Link session that created the Item; decides what update mode can offer. */
  countryCodes: string[];
  syncedAt: Date;
  statusChangedAt: Date;
  linkedAt: Date;
  removedAt: Date | null;
}

export interface Account {
  id: string;
  name: string;
  officialName: string | null;
  mask: string | null;
  type: AccountType;
  subtype: string | null;
}

export const ACCOUNT_TYPES = ["INVESTMENT", "CREDIT", "DEPOSITORY", "LOAN", "BROKERAGE", "OTHER"] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

/** Country codes where Plaid offers no account-selection update: every Plaid country but the US and Canada (UK and EU end users). */
const NO_ACCOUNT_SELECT_COUNTRIES = new Set(PLAID_COUNTRY_CODES.filter((code) => code !== "US" && code !== "CA"));

/** True when the Item was linked for UK/EU end users. */
export function isUkOrEu(countryCodes: readonly string[]): boolean {
  return countryCodes.some((code) => NO_ACCOUNT_SELECT_COUNTRIES.has(code.toUpperCase()));
}
