import { PlaidApiError, UpstreamUnavailableError, type GatewayError } from "../../domain/errors.js";

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
 * The gateway error for a failed Plaid call. Only Plaid's error envelope is read: the client error
 * itself carries the request configuration (secret, access token) and is never passed on.
 */
export function toGatewayError(endpoint: string, error: unknown): GatewayError {
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
  if (response) return new UpstreamUnavailableError(endpoint, `HTTP ${response.status} without a Plaid error body`);
  if (httpError?.code === "ECONNABORTED" || httpError?.code === "ETIMEDOUT") return new UpstreamUnavailableError(endpoint, "timed out");
  if (httpError?.isAxiosError) return new UpstreamUnavailableError(endpoint, httpError.code ?? "network error");
  return new UpstreamUnavailableError(endpoint, "unexpected client failure");
}
