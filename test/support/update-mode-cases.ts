import type { UpdateLinkTokenInput } from "../../src/domain/update-mode-rules.js";
import { makeSnapshot } from "./factories.js";

/** An Item linked for the US; its id is fixed so that the cases' names stay the same from run to run. */
export const usItem = makeSnapshot({ userId: "u", countryCodes: ["US"], itemId: "us-item" });

export const forItem = (extra: Partial<UpdateLinkTokenInput> = {}): UpdateLinkTokenInput => ({ itemId: usItem.itemId, ...extra });

/** Every update-mode rule, with inputs it allows and inputs it refuses. */
export const UPDATE_MODE_RULES: Array<{ rule: string; allowed: UpdateLinkTokenInput[]; refused: UpdateLinkTokenInput[]; message: RegExp }> = [
  {
    rule: "one-mode",
    allowed: [forItem(), { user: true }, { transferAuthorizationId: "auth_123" }, { itemId: usItem.itemId, user: false }],
    refused: [
      {},
      { user: false },
      { itemId: usItem.itemId, user: true },
      { itemId: usItem.itemId, transferAuthorizationId: "auth_1" },
      { user: true, transferAuthorizationId: "auth_1" },
    ],
    message: /exactly one of itemId/,
  },
  {
    rule: "no-products",
    allowed: [
      forItem({ products: [] }),
      forItem({ products: ["assets"] }),
      forItem({ products: ["statements", "income_verification"], statements: { startDate: "2030-01-01", endDate: "2030-03-31" } }),
      forItem({ products: ["auth"] }),
      forItem({ products: ["auth", "identity"] }),
    ],
    refused: [forItem({ products: ["transactions"] }), forItem({ products: ["auth", "transactions"] }), forItem({ products: ["investments"] })],
    message: /no products except credit products .* or product validations .*additionalConsentedProducts/,
  },
  {
    rule: "credit-or-validation",
    allowed: [forItem({ products: ["assets", "statements"], statements: { startDate: "2030-01-01", endDate: "2030-03-31" } }), forItem({ products: ["identity"] })],
    refused: [forItem({ products: ["assets", "auth"] }), forItem({ products: ["income_verification", "identity"] })],
    message: /cannot be combined in one session/,
  },
  {
    rule: "filters-need-account-selection",
    allowed: [forItem({ accountSelectionEnabled: true, accountFilters: { depository: ["checking"] } }), forItem({ accountSelectionEnabled: true })],
    refused: [forItem({ accountFilters: { depository: ["checking"] } }), forItem({ accountSelectionEnabled: false, accountFilters: { credit: ["credit card"] } })],
    message: /accountFilters apply only with accountSelectionEnabled/,
  },
  {
    rule: "no-account-selection-uk-eu",
    allowed: [forItem({ accountSelectionEnabled: true, countryCodes: ["US", "CA"] }), forItem({ countryCodes: ["GB"] })],
    refused: [
      forItem({ accountSelectionEnabled: true, countryCodes: ["GB"] }),
      forItem({ accountSelectionEnabled: true, countryCodes: ["US", "FR"] }),
      forItem({ accountSelectionEnabled: true, countryCodes: ["ES"] }),
    ],
    message: /not available for UK or EU.*removeItem.*createLinkToken/,
  },
  {
    rule: "no-balance-consent",
    allowed: [forItem({ additionalConsentedProducts: ["transactions", "identity"] })],
    refused: [forItem({ additionalConsentedProducts: ["balance"] }), forItem({ additionalConsentedProducts: ["auth", "balance"] })],
    message: /cannot contain balance/,
  },
  {
    rule: "no-overlap",
    allowed: [forItem({ products: ["auth"], additionalConsentedProducts: ["identity"] })],
    refused: [forItem({ products: ["auth"], additionalConsentedProducts: ["auth"] }), forItem({ products: ["assets"], additionalConsentedProducts: ["transactions", "assets"] })],
    message: /must not repeat products/,
  },
];
