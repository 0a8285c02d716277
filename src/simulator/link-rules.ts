import { invalidField, missingFields, plaidError } from "./errors.js";
import { ACCOUNT_SELECT_COUNTRIES } from "./institutions.js";
import { CREDIT_PRODUCTS, NOT_INITIALISABLE, VALIDATION_PRODUCTS } from "./products.js";
import type { LinkTokenMode } from "./types.js";

/** The /link/token/create fields the rules look at (already type-checked against the spec). */
export interface LinkTokenRequest {
  user?: { client_user_id: string };
  user_id?: string;
  user_token?: string;
  access_token?: string | null;
  products?: string[] | null;
  required_if_supported_products?: string[] | null;
  optional_products?: string[] | null;
  additional_consented_products?: string[] | null;
  country_codes: string[];
  account_filters?: Record<string, unknown>;
  update?: { account_selection_enabled?: boolean; user?: boolean; item_ids?: string[] | null; reauthorization_enabled?: boolean };
  transfer?: { authorization_id?: string; intent_id?: string };
  statements?: unknown;
  income_verification?: unknown;
  [key: string]: unknown;
}

/** The Item an update-mode token opens on, as far as the rules care. */
export interface UpdateTarget {
  institutionCountries: readonly string[];
  products: readonly string[];
}

/** Product configuration objects that only belong in a session that adds that product. */
const PRODUCT_CONFIG_FIELDS = [
  "statements",
  "income_verification",
  "transactions",
  "investments",
  "investments_auth",
  "employment",
  "payment_initiation",
  "identity_verification",
  "cra_options",
  "base_report",
  "credit_partner_insights",
  "cashflow_report",
];

const list = (v: string[] | null | undefined): string[] => v ?? [];
const overlap = (a: string[], b: string[]): string[] => a.filter((x) => b.includes(x));

/** Which of the three update-mode entries (or a new Item) this request asks for. */
export function linkTokenMode(req: LinkTokenRequest): LinkTokenMode {
  if (req.update?.user) {
    if (!req.user_id && !req.user_token) throw invalidField("update.user requires user_token or user_id to identify the user whose Items are updated");
    if (req.access_token) throw invalidField("access_token and update.user cannot be combined: use one way to enter update mode");
    return "update_user";
  }
  if (req.access_token) return "update_item";
  if (req.transfer?.authorization_id) return "transfer";
  return "new_item";
}

function checkProductLists(req: LinkTokenRequest): void {
  const products = list(req.products);
  const required = list(req.required_if_supported_products);
  const optional = list(req.optional_products);
  const additional = list(req.additional_consented_products);
  for (const [field, values] of [
    ["products", products],
    ["required_if_supported_products", required],
    ["optional_products", optional],
    ["additional_consented_products", additional],
  ] as const) {
    const invalid = values.filter((p) => NOT_INITIALISABLE.includes(p));
    if (invalid.length > 0) {
      throw plaidError("INVALID_PRODUCT", {
        message: `${field} must not contain ${JSON.stringify(invalid)}: balance is initialized automatically with any other product`,
      });
    }
  }
  const clash = (a: string, av: string[], b: string, bv: string[]) => {
    const both = overlap(av, bv);
    if (both.length > 0) throw invalidField(`${a} must not overlap with ${b}: ${both.join(", ")}`);
  };
  clash("additional_consented_products", additional, "products", products);
  clash("additional_consented_products", additional, "required_if_supported_products", required);
  clash("required_if_supported_products", required, "products", products);
  clash("optional_products", optional, "products", products);
  clash("optional_products", optional, "required_if_supported_products", required);
  clash("optional_products", optional, "additional_consented_products", additional);
  if (products.includes("statements") && req.statements === undefined) throw missingFields(["statements"]);
}

/** Plaid's update-mode rules for `products` (credit products or product validations, never both). */
function checkUpdateModeProducts(req: LinkTokenRequest): void {
  const products = list(req.products);
  const credit = products.filter((p) => CREDIT_PRODUCTS.includes(p));
  const validation = products.filter((p) => VALIDATION_PRODUCTS.includes(p));
  const other = products.filter((p) => !CREDIT_PRODUCTS.includes(p) && !VALIDATION_PRODUCTS.includes(p));
  if (other.length > 0) {
    throw invalidField(
      `products must be omitted in update mode, except to add a credit product (assets, statements, income_verification) or to use Update Mode with Product Validations (auth, identity); not allowed: ${other.join(", ")}`,
    );
  }
  if (credit.length > 0 && validation.length > 0) {
    throw invalidField(
      "Update Mode with Product Validations (auth, identity) cannot be combined with credit products (assets, statements, income_verification) in one update mode session",
    );
  }
  for (const field of PRODUCT_CONFIG_FIELDS) {
    if (req[field] === undefined || req[field] === null) continue;
    if (CREDIT_PRODUCTS.includes(field) && credit.includes(field)) continue;
    throw invalidField(`product-specific configuration (${field}) must be omitted in update mode unless ${field} is the credit product being added`);
  }
}

function checkAccountSelection(req: LinkTokenRequest, target: UpdateTarget | null): void {
  const selection = req.update?.account_selection_enabled === true;
  if (req.account_filters !== undefined && !selection) {
    throw invalidField("account_filters can only be set in update mode when update.account_selection_enabled is true");
  }
  if (!selection) return;
  const foreignCodes = req.country_codes.filter((c) => !ACCOUNT_SELECT_COUNTRIES.includes(c));
  const foreignItem = target !== null && !target.institutionCountries.some((c) => ACCOUNT_SELECT_COUNTRIES.includes(c));
  if (foreignCodes.length > 0 || foreignItem) {
    throw invalidField(
      "update.account_selection_enabled is not available for accounts outside the US and CA; to share new accounts, remove the Item with /item/remove and link it again",
    );
  }
  if (target?.products.includes("assets")) {
    throw plaidError("PRODUCTS_NOT_SUPPORTED", { message: "account select update is not supported for the assets product" });
  }
}

/**
 * Enforces the /link/token/create rules beyond the schema: who the user is, products for a new Item, and the
 * update-mode rules (Plaid docs, Link update mode). `target` is the Item an update-mode token will open on.
 */
export function checkLinkTokenRules(req: LinkTokenRequest, mode: LinkTokenMode, target: UpdateTarget | null): void {
  if (req.user === undefined && req.user_id === undefined) throw missingFields(["user"]);
  if (req.update?.item_ids && req.update.item_ids.length > 0 && !req.update.user) {
    throw invalidField("update.item_ids can only be used with update.user and a user_token or user_id");
  }
  checkProductLists(req);
  if (mode === "new_item") {
    if (list(req.products).length === 0) throw invalidField("must provide at least one product");
    return;
  }
  if (mode === "transfer") {
    const others = list(req.products).filter((p) => p !== "transfer");
    if (others.length > 0) throw invalidField(`products must be omitted or ["transfer"] when using transfer.authorization_id; not allowed: ${others.join(", ")}`);
    return;
  }
  checkUpdateModeProducts(req);
  checkAccountSelection(req, target);
}
