/** Descriptions shared by the options of both Link token inputs, which are checked alike. */

export const COUNTRY_CODES_DESCRIPTION =
  "Countries of the institutions Link offers, as ISO 3166-1 alpha-2 codes Plaid supports: US, CA, GB, IE, FR, ES, NL, DE, IT, PL, DK, NO, SE, EE, LT, LV, PT, BE, AT or FI (any case). " +
  "At least one; another code is BAD_USER_INPUT.";

export const LANGUAGE_DESCRIPTION = "Link's language: da, nl, en, et, fr, de, hi, it, lv, lt, no, pl, pt, ro, es, sv or vi; another value is BAD_USER_INPUT.";

export const REDIRECT_URI_DESCRIPTION =
  "OAuth redirect URI registered with Plaid (https in production; http is accepted elsewhere): where the user comes back to after an OAuth institution's own login. " +
  "Absolute, without a query string; Plaid also requires it on the allowed list in its Dashboard. Null or omitted: none.";

export const LINK_CUSTOMIZATION_NAME_DESCRIPTION =
  "The Link customization to use, by its name in Plaid's Dashboard: 1-64 letters, digits, - or _. Null or omitted: Plaid's `default` customization.";
