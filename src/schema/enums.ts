import { registerEnumType } from "type-graphql";
import { CONSENT_EVENT_CODES, CONSENT_EVENT_TYPES, CONSENT_INITIATORS } from "../domain/consent.js";
import { ACCOUNT_TYPES, ITEM_ACTIONS, ITEM_STATUSES } from "../domain/item.js";
import { SANDBOX_ITEM_WEBHOOK_CODES } from "../domain/sandbox-webhooks.js";

/** A GraphQL enum object whose values are the names themselves, from a domain list. */
function enumOf<const T extends readonly string[]>(values: T): { [K in T[number]]: K } {
  return Object.fromEntries(values.map((value) => [value, value])) as { [K in T[number]]: K };
}

export const ItemStatus = enumOf(ITEM_STATUSES);
registerEnumType(ItemStatus, {
  name: "ItemStatus",
  description: "Health of an Item as the gateway knows it.",
  valuesConfig: {
    HEALTHY: { description: "Working; nothing for the user to do." },
    LOGIN_REQUIRED: { description: "Plaid reports ITEM_LOGIN_REQUIRED: send the user through Link update mode." },
    PENDING_EXPIRATION: { description: "Consent expires soon (UK/EU): renew it through update mode." },
    PENDING_DISCONNECT: { description: "The institution will disconnect the Item soon: renew it through update mode." },
    PERMISSION_REVOKED: { description: "The user revoked access; the Item must be linked again." },
    ERROR: { description: "Plaid reports another error for the Item." },
    REMOVED: { description: "Removed; kept for its history." },
  },
});

export const ItemAction = enumOf(ITEM_ACTIONS);
registerEnumType(ItemAction, { name: "ItemAction", description: "What the app should ask the user to do next." });

export const ItemUpdateType = enumOf(["BACKGROUND", "USER_PRESENT_REQUIRED"] as const);
registerEnumType(ItemUpdateType, { name: "ItemUpdateType", description: "Whether Plaid can refresh the Item without the user present." });

export const AccountType = enumOf(ACCOUNT_TYPES);
registerEnumType(AccountType, { name: "AccountType" });

export const ConsentEventType = enumOf(CONSENT_EVENT_TYPES);
registerEnumType(ConsentEventType, { name: "ConsentEventType" });

export const ConsentEventCode = enumOf(CONSENT_EVENT_CODES);
registerEnumType(ConsentEventCode, { name: "ConsentEventCode" });

export const ConsentInitiator = enumOf(CONSENT_INITIATORS);
registerEnumType(ConsentInitiator, { name: "ConsentInitiator" });

export const SandboxItemWebhookCode = enumOf(SANDBOX_ITEM_WEBHOOK_CODES);
registerEnumType(SandboxItemWebhookCode, { name: "SandboxItemWebhookCode", description: "ITEM webhooks Plaid can be asked to fire for an Item in Sandbox." });
