/** The error codes every GraphQL error carries in extensions.code. */
export type ErrorCode =
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "BAD_USER_INPUT"
  | "DUPLICATE_ITEM"
  | "PLAID_ERROR"
  | "RATE_LIMITED"
  | "UPSTREAM_UNAVAILABLE"
  | "STORE_UNAVAILABLE"
  | "INTERNAL_SERVER_ERROR";

/** An error the gateway means to show the client, with its code. */
export class GatewayError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "GatewayError";
  }
}

export class NotFoundError extends GatewayError {
  constructor(what: string) {
    super("NOT_FOUND", `${what} not found`);
  }
}

export class BadInputError extends GatewayError {
  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super("BAD_USER_INPUT", message, extensions);
  }
}

/** A Link session would connect accounts the viewer already has in a live Item; nothing was exchanged. */
export class DuplicateItemError extends GatewayError {
  constructor(existingItemId: string, institutionName: string | null) {
    super(
      "DUPLICATE_ITEM",
      `These accounts${institutionName ? ` at ${institutionName}` : ""} are already linked in Item ${existingItemId}; nothing was exchanged. ` +
        "Repair or extend that Item with update mode (createUpdateLinkToken), or pass allowDuplicate: true to link them again as another Item.",
      { existingItemId },
    );
    this.name = "DuplicateItemError";
  }
}

/** An error answered by Plaid, as clients see it (never carries tokens). */
export interface PlaidErrorExtension {
  errorType: string;
  errorCode: string;
  displayMessage: string | null;
  requestId: string | null;
}

/** Plaid answered with an error envelope. */
export class PlaidApiError extends GatewayError {
  constructor(
    readonly endpoint: string,
    readonly httpStatus: number,
    readonly plaid: PlaidErrorExtension & { message: string; errorCodeReason: string | null },
  ) {
    const rateLimited = plaid.errorType === "RATE_LIMIT_EXCEEDED";
    super(rateLimited ? "RATE_LIMITED" : "PLAID_ERROR", `Plaid ${endpoint} failed: ${plaid.errorCode}: ${plaid.message}`, {
      plaid: {
        errorType: plaid.errorType,
        errorCode: plaid.errorCode,
        displayMessage: plaid.displayMessage,
        requestId: plaid.requestId,
      },
    });
    this.name = "PlaidApiError";
  }
}

/** Plaid could not be reached or did not answer in time. */
export class UpstreamUnavailableError extends GatewayError {
  constructor(endpoint: string, reason: string) {
    super("UPSTREAM_UNAVAILABLE", `Plaid ${endpoint} is unavailable: ${reason}`);
    this.name = "UpstreamUnavailableError";
  }
}

/** The store did not answer in time or could not be reached; the client may try again. */
export class StoreUnavailableError extends GatewayError {
  constructor(
    /** What went wrong, for the log (never a connection string); clients see only the code. */
    readonly reason: string,
    options: { cause?: unknown } = {},
  ) {
    super("STORE_UNAVAILABLE", "The store is unavailable; try again later");
    this.name = "StoreUnavailableError";
    if (options.cause !== undefined) this.cause = options.cause;
  }
}

/** The gateway's error about one Item, with the Item's id in its extensions (the same code and message). */
export function aboutItem(error: GatewayError, itemId: string): GatewayError {
  const about = new GatewayError(error.code, error.message, { ...error.extensions, itemId });
  about.cause = error;
  return about;
}
