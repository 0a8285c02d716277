import type { AccountBase, ConsentEvent as PlaidConsentEvent, Item as PlaidItem, ItemWithConsentFields, PlaidError } from "plaid";
import {
  CONSENT_EVENT_CODES,
  CONSENT_EVENT_TYPES,
  CONSENT_INITIATORS,
  type ConsentEvent,
  type ConsentEventCode,
  type ConsentEventType,
  type ConsentInitiator,
} from "../../domain/consent.js";
import { ACCOUNT_TYPES, type Account, type AccountType, type PlaidErrorInfo, type PlaidItemState } from "../../domain/item.js";

/** The one place Plaid's snake_case shapes become the gateway's own. */

export function mapPlaidError(error: PlaidError | null | undefined): PlaidErrorInfo | null {
  if (!error) return null;
  return {
    errorType: String(error.error_type),
    errorCode: error.error_code,
    errorCodeReason: (error.error_code_reason as string | null | undefined) ?? null,
    message: error.error_message,
    displayMessage: error.display_message ?? null,
  };
}

const date = (value: string | null | undefined): Date | null => {
  if (!value) return null;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
};

export function mapItem(item: ItemWithConsentFields | PlaidItem): PlaidItemState {
  const withConsent = item as Partial<ItemWithConsentFields>;
  return {
    itemId: item.item_id,
    institutionId: item.institution_id ?? null,
    institutionName: item.institution_name ?? null,
    webhookUrl: item.webhook ?? null,
    error: mapPlaidError(item.error),
    products: (item.products ?? []).map(String),
    billedProducts: (item.billed_products ?? []).map(String),
    availableProducts: (item.available_products ?? []).map(String),
    consentedProducts: (item.consented_products ?? []).map(String),
    consentedUseCases: withConsent.consented_use_cases ?? [],
    consentedDataScopes: (withConsent.consented_data_scopes ?? []).map(String),
    consentExpiresAt: date(item.consent_expiration_time),
    updateType: item.update_type === "user_present_required" ? "USER_PRESENT_REQUIRED" : "BACKGROUND",
    createdAt: date(withConsent.created_at),
  };
}

function mapAccountType(type: string | null | undefined): AccountType | null {
  if (!type) return null;
  const upper = type.toUpperCase() as AccountType;
  return ACCOUNT_TYPES.includes(upper) ? upper : "OTHER";
}

export function mapAccount(account: AccountBase): Account {
  return {
    id: account.account_id,
    name: account.name,
    officialName: account.official_name ?? null,
    mask: account.mask ?? null,
    type: mapAccountType(account.type) ?? "OTHER",
    subtype: account.subtype ? String(account.subtype) : null,
  };
}

const oneOf = <T extends string>(values: readonly T[], value: unknown): T | undefined => (values.includes(value as T) ? (value as T) : undefined);

/** A consent event in the gateway's shape; null for an entry whose type, code or initiator this version does not know. */
export function mapConsentEvent(event: PlaidConsentEvent, itemId: string): ConsentEvent | null {
  const createdAt = date(event.created_at);
  const eventType = oneOf<ConsentEventType>(CONSENT_EVENT_TYPES, event.event_type);
  const eventCode = oneOf<ConsentEventCode>(CONSENT_EVENT_CODES, event.event_code);
  const initiator = oneOf<ConsentInitiator>(CONSENT_INITIATORS, event.initiator);
  if (!eventType || !eventCode || !initiator || !createdAt) return null;
  return {
    itemId: event.item_id ?? itemId,
    createdAt,
    eventType,
    eventCode,
    institutionId: event.institution_id ?? null,
    institutionName: event.institution_name ?? null,
    initiator,
    consentedUseCases: event.consented_use_cases ?? [],
    consentedDataScopes: event.consented_data_scopes ?? [],
    consentedAccounts: (event.consented_accounts ?? []).map((account) => ({
      accountId: account.account_id ?? "",
      mask: account.mask ?? null,
      name: account.name ?? null,
      officialName: account.official_name ?? null,
      type: mapAccountType(account.type as string | undefined),
      subtype: account.subtype ? String(account.subtype) : null,
    })),
  };
}
