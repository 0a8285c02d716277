import { BadInputError } from "./errors.js";
import { isUkOrEu, type ItemSnapshot } from "./item.js";
import { checkCountryCodes, checkLanguage, checkLinkCustomizationName, checkRedirectUri, truncate } from "./link-input.js";
import { PLAID_PRODUCTS } from "./plaid-vocabulary.js";

/** Products that can be added to an existing Item in update mode (Plaid's credit products). */
const CREDIT_PRODUCTS = ["assets", "statements", "income_verification"] as const;
/** Products that update mode can validate (Update Mode with Product Validations). */
const VALIDATION_PRODUCTS = ["auth", "identity"] as const;

/** Account subtypes Plaid accepts in account_filters ("all" allows every subtype of the type). */
const ACCOUNT_FILTER_SUBTYPES: Record<"depository" | "credit" | "loan" | "other", readonly string[]> = {
  depository: ["checking", "savings", "hsa", "cd", "money market", "paypal", "prepaid", "cash management", "ebt", "limited purpose checking", "all"],
  credit: ["credit card", "paypal", "all"],
  loan: ["auto", "business", "commercial", "construction", "consumer", "home equity", "loan", "mortgage", "overdraft", "line of credit", "student", "other", "all"],
  other: ["other", "all"],
};

export interface AccountFilters {
  depository?: readonly string[] | null;
  credit?: readonly string[] | null;
  loan?: readonly string[] | null;
  investment?: readonly string[] | null;
  other?: readonly string[] | null;
}

export interface UpdateLinkTokenInput {
  itemId?: string | null;
  user?: boolean | null;
  transferAuthorizationId?: string | null;
  accountSelectionEnabled?: boolean | null;
  reauthorizationEnabled?: boolean | null;
  accountFilters?: AccountFilters | null;
  additionalConsentedProducts?: readonly string[] | null;
  products?: readonly string[] | null;
  linkCustomizationName?: string | null;
  redirectUri?: string | null;
  countryCodes?: readonly string[] | null;
  language?: string | null;
  /** The statement period, when products includes statements. */
  statements?: { startDate: string; endDate: string } | null;
}

export type UpdateMode = { kind: "item"; itemId: string } | { kind: "user" } | { kind: "transfer"; authorizationId: string };

/** An update-mode request that satisfies every rule, ready to send to Plaid. */
export interface CheckedUpdateLinkToken {
  mode: UpdateMode;
  countryCodes: string[];
  language: string;
  accountSelectionEnabled: boolean;
  reauthorizationEnabled: boolean | null;
  accountFilters: Record<string, string[]> | null;
  additionalConsentedProducts: string[];
  products: string[];
  linkCustomizationName: string | null;
  redirectUri: string | null;
  statements: { startDate: string; endDate: string } | null;
}

/** Names the rule a request breaks and what to do instead. */
export class UpdateModeRuleError extends BadInputError {
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super(`Update-mode rule "${rule}": ${message}`, { rule });
    this.name = "UpdateModeRuleError";
  }
}

/** The update mode the input asks for; exactly one of itemId, user or transferAuthorizationId. */
export function updateModeOf(input: UpdateLinkTokenInput): UpdateMode {
  const chosen: UpdateMode[] = [];
  if (input.itemId != null) chosen.push({ kind: "item", itemId: input.itemId });
  if (input.user === true) chosen.push({ kind: "user" });
  if (input.transferAuthorizationId != null) chosen.push({ kind: "transfer", authorizationId: input.transferAuthorizationId });
  if (chosen.length !== 1) {
    throw new UpdateModeRuleError(
      "one-mode",
      `give exactly one of itemId (repair one Item), user: true (repair your most recently broken Item) or transferAuthorizationId (got ${chosen.length})`,
    );
  }
  const mode = chosen[0]!;
  if (mode.kind === "item" && !/^[A-Za-z0-9_-]{1,100}$/.test(mode.itemId)) {
    throw new BadInputError("itemId is not an Item id", { argument: "itemId" });
  }
  if (mode.kind === "transfer" && !/^[A-Za-z0-9_-]{1,100}$/.test(mode.authorizationId)) {
    throw new BadInputError("transferAuthorizationId is not a transfer authorization id", { argument: "transferAuthorizationId" });
  }
  return mode;
}

/**
 * Checks every update-mode rule Plaid applies, before Plaid is called. `item` is the Item being
 * updated in itemId mode (null in the other modes).
 */
export function checkUpdateModeInput(input: UpdateLinkTokenInput, item: ItemSnapshot | null, production: boolean): CheckedUpdateLinkToken {
  const mode = updateModeOf(input);
  if (item?.status === "REMOVED") {
    throw new UpdateModeRuleError("removed-item", "a removed Item cannot enter update mode; link the institution again with createLinkToken");
  }

  const products = uniqueKnownProducts(input.products ?? [], "products");
  const credit = products.filter((p) => (CREDIT_PRODUCTS as readonly string[]).includes(p));
  const validations = products.filter((p) => (VALIDATION_PRODUCTS as readonly string[]).includes(p));
  const others = products.filter((p) => !credit.includes(p) && !validations.includes(p));
  if (others.length > 0) {
    throw new UpdateModeRuleError(
      "no-products",
      `update mode takes no products except credit products (${CREDIT_PRODUCTS.join(", ")}) or product validations (${VALIDATION_PRODUCTS.join(", ")}); got ${others.join(", ")}. To gain consent for other products, use additionalConsentedProducts`,
    );
  }
  if (credit.length > 0 && validations.length > 0) {
    throw new UpdateModeRuleError(
      "credit-or-validation",
      `credit products (${credit.join(", ")}) and product validations (${validations.join(", ")}) cannot be combined in one session; create one update link token for each`,
    );
  }

  const accountSelectionEnabled = input.accountSelectionEnabled === true;
  const accountFilters = input.accountFilters ? checkAccountFilters(input.accountFilters) : null;
  if (accountFilters && !accountSelectionEnabled) {
    throw new UpdateModeRuleError("filters-need-account-selection", "accountFilters apply only with accountSelectionEnabled: true");
  }

  const countryCodes = checkCountryCodes(input.countryCodes ?? item?.countryCodes ?? ["US"]);
  if (accountSelectionEnabled && isUkOrEu(countryCodes)) {
    throw new UpdateModeRuleError(
      "no-account-selection-uk-eu",
      "account selection in update mode is not available for UK or EU end users; to share other accounts, remove the Item (removeItem) and link it again with createLinkToken",
    );
  }

  const additional = uniqueKnownProducts(input.additionalConsentedProducts ?? [], "additionalConsentedProducts");
  if (additional.includes("balance")) {
    throw new UpdateModeRuleError("no-balance-consent", "additionalConsentedProducts cannot contain balance: it comes with any product that returns accounts");
  }
  const overlap = additional.filter((p) => products.includes(p));
  if (overlap.length > 0) {
    throw new UpdateModeRuleError("no-overlap", `additionalConsentedProducts must not repeat products (${overlap.join(", ")})`);
  }

  const statements = checkStatements(input.statements ?? null, products.includes("statements"));

  return {
    mode,
    countryCodes,
    language: checkLanguage(input.language ?? "en"),
    accountSelectionEnabled,
    reauthorizationEnabled: input.reauthorizationEnabled ?? null,
    accountFilters,
    additionalConsentedProducts: additional,
    products,
    linkCustomizationName: input.linkCustomizationName ? checkLinkCustomizationName(input.linkCustomizationName) : null,
    redirectUri: input.redirectUri ? checkRedirectUri(input.redirectUri, production) : null,
    statements,
  };
}

/** Statements need the period to collect; the period only goes with statements. */
function checkStatements(period: { startDate: string; endDate: string } | null, wanted: boolean): { startDate: string; endDate: string } | null {
  if (!wanted) {
    if (period) throw new BadInputError("statements applies only when products includes statements", { argument: "statements" });
    return null;
  }
  if (!period) throw new BadInputError("products includes statements: give statements { startDate endDate } (YYYY-MM-DD)", { argument: "statements" });
  const valid = (text: string) => /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`));
  if (!valid(period.startDate) || !valid(period.endDate)) throw new BadInputError("statements dates must be YYYY-MM-DD", { argument: "statements" });
  if (period.startDate > period.endDate) throw new BadInputError("statements.startDate must not be after endDate", { argument: "statements" });
  return period;
}

function uniqueKnownProducts(products: readonly string[], argument: string): string[] {
  const seen = new Set<string>();
  for (const product of products) {
    if (!PLAID_PRODUCTS.includes(product)) {
      throw new BadInputError(`${argument}: "${truncate(product)}" is not a Plaid product`, { argument });
    }
    seen.add(product);
  }
  return [...seen];
}

function checkAccountFilters(filters: AccountFilters): Record<string, string[]> {
  const checked: Record<string, string[]> = {};
  for (const [type, subtypes] of Object.entries(filters) as Array<[string, readonly string[] | null | undefined]>) {
    if (subtypes == null) continue;
    if (subtypes.length === 0) {
      throw new BadInputError(`accountFilters.${type} must list at least one subtype (or "all"); leave the type out to hide it`, { argument: "accountFilters" });
    }
    const known = ACCOUNT_FILTER_SUBTYPES[type as keyof typeof ACCOUNT_FILTER_SUBTYPES];
    for (const subtype of subtypes) {
      if (known ? !known.includes(subtype) : !/^[a-z0-9 ]{1,40}$/.test(subtype)) {
        throw new BadInputError(`accountFilters.${type}: "${truncate(subtype)}" is not a ${type} subtype`, { argument: "accountFilters" });
      }
    }
    checked[type] = [...new Set(subtypes)];
  }
  return checked;
}
