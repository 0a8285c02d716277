import type { AccountType } from "./item.js";

export const CONSENT_EVENT_TYPES = ["CONSENT_GRANTED", "CONSENT_REVOKED", "CONSENT_UPDATED"] as const;
export type ConsentEventType = (typeof CONSENT_EVENT_TYPES)[number];
export const CONSENT_EVENT_CODES = ["USER_AGREEMENT", "USE_CASES", "DATA_SCOPES", "ACCOUNT_SCOPES", "REVOCATION"] as const;
export type ConsentEventCode = (typeof CONSENT_EVENT_CODES)[number];
export const CONSENT_INITIATORS = ["PLAID", "DATA_PROVIDER", "CUSTOMER", "END_USER"] as const;
export type ConsentInitiator = (typeof CONSENT_INITIATORS)[number];

export interface ConsentedAccount {
  accountId: string;
  mask: string | null;
  name: string | null;
  officialName: string | null;
  type: AccountType | null;
  subtype: string | null;
}

/** One entry of Plaid's consent log for an Item. */
export interface ConsentEvent {
  itemId: string;
  createdAt: Date;
  eventType: ConsentEventType;
  eventCode: ConsentEventCode;
  institutionId: string | null;
  institutionName: string | null;
  initiator: ConsentInitiator;
  consentedUseCases: string[];
  consentedDataScopes: string[];
  consentedAccounts: ConsentedAccount[];
}
