import { randomBytes } from "node:crypto";
import type { ItemSnapshot, PlaidErrorInfo, PlaidItemState } from "../../src/domain/item.js";

/** A Plaid-like item_id. */
const fakeItemId = (): string => randomBytes(24).toString("base64url").replace(/[-_]/g, "x").slice(0, 37);

/** A Plaid error as the domain keeps it (an Item error unless told otherwise). */
export const plaidError = (errorCode: string, errorType = "ITEM_ERROR"): PlaidErrorInfo => ({
  errorType,
  errorCode,
  errorCodeReason: null,
  message: errorCode,
  displayMessage: null,
});

/** What Plaid reports of a healthy Item, with sensible defaults, for domain tests. */
export function plaidItemState(overrides: Partial<PlaidItemState> = {}): PlaidItemState {
  return {
    itemId: fakeItemId(),
    institutionId: "ins_109508",
    institutionName: "First Platypus Bank",
    webhookUrl: "http://127.0.0.1:4000/webhooks/plaid",
    error: null,
    products: ["transactions"],
    billedProducts: ["transactions"],
    availableProducts: ["balance"],
    consentedProducts: [],
    consentedUseCases: [],
    consentedDataScopes: [],
    consentExpiresAt: null,
    updateType: "BACKGROUND",
    createdAt: new Date(),
    ...overrides,
  };
}

/** A stored-snapshot shape with sensible defaults, for store and domain tests. */
export function makeSnapshot(overrides: Partial<ItemSnapshot> & Pick<ItemSnapshot, "userId">): ItemSnapshot {
  const now = new Date();
  return {
    ...plaidItemState({ createdAt: now }),
    status: "HEALTHY",
    newAccountsAvailable: false,
    disconnectAt: null,
    disconnectReason: null,
    revokedAccountIds: [],
    accountIds: [],
    countryCodes: ["US"],
    syncedAt: now,
    statusChangedAt: now,
    linkedAt: now,
    removedAt: null,
    ...overrides,
  };
}
