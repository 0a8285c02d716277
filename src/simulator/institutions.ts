/** The Sandbox institutions the simulator knows. Unknown ids are rejected with INVALID_INSTITUTION. */
export interface Institution {
  institution_id: string;
  name: string;
  country_codes: readonly string[];
  /** OAuth institutions in the UK/EU carry a consent expiration (12 months) on their Items. */
  oauth: boolean;
  products: readonly string[];
  currency: string;
}

const US_PRODUCTS = [
  "assets",
  "auth",
  "balance",
  "balance_plus",
  "identity",
  "identity_match",
  "investments",
  "investments_auth",
  "liabilities",
  "transactions",
  "recurring_transactions",
  "transactions_refresh",
  "income_verification",
  "statements",
  "signal",
  "transfer",
  "employment",
];

const GB_PRODUCTS = ["auth", "balance", "identity", "transactions", "payment_initiation", "standing_orders"];

const usBank = (institution_id: string, name: string): Institution => ({
  institution_id,
  name,
  country_codes: ["US"],
  oauth: false,
  products: US_PRODUCTS,
  currency: "USD",
});

export const INSTITUTIONS: readonly Institution[] = [
  usBank("ins_109508", "First Platypus Bank"),
  usBank("ins_109509", "First Gingham Credit Union"),
  usBank("ins_109510", "Tattersall Federal Credit Union"),
  usBank("ins_109511", "Tartan Bank"),
  usBank("ins_109512", "Houndstooth Bank"),
  {
    institution_id: "ins_117650",
    name: "Royal Bank of Plaid",
    country_codes: ["GB"],
    oauth: true,
    products: GB_PRODUCTS,
    currency: "GBP",
  },
];

export const DEFAULT_INSTITUTION_ID = "ins_109508";

export function findInstitution(institutionId: string): Institution | undefined {
  return INSTITUTIONS.find((i) => i.institution_id === institutionId);
}

/** Account Select update mode exists only for end-user accounts in the US and Canada. */
export const ACCOUNT_SELECT_COUNTRIES: readonly string[] = ["US", "CA"];

/** Consent given at UK/EU OAuth institutions lasts 12 months. */
export function hasConsentExpiration(institution: Institution): boolean {
  return institution.oauth && !institution.country_codes.some((c) => ACCOUNT_SELECT_COUNTRIES.includes(c));
}
