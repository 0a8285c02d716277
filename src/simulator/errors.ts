/** Plaid's error envelope, its HTTP statuses and the messages Plaid's docs give for each code. */

export interface PlaidErrorBody {
  display_message: string | null;
  documentation_url?: string;
  error_code: string;
  error_code_reason?: string | null;
  error_message: string;
  error_type: string;
  request_id?: string;
  status?: number | null;
  suggested_action?: string | null;
}

interface CatalogueEntry {
  type: string;
  status: number;
  message: string;
  display: string | null;
}

const entry = (type: string, status: number, message: string, display: string | null = null): CatalogueEntry => ({
  type,
  status,
  message,
  display,
});

const RATE_LIMIT_MESSAGE = "rate limit exceeded for attempts to access this item. please try again later";
const INSTITUTION_MESSAGE = "this institution is not currently responding to this request. please try again soon";
const INSTITUTION_DISPLAY = "This financial institution is not currently responding to requests. We apologize for the inconvenience.";

/** Codes, types, HTTP statuses and sample messages as listed on Plaid's error pages. */
const CATALOGUE: Record<string, CatalogueEntry> = {
  INVALID_BODY: entry("INVALID_REQUEST", 400, "body could not be parsed as JSON"),
  INVALID_HEADERS: entry("INVALID_REQUEST", 400, "the request is missing a required header"),
  INVALID_FIELD: entry("INVALID_REQUEST", 400, "one or more fields were invalid"),
  MISSING_FIELDS: entry("INVALID_REQUEST", 400, "the following required fields are missing"),
  UNKNOWN_FIELDS: entry("INVALID_REQUEST", 400, "the following fields are not recognized by this endpoint"),
  NOT_FOUND: entry("INVALID_REQUEST", 404, "not found"),
  INVALID_API_KEYS: entry("INVALID_INPUT", 400, "invalid client_id or secret provided"),
  INVALID_ACCESS_TOKEN: entry("INVALID_INPUT", 400, "could not find matching access token"),
  INVALID_PUBLIC_TOKEN: entry("INVALID_INPUT", 400, "could not find matching public token"),
  INVALID_LINK_TOKEN: entry("INVALID_INPUT", 400, "invalid link_token provided"),
  INVALID_USER_ID: entry("INVALID_INPUT", 400, "user_id must be a valid user id, as returned by /user/create"),
  INVALID_USER_TOKEN: entry("INVALID_INPUT", 400, "could not find matching user token"),
  INVALID_ACCOUNT_ID: entry("INVALID_INPUT", 400, "failed to find requested account ID for requested item"),
  INVALID_INSTITUTION: entry("INVALID_INPUT", 400, "invalid institution_id provided"),
  INVALID_PRODUCT: entry("INVALID_INPUT", 400, "invalid product provided"),
  INVALID_WEBHOOK_VERIFICATION_KEY_ID: entry(
    "INVALID_INPUT",
    400,
    "invalid key_id provided. note that key_ids are specific to Plaid environments, and verification requests must be made to the same environment that the webhook was sent from",
  ),
  USER_PERMISSION_REVOKED: entry("INVALID_INPUT", 400, "the holder of this account has revoked their permission for your application to access it"),
  ITEM_LOGIN_REQUIRED: entry(
    "ITEM_ERROR",
    400,
    "the login details of this item have changed (credentials, MFA, or required user action) and a user login is required to update this information. use Link's update mode to restore the item to a good state",
  ),
  ITEM_NOT_FOUND: entry(
    "ITEM_ERROR",
    400,
    "The Item you requested cannot be found. This Item does not exist, has been previously removed via /item/remove, or has had access removed by the user.",
  ),
  ITEM_LOCKED: entry(
    "ITEM_ERROR",
    400,
    "the account is locked. prompt the user to visit the institution's site and unlock their account",
    "The given account has been locked by the financial institution. Please visit your financial institution's website to unlock your account.",
  ),
  INVALID_CREDENTIALS: entry("ITEM_ERROR", 400, "the provided credentials were not correct", "The provided credentials were not correct. Please try again."),
  INVALID_MFA: entry("ITEM_ERROR", 400, "the provided MFA response(s) were not correct", "The provided MFA responses were not correct. Please try again."),
  INVALID_SEND_METHOD: entry("ITEM_ERROR", 400, "the provided MFA send_method was invalid"),
  INSUFFICIENT_CREDENTIALS: entry("ITEM_ERROR", 400, "insufficient authorization was provided to complete the request", "INSUFFICIENT_CREDENTIALS"),
  ITEM_NOT_SUPPORTED: entry(
    "ITEM_ERROR",
    400,
    "this account is currently not supported",
    "The given account is not currently supported for this financial institution. We apologize for the inconvenience.",
  ),
  MFA_NOT_SUPPORTED: entry(
    "ITEM_ERROR",
    400,
    "this account requires a MFA type that we do not currently support for the institution",
    "The multi-factor security features enabled on this account are not currently supported for this financial institution. We apologize for the inconvenience.",
  ),
  NO_ACCOUNTS: entry(
    "ITEM_ERROR",
    400,
    "no valid accounts were found for this item",
    "No valid accounts were found at the financial institution. Please visit your financial institution's website to confirm accounts are available.",
  ),
  PASSWORD_RESET_REQUIRED: entry("ITEM_ERROR", 400, "user must reset their password", "The user needs to reset their password for their account"),
  USER_SETUP_REQUIRED: entry(
    "ITEM_ERROR",
    400,
    "the account has not been fully set up. prompt the user to visit the issuing institution's site and finish the setup process",
    "The given account is not fully setup. Please visit your financial institution's website to setup your account.",
  ),
  USER_INPUT_TIMEOUT: entry("ITEM_ERROR", 400, "user must retry this operation", "The application timed out waiting for user input"),
  ACCESS_NOT_GRANTED: entry(
    "ITEM_ERROR",
    400,
    "access to this product was not granted for the account",
    "The user did not grant the necessary permissions for this product on their account.",
  ),
  PRODUCTS_NOT_SUPPORTED: entry("ITEM_ERROR", 400, "the requested products are not supported by this item"),
  PRODUCT_NOT_READY: entry("ITEM_ERROR", 400, "the requested product is not yet ready. please provide a webhook or try the request again later"),
  INSTITUTION_DOWN: entry("INSTITUTION_ERROR", 400, INSTITUTION_MESSAGE, INSTITUTION_DISPLAY),
  INSTITUTION_NOT_RESPONDING: entry("INSTITUTION_ERROR", 400, INSTITUTION_MESSAGE, INSTITUTION_DISPLAY),
  INSTITUTION_NOT_AVAILABLE: entry("INSTITUTION_ERROR", 400, INSTITUTION_MESSAGE, INSTITUTION_DISPLAY),
  INSTITUTION_NO_LONGER_SUPPORTED: entry(
    "INSTITUTION_ERROR",
    400,
    "this institution is no longer supported",
    "This financial institution is no longer supported. We apologize for the inconvenience.",
  ),
  UNSUPPORTED_RESPONSE: entry(
    "INSTITUTION_ERROR",
    400,
    "the data returned from the financial institution is not valid",
    "The data returned from the financial institution is not valid.",
  ),
  ACCOUNTS_LIMIT: entry("RATE_LIMIT_EXCEEDED", 429, RATE_LIMIT_MESSAGE),
  ITEM_GET_LIMIT: entry("RATE_LIMIT_EXCEEDED", 429, RATE_LIMIT_MESSAGE),
  RATE_LIMIT: entry("RATE_LIMIT_EXCEEDED", 429, RATE_LIMIT_MESSAGE),
  INSTITUTION_RATE_LIMIT: entry("RATE_LIMIT_EXCEEDED", 429, "The institution is currently receiving too many requests. Please try again later."),
  INTERNAL_SERVER_ERROR: entry("API_ERROR", 500, "an unexpected error occurred"),
  PLANNED_MAINTENANCE: entry("API_ERROR", 503, "the Plaid API is temporarily unavailable due to planned maintenance. visit https://status.plaid.com/ for more information"),
  SANDBOX_PRODUCT_NOT_ENABLED: entry("SANDBOX_ERROR", 400, "The requested product is not enabled on this item"),
  SANDBOX_WEBHOOK_INVALID: entry("SANDBOX_ERROR", 400, "Webhook for this item is either not set up, or invalid. Please update the item's webhook and try again."),
  USER_NOT_FOUND: entry("USER_ERROR", 400, "The User you requested cannot be found. This User does not exist or has had access removed by the user."),
};

const DOC_ANCHORS: Record<string, string> = {
  INVALID_REQUEST: "invalid-request-errors",
  INVALID_INPUT: "invalid-input-errors",
  ITEM_ERROR: "item-errors",
  INSTITUTION_ERROR: "institution-errors",
  RATE_LIMIT_EXCEEDED: "rate-limit-exceeded-errors",
  API_ERROR: "api-errors",
  SANDBOX_ERROR: "sandbox-errors",
  USER_ERROR: "user-errors",
};

export function documentationUrl(errorType: string): string {
  return `https://plaid.com/docs/?ref=error#${DOC_ANCHORS[errorType] ?? "errors"}`;
}

export function errorTypeOf(code: string): string | undefined {
  return CATALOGUE[code]?.type;
}

/** A Plaid API failure: thrown by handlers, answered by the server with Plaid's envelope. */
export class PlaidApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Omit<PlaidErrorBody, "request_id">,
  ) {
    super(`${body.error_type}/${body.error_code}: ${body.error_message}`);
  }

  /** The envelope sent to the client, in Plaid's (alphabetical) key order. */
  toResponse(requestId: string): PlaidErrorBody {
    const b = this.body;
    return {
      display_message: b.display_message,
      documentation_url: b.documentation_url ?? documentationUrl(b.error_type),
      error_code: b.error_code,
      ...(b.error_code_reason !== undefined ? { error_code_reason: b.error_code_reason } : {}),
      error_message: b.error_message,
      error_type: b.error_type,
      request_id: requestId,
      suggested_action: b.suggested_action ?? null,
    };
  }
}

export interface ErrorOverrides {
  message?: string;
  display_message?: string | null;
  error_type?: string;
  status?: number;
  error_code_reason?: string | null;
}

/** Builds the error Plaid answers for `code`, with its catalogued type, status and message unless overridden. */
export function plaidError(code: string, overrides: ErrorOverrides = {}): PlaidApiError {
  const known = CATALOGUE[code];
  const type = overrides.error_type ?? known?.type ?? "API_ERROR";
  return new PlaidApiError(overrides.status ?? known?.status ?? 400, {
    display_message: overrides.display_message !== undefined ? overrides.display_message : (known?.display ?? null),
    error_code: code,
    ...(overrides.error_code_reason !== undefined ? { error_code_reason: overrides.error_code_reason } : {}),
    error_message: overrides.message ?? known?.message ?? code.toLowerCase().replace(/_/g, " "),
    error_type: type,
  });
}

export const invalidField = (message: string): PlaidApiError => plaidError("INVALID_FIELD", { message });

export const missingFields = (fields: readonly string[]): PlaidApiError =>
  plaidError("MISSING_FIELDS", { message: `the following required fields are missing: ${fields.join(", ")}` });

export const unknownFields = (fields: readonly string[]): PlaidApiError =>
  plaidError("UNKNOWN_FIELDS", {
    message: `the following fields are not recognized by this endpoint: ${fields.join(", ")}`,
  });

/** Codes that `override_password: "error_<CODE>"` can trigger: the Link-time Item and institution errors. */
export function isLinkTimeErrorCode(code: string): boolean {
  const type = CATALOGUE[code]?.type;
  const excluded = ["ITEM_NOT_FOUND", "PRODUCT_NOT_READY"];
  return (type === "ITEM_ERROR" || type === "INSTITUTION_ERROR") && !excluded.includes(code);
}
