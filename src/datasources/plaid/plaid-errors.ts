import { GatewayError, PlaidApiError, UpstreamUnavailableError } from "../../domain/errors.js";

interface PlaidErrorBody {
  error_type?: unknown;
  error_code?: unknown;
  error_code_reason?: unknown;
  error_message?: unknown;
  display_message?: unknown;
  request_id?: unknown;
}

interface HttpClientError {
  isAxiosError?: boolean;
  code?: string;
  message?: string;
  response?: { status: number; data?: unknown };
}

const str = (value: unknown): string | null => (typeof value === "string" ? value : null);

/**
 * Plaid could not be reached, did not answer in time, or answered without its error envelope (a proxy's
 * 502/504). These say nothing about the request itself.
 */
export class PlaidTransportError extends UpstreamUnavailableError {
  constructor(
    endpoint: string,
    reason: string,
    /** The HTTP status when there was an answer at all. */
    readonly httpStatus: number | null,
    /** No answer within the attempt's time (the request was aborted). */
    readonly timedOut = false,
  ) {
    super(endpoint, reason);
    this.name = "PlaidTransportError";
  }
}

/** The endpoint family's circuit is open: Plaid was not called. */
export class PlaidCircuitOpenError extends UpstreamUnavailableError {
  constructor(
    endpoint: string,
    readonly family: string,
    readonly retryAt: Date,
  ) {
    super(endpoint, `too many consecutive failures of Plaid's ${family} endpoints; they will be tried again after ${retryAt.toISOString()}`);
    this.name = "PlaidCircuitOpenError";
    Object.assign(this.extensions, { retryAt: retryAt.toISOString() });
  }
}

/** Plaid limited this Item's calls to the endpoint a moment ago: Plaid was not called again. */
export class PlaidCoolDownError extends GatewayError {
  constructor(
    readonly endpoint: string,
    readonly retryAt: Date,
    plaid: { errorType: string; errorCode: string; requestId: string | null },
  ) {
    super("RATE_LIMITED", `Plaid ${endpoint} is rate limited for this Item (${plaid.errorCode}); it will be tried again after ${retryAt.toISOString()}`, {
      plaid: { errorType: plaid.errorType, errorCode: plaid.errorCode, displayMessage: null, requestId: plaid.requestId },
      retryAt: retryAt.toISOString(),
    });
    this.name = "PlaidCoolDownError";
  }
}

/**
 * The gateway error for a failed Plaid call. Only Plaid's error envelope is read: the client error
 * itself carries the request configuration (secret, access token) and is never passed on.
 */
export function toGatewayError(endpoint: string, error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  const httpError = error as HttpClientError;
  const response = httpError?.response;
  const body = response?.data as PlaidErrorBody | undefined;
  if (response && body && typeof body === "object" && typeof body.error_type === "string" && typeof body.error_code === "string") {
    return new PlaidApiError(endpoint, response.status, {
      errorType: body.error_type,
      errorCode: body.error_code,
      errorCodeReason: str(body.error_code_reason),
      message: str(body.error_message) ?? body.error_code,
      displayMessage: str(body.display_message),
      requestId: str(body.request_id),
    });
  }
  if (response) return new PlaidTransportError(endpoint, `HTTP ${response.status} without a Plaid error body`, response.status);
  if (httpError?.code === "ECONNABORTED" || httpError?.code === "ETIMEDOUT") return new PlaidTransportError(endpoint, "timed out", null, true);
  if (httpError?.code === "ERR_CANCELED") return new PlaidTransportError(endpoint, "request aborted", null, true);
  if (httpError?.isAxiosError) return new PlaidTransportError(endpoint, httpError.code ?? "network error", null);
  return new UpstreamUnavailableError(endpoint, "unexpected client failure");
}

/** HTTP statuses after which Plaid may well answer a repeated read. */
const TRANSIENT_STATUSES = new Set([500, 502, 503, 504]);

/**
 * A failure that says Plaid (or the way to it) is unwell rather than that the request was wrong:
 * 500/502/503/504, PLANNED_MAINTENANCE, no connection, no answer in time. These count against the
 * endpoint family's circuit.
 */
export function isTransientFailure(error: unknown): boolean {
  if (error instanceof PlaidApiError) return TRANSIENT_STATUSES.has(error.httpStatus) || error.plaid.errorCode === "PLANNED_MAINTENANCE";
  if (error instanceof PlaidTransportError) return error.httpStatus === null || TRANSIENT_STATUSES.has(error.httpStatus);
  return false;
}

/**
 * A transient failure after which an idempotent read is sent again. Not a timeout: an attempt that
 * used its whole time says Plaid is slow, and a second one would double the load and the wait.
 */
export function isRetryableFailure(error: unknown): boolean {
  return isTransientFailure(error) && !(error instanceof PlaidTransportError && error.timedOut);
}

/** Plaid answered 429 RATE_LIMIT_EXCEEDED (per Item or per client). */
export function isRateLimit(error: unknown): error is PlaidApiError {
  return error instanceof PlaidApiError && error.plaid.errorType === "RATE_LIMIT_EXCEEDED";
}
