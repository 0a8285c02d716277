/** Descriptions of createUpdateLinkToken's input: what each option does and which update-mode rule it can break. */

export const UPDATE_INPUT_DESCRIPTION =
  "Options for a Link token in update mode. Exactly one of itemId, user or transferAuthorizationId. " +
  "Every update-mode rule Plaid applies is checked before Plaid is called: a request that breaks one is BAD_USER_INPUT naming the rule in its message and in `extensions.rule` " +
  "(one-mode, no-products, credit-or-validation, filters-need-account-selection, no-account-selection-uk-eu, no-balance-consent, no-overlap); a malformed value is BAD_USER_INPUT naming the field in `extensions.argument`.";

export const ITEM_ID_DESCRIPTION =
  "Update mode for one Item (access-token mode): for its `recommendedAction` UPDATE_LOGIN, RENEW_CONSENT or SELECT_NEW_ACCOUNTS. " +
  "An Item the viewer may see (their own; admins: any): another is NOT_FOUND, a REMOVED one BAD_USER_INPUT. After Link's onSuccess, call `completeUpdate` with it.";

export const USER_DESCRIPTION =
  "Update mode for the viewer as a Plaid user (update.user = true): repairs the most recently broken Item. Send the user once per broken Item. " +
  "The viewer gets a Plaid user with their first createLinkToken (or sandboxCreateItem); before that it is BAD_USER_INPUT. False or null: another mode.";

export const TRANSFER_AUTHORIZATION_ID_DESCRIPTION =
  "Update mode for a Plaid Transfer authorization that /transfer/authorization/create answered with `user_action_required` (Plaid's transfer.authorization_id). " +
  "Letters, digits, _ and -, at most 100 characters; anything else is BAD_USER_INPUT.";

export const ACCOUNT_SELECTION_ENABLED_DESCRIPTION =
  "Let the user change which accounts the Item shares (US and Canada only; Plaid's update.account_selection_enabled). Use it for `recommendedAction` SELECT_NEW_ACCOUNTS. " +
  "With countries of UK or EU users it is BAD_USER_INPUT (rule no-account-selection-uk-eu): remove the Item and link it again instead. Null or omitted: false.";

export const REAUTHORIZATION_ENABLED_DESCRIPTION =
  "Plaid's update.reauthorization_enabled, passed on as given: overrides Plaid's default on whether Link asks the user to reauthorize an Item whose consent expires within 6 months. " +
  "Plaid documents it as not used yet, and without effect for UK and EU users. Null or omitted: Plaid's default.";

export const ACCOUNT_FILTERS_DESCRIPTION =
  "Only with accountSelectionEnabled: true (else BAD_USER_INPUT, rule filters-need-account-selection). Which account types and subtypes Link offers for selection; a type left out is hidden. " +
  "Null or omitted: Link offers every account.";

export const ADDITIONAL_CONSENTED_PRODUCTS_DESCRIPTION =
  "Products to gain consent for without billing; never balance, never one of products. Product names as in createLinkToken's `products` (another name is BAD_USER_INPUT); " +
  "`balance` breaks rule no-balance-consent, a product also in `products` rule no-overlap. This is how an Item linked with Data Transparency Messaging gains consent for new products, " +
  "which Plaid bills only once their endpoints are first called. Null or omitted: none.";

export const PRODUCTS_DESCRIPTION =
  "Only credit products (assets, statements, income_verification) or product validations (auth, identity); never both. " +
  "Another product is BAD_USER_INPUT (rule no-products; to gain consent for it, use additionalConsentedProducts); both kinds together break rule credit-or-validation: create one token for each. " +
  "`statements` needs the `statements` period. Null or omitted: none.";

const filter = (type: string, subtypes: string): string =>
  `${type[0]!.toUpperCase()}${type.slice(1)} subtypes Link offers: ${subtypes}, or \`all\` for every one. At least one; another value is BAD_USER_INPUT. Null or left out: Link hides accounts of type ${type}.`;

export const FILTER_DESCRIPTIONS = {
  depository: filter("depository", "checking, savings, hsa, cd, money market, paypal, prepaid, cash management, ebt, limited purpose checking"),
  credit: filter("credit", "credit card, paypal"),
  loan: filter("loan", "auto, business, commercial, construction, consumer, home equity, loan, mortgage, overdraft, line of credit, student, other"),
  investment:
    "Investment subtypes Link offers, as Plaid spells them (e.g. brokerage, 401k, ira), or `all` for every one. Each of lower-case letters, digits and spaces, at most 40 characters, else BAD_USER_INPUT; " +
    "Plaid checks the names. At least one. Null or left out: Link hides accounts of type investment.",
  other: filter("other", "other"),
};
