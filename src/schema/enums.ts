import { registerEnumType } from "type-graphql";
import { CONSENT_EVENT_CODES, CONSENT_EVENT_TYPES, CONSENT_INITIATORS } from "../domain/consent.js";
import { ACCOUNT_TYPES, ITEM_ACTIONS, ITEM_STATUSES } from "../domain/item.js";
import { SANDBOX_ITEM_WEBHOOK_CODES } from "../domain/sandbox-webhooks.js";
import {
  ACCOUNT_TYPE_VALUES,
  CONSENT_EVENT_CODE_VALUES,
  CONSENT_EVENT_TYPE_VALUES,
  CONSENT_INITIATOR_VALUES,
  ITEM_ACTION_VALUES,
  ITEM_STATUS_VALUES,
  ITEM_UPDATE_TYPE_VALUES,
  SANDBOX_ITEM_WEBHOOK_CODE_VALUES,
} from "./descriptions/enum-values.js";

/** A GraphQL enum object whose values are the names themselves, from a domain list. */
function enumOf<const T extends readonly string[]>(values: T): { [K in T[number]]: K } {
  return Object.fromEntries(values.map((value) => [value, value])) as { [K in T[number]]: K };
}

export const ItemStatus = enumOf(ITEM_STATUSES);
registerEnumType(ItemStatus, {
  name: "ItemStatus",
  description:
    "Health of an Item as the gateway knows it, from Plaid's /item/get (`item.error`, `consent_expiration_time`), Plaid's ITEM webhooks and the errors of Plaid calls made for the Item. " +
    "`Item.recommendedAction` turns it into what the app should do; `Item.error` says which Plaid error is behind LOGIN_REQUIRED, PERMISSION_REVOKED and ERROR.",
  valuesConfig: ITEM_STATUS_VALUES,
});

export const ItemAction = enumOf(ITEM_ACTIONS);
registerEnumType(ItemAction, {
  name: "ItemAction",
  description:
    "What the app should ask the user to do next, and with which Link mode. An update-mode session for an Item ends, after Link's onSuccess, with `completeUpdate(itemId)`: Plaid sends no webhook for a repair made in the app's own session.",
  valuesConfig: ITEM_ACTION_VALUES,
});

export const ItemUpdateType = enumOf(["BACKGROUND", "USER_PRESENT_REQUIRED"] as const);
registerEnumType(ItemUpdateType, {
  name: "ItemUpdateType",
  description: "Whether Plaid can refresh the Item without the user present (Plaid's `update_type` from /item/get).",
  valuesConfig: ITEM_UPDATE_TYPE_VALUES,
});

export const AccountType = enumOf(ACCOUNT_TYPES);
registerEnumType(AccountType, {
  name: "AccountType",
  description:
    "Plaid's account `type`, upper-cased. A type Plaid adds later is served as OTHER, so the list here stays closed; the finer kind of account is in the `subtype` string beside it.",
  valuesConfig: ACCOUNT_TYPE_VALUES,
});

export const ConsentEventType = enumOf(CONSENT_EVENT_TYPES);
registerEnumType(ConsentEventType, {
  name: "ConsentEventType",
  description: "The broad kind of a consent event (Plaid's `event_type` from /consent/events/get).",
  valuesConfig: CONSENT_EVENT_TYPE_VALUES,
});

export const ConsentEventCode = enumOf(CONSENT_EVENT_CODES);
registerEnumType(ConsentEventCode, {
  name: "ConsentEventCode",
  description:
    "What a consent event is about (Plaid's `event_code` from /consent/events/get). One Link session records USER_AGREEMENT, USE_CASES, DATA_SCOPES and ACCOUNT_SCOPES, each CONSENT_GRANTED.",
  valuesConfig: CONSENT_EVENT_CODE_VALUES,
});

export const ConsentInitiator = enumOf(CONSENT_INITIATORS);
registerEnumType(ConsentInitiator, {
  name: "ConsentInitiator",
  description: "Who started the consent change (Plaid's `initiator` from /consent/events/get).",
  valuesConfig: CONSENT_INITIATOR_VALUES,
});

export const SandboxItemWebhookCode = enumOf(SANDBOX_ITEM_WEBHOOK_CODES);
registerEnumType(SandboxItemWebhookCode, {
  name: "SandboxItemWebhookCode",
  description:
    "ITEM webhooks Plaid can be asked to fire for an Item in Sandbox (`sandboxFireWebhook`). Each value says what the Item shows once the gateway has taken the webhook in.",
  valuesConfig: SANDBOX_ITEM_WEBHOOK_CODE_VALUES,
});
