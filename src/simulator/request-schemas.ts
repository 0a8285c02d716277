import { PRODUCTS } from "./products.js";
import type { FieldSchema, ObjectSchema } from "./request-checks.js";

/**
 * Request schemas of the simulated endpoints, transcribed from Plaid's OpenAPI spec (2020-09-14).
 * Nested objects the simulator interprets are spelled out; the others accept any content (`open`).
 */

const str = (extra: Partial<Extract<FieldSchema, { type: "string" }>> = {}): FieldSchema => ({ type: "string", ...extra });
const bool: FieldSchema = { type: "boolean" };
const open: FieldSchema = { type: "object", open: true };
const strings: FieldSchema = { type: "array", items: str() };
const product = str({ enum: PRODUCTS, product: true });
const productList = (extra: { minItems?: number; nullable?: boolean } = {}): FieldSchema => ({ type: "array", items: product, ...extra });
const obj = (properties: Record<string, FieldSchema>, required: string[] = [], extra: Partial<ObjectSchema> = {}): ObjectSchema => ({
  type: "object",
  properties,
  required,
  ...extra,
});
/** Every request may carry the API keys in its body instead of the headers. */
const request = (properties: Record<string, FieldSchema>, required: string[] = []): ObjectSchema => obj({ client_id: str(), secret: str(), ...properties }, required);

const COUNTRY_CODES = ["US", "GB", "ES", "NL", "FR", "IE", "CA", "DE", "IT", "PL", "DK", "NO", "SE", "EE", "LT", "LV", "PT", "BE", "AT", "FI"] as const;
const LINK_LANGUAGES = ["da", "nl", "en", "et", "fr", "de", "hi", "it", "lv", "lt", "no", "pl", "pt", "ro", "es", "sv", "vi"] as const;

const DEPOSITORY_SUBTYPES = ["checking", "savings", "hsa", "cd", "money market", "paypal", "prepaid", "cash management", "ebt", "limited purpose checking", "all"];
const CREDIT_SUBTYPES = ["credit card", "paypal", "all"];
const LOAN_SUBTYPES = ["auto", "business", "commercial", "construction", "consumer", "home equity", "loan", "mortgage", "overdraft", "line of credit", "student", "other", "all"];
const INVESTMENT_SUBTYPES = [
  "529",
  "401a",
  "401k",
  "403B",
  "457b",
  "brokerage",
  "cash isa",
  "crypto exchange",
  "education savings account",
  "fhsa",
  "fixed annuity",
  "gic",
  "health reimbursement arrangement",
  "hsa",
  "ira",
  "isa",
  "keogh",
  "lif",
  "life insurance",
  "line of credit",
  "lira",
  "lrif",
  "lrsp",
  "mutual fund",
  "non-custodial wallet",
  "non-taxable brokerage account",
  "other",
  "other annuity",
  "other insurance",
  "pension",
  "prif",
  "profit sharing plan",
  "qshr",
  "rdsp",
  "resp",
  "retirement",
  "rlif",
  "roth",
  "roth 401k",
  "roth 403B",
  "roth 457b",
  "roth pension",
  "roth profit sharing plan",
  "roth thrift savings plan",
  "rrif",
  "rrsp",
  "sarsep",
  "sep ira",
  "simple ira",
  "sipp",
  "stock plan",
  "thrift savings plan",
  "tfsa",
  "trust",
  "ugma",
  "utma",
  "variable annuity",
  "all",
];
const OTHER_SUBTYPES = ["other", "all"];

const subtypeFilter = (subtypes: readonly string[], extra: Record<string, FieldSchema> = {}): ObjectSchema =>
  obj({ account_subtypes: { type: "array", items: str({ enum: subtypes }) }, ...extra }, ["account_subtypes"], { open: true });

const accountFilters = obj(
  {
    depository: subtypeFilter(DEPOSITORY_SUBTYPES, { limited_purpose_types: { type: "array", items: str({ enum: ["RENT_MORTGAGE"] }) } }),
    credit: subtypeFilter(CREDIT_SUBTYPES),
    loan: subtypeFilter(LOAN_SUBTYPES),
    investment: subtypeFilter(INVESTMENT_SUBTYPES),
    other: subtypeFilter(OTHER_SUBTYPES),
  },
  [],
  { open: true },
);

const linkUser = obj(
  {
    client_user_id: str({ minLength: 1 }),
    legal_name: str(),
    name: open,
    phone_number: str(),
    phone_number_verified_time: str({ nullable: true, format: "date-time" }),
    email_address: str(),
    email_address_verified_time: str({ nullable: true, format: "date-time" }),
    ssn: str(),
    date_of_birth: str({ nullable: true, format: "date" }),
    address: open,
    id_number: open,
  },
  ["client_user_id"],
);

const dateRange = obj({ start_date: str({ format: "date" }), end_date: str({ format: "date" }) }, ["start_date", "end_date"]);

const linkTokenCreate = request(
  {
    client_name: str({ minLength: 1 }),
    language: str({ minLength: 1, enum: LINK_LANGUAGES }),
    country_codes: { type: "array", minItems: 1, items: str({ enum: COUNTRY_CODES }) },
    user: linkUser,
    user_id: str(),
    user_token: str(),
    products: productList({ nullable: true }),
    required_if_supported_products: productList({ nullable: true }),
    optional_products: productList({ nullable: true }),
    additional_consented_products: productList({ nullable: true }),
    webhook: str({ format: "url" }),
    access_token: str({ minLength: 1, nullable: true }),
    access_tokens: strings,
    link_customization_name: str(),
    appearance_mode: str({ enum: ["LIGHT", "DARK", "SYSTEM"] }),
    redirect_uri: str(),
    android_package_name: str(),
    institution_data: open,
    card_switch: open,
    account_filters: accountFilters,
    eu_config: open,
    institution_id: str(),
    payment_configuration: open,
    payment_initiation: open,
    employment: open,
    income_verification: open,
    base_report: open,
    credit_partner_insights: open,
    cra_options: open,
    consumer_report_permissible_purpose: str(),
    auth: open,
    transfer: obj({ intent_id: str(), authorization_id: str(), payment_profile_token: str() }),
    update: obj({
      account_selection_enabled: bool,
      reauthorization_enabled: bool,
      user: bool,
      item_ids: { type: "array", nullable: true, items: str() },
    }),
    identity_verification: open,
    statements: dateRange,
    third_party_user_token: str(),
    investments: open,
    investments_auth: open,
    hosted_link: open,
    transactions: open,
    cashflow_report: open,
    cra_enabled: bool,
    identity: open,
    financekit_supported: bool,
    enable_multi_item_link: bool,
  },
  ["client_name", "language", "country_codes"],
);

const accessTokenOnly = request({ access_token: str() }, ["access_token"]);
const userRef = { user_token: str(), user_id: str() };

export const REQUEST_SCHEMAS: Record<string, ObjectSchema> = {
  "/link/token/create": linkTokenCreate,
  "/link/token/get": request({ link_token: str() }, ["link_token"]),
  "/item/public_token/exchange": request({ public_token: str() }, ["public_token"]),
  "/item/get": accessTokenOnly,
  "/item/remove": request(
    {
      access_token: str(),
      reason_code: str({ nullable: true, enum: ["FRAUD_FIRST_PARTY", "FRAUD_FALSE_IDENTITY", "FRAUD_ABUSE", "FRAUD_OTHER", "CONNECTION_IS_NON_FUNCTIONAL", "OTHER"] }),
      reason_note: str({ nullable: true, maxLength: 512 }),
    },
    ["access_token"],
  ),
  "/item/access_token/invalidate": accessTokenOnly,
  "/item/webhook/update": request({ access_token: str(), webhook: str({ format: "url", nullable: true }) }, ["access_token"]),
  "/accounts/get": request({ access_token: str(), options: obj({ account_ids: strings }) }, ["access_token"]),
  "/user/create": request(
    {
      client_user_id: str({ minLength: 1, maxLength: 128 }),
      identity: open,
      end_customer: str({ maxLength: 128 }),
      consumer_report_user_identity: open,
      with_upgraded_user: bool,
    },
    ["client_user_id"],
  ),
  "/user/items/get": request(userRef),
  "/user/items/remove": request({ ...userRef, item_ids: strings }, ["item_ids"]),
  "/consent/events/get": accessTokenOnly,
  "/webhook_verification_key/get": request({ key_id: str() }, ["key_id"]),
  "/sandbox/public_token/create": request(
    {
      institution_id: str(),
      initial_products: productList({ minItems: 1 }),
      options: obj({
        webhook: str({ format: "url" }),
        override_username: str({ nullable: true }),
        override_password: str({ nullable: true }),
        transactions: obj({ start_date: str({ format: "date" }), end_date: str({ format: "date" }), days_requested: { type: "integer", minimum: 1, maximum: 730 } }, [], {
          nullable: true,
        }),
        statements: { ...dateRange, nullable: true },
        income_verification: open,
      }),
      ...userRef,
    },
    ["institution_id", "initial_products"],
  ),
  "/sandbox/item/reset_login": accessTokenOnly,
  "/sandbox/item/fire_webhook": request(
    {
      access_token: str(),
      webhook_type: str({ enum: ["AUTH", "HOLDINGS", "INVESTMENTS_TRANSACTIONS", "ITEM", "LIABILITIES", "TRANSACTIONS", "ASSETS"] }),
      webhook_code: str({
        enum: [
          "DEFAULT_UPDATE",
          "NEW_ACCOUNTS_AVAILABLE",
          "SMS_MICRODEPOSITS_VERIFICATION",
          "AUTHORIZATION_GRANTED",
          "USER_PERMISSION_REVOKED",
          "USER_ACCOUNT_REVOKED",
          "PENDING_DISCONNECT",
          "RECURRING_TRANSACTIONS_UPDATE",
          "LOGIN_REPAIRED",
          "SYNC_UPDATES_AVAILABLE",
          "PRODUCT_READY",
          "ERROR",
        ],
      }),
    },
    ["access_token", "webhook_code"],
  ),
  "/sandbox/user/reset_login": request({ ...userRef, item_ids: { type: "array", nullable: true, items: str() } }),
};
