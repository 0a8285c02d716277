/** Plaid's fixed vocabularies that the gateway checks input against before calling Plaid. */

export const PLAID_PRODUCTS: readonly string[] = [
  "assets", "auth", "balance", "balance_plus", "beacon", "identity", "identity_match", "investments", "investments_auth",
  "liabilities", "payment_initiation", "identity_verification", "transactions", "credit_details", "income",
  "income_verification", "standing_orders", "transfer", "employment", "recurring_transactions", "transactions_refresh",
  "signal", "statements", "processor_payments", "processor_identity", "profile", "cra_base_report", "cra_income_insights",
  "cra_partner_insights", "cra_network_insights", "cra_cashflow_insights", "cra_monitoring", "cra_lend_score",
  "cra_plaid_credit_score", "layer", "pay_by_bank", "protect_linked_bank", "protect_transactions",
];

export const PLAID_COUNTRY_CODES: readonly string[] = [
  "US", "GB", "ES", "NL", "FR", "IE", "CA", "DE", "IT", "PL", "DK", "NO", "SE", "EE", "LT", "LV", "PT", "BE", "AT", "FI",
];

export const LINK_LANGUAGES: readonly string[] = ["da", "nl", "en", "et", "fr", "de", "hi", "it", "lv", "lt", "no", "pl", "pt", "ro", "es", "sv", "vi"];
