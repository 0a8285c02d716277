/** Plaid's product names and what each product means for billing and consent. */
import { PLAID_PRODUCTS } from "../domain/plaid-vocabulary.js";

/** The `Products` enum of Plaid's OpenAPI spec (2020-09-14): the same vocabulary the gateway checks its input against. */
export const PRODUCTS = PLAID_PRODUCTS;

/** Products that may be initialised through update mode's `products` to add an underwriting product. */
export const CREDIT_PRODUCTS: readonly string[] = ["assets", "statements", "income_verification"];
/** Products that turn on Update Mode with Product Validations when passed in update mode's `products`. */
export const VALIDATION_PRODUCTS: readonly string[] = ["auth", "identity"];

/** Products that Plaid initialises implicitly or bills per call: never accepted as initial products. */
export const NOT_INITIALISABLE: readonly string[] = ["balance"];

/** Products billed per call rather than per Item: they never appear in `billed_products`. */
const PAY_PER_CALL: readonly string[] = ["balance", "identity_match", "signal", "transactions_refresh", "balance_plus"];

export const isBilledOnInitialisation = (product: string): boolean => !PAY_PER_CALL.includes(product);

const DATA_SCOPES: Record<string, readonly string[]> = {
  auth: ["account_routing_number"],
  transfer: ["account_routing_number"],
  processor_payments: ["account_routing_number"],
  identity: ["contact_info"],
  identity_match: ["contact_info"],
  processor_identity: ["contact_info"],
  transactions: ["transactions"],
  recurring_transactions: ["transactions"],
  liabilities: ["credit_loan_info"],
  investments: ["investments"],
  investments_auth: ["investments"],
  employment: ["payroll_info"],
  income: ["payroll_info"],
  income_verification: ["income_verification_paystubs_info", "income_verification_bank_statements"],
  statements: ["bank_statements"],
  signal: ["risk_info"],
  protect_linked_bank: ["fraud_info"],
};

/** The data scopes a user consents to when sharing these products; account and balance info always come first. */
export function dataScopesFor(products: Iterable<string>): string[] {
  const scopes = new Set<string>(["account_balance_info"]);
  for (const product of products) for (const scope of DATA_SCOPES[product] ?? []) scopes.add(scope);
  return [...scopes];
}

const USE_CASES: Record<string, string> = {
  auth: "Send and receive money",
  transfer: "Send and receive money",
  signal: "Send and receive money",
  transactions: "Track and manage your finances",
  liabilities: "Track and manage your finances",
  investments: "Track and manage your finances",
  balance_plus: "Track and manage your finances",
  identity: "Verify your identity",
  identity_match: "Verify your identity",
  assets: "Apply for credit",
  statements: "Apply for credit",
  income_verification: "Apply for credit",
  employment: "Apply for credit",
};

/** The use cases a Link customization shows for these products (the Data Transparency Messaging pane). */
export function useCasesFor(products: Iterable<string>): string[] {
  const cases = new Set<string>();
  for (const product of products) {
    const useCase = USE_CASES[product];
    if (useCase) cases.add(useCase);
  }
  if (cases.size === 0) cases.add("Track and manage your finances");
  return [...cases].sort();
}
