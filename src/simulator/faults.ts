import { errorTypeOf, plaidError, type PlaidApiError } from "./errors.js";

export interface ApiFaultInput {
  path: string;
  status?: number;
  error_type?: string;
  error_code?: string;
  latency_ms?: number;
  count?: number;
}

interface ApiFault {
  path: string;
  status: number | null;
  errorType: string | null;
  errorCode: string | null;
  latencyMs: number;
  remaining: number;
}

/** The default Plaid error for an injected status when the test names no code. */
const DEFAULT_CODES: Readonly<Record<number, string>> = {
  404: "NOT_FOUND",
  429: "RATE_LIMIT",
  500: "INTERNAL_SERVER_ERROR",
  503: "PLANNED_MAINTENANCE",
};

export interface TakenFault {
  latencyMs: number;
  error: PlaidApiError | null;
}

/** Injected failures and latency for the next N calls to a Plaid path, served first in, first out. */
export class FaultInjector {
  private faults: ApiFault[] = [];

  /** Validates and queues a fault; returns a message when the input is unusable. */
  add(input: ApiFaultInput, knownPath: (p: string) => boolean): string | null {
    if (typeof input.path !== "string" || !knownPath(input.path)) return "path must be a Plaid path the simulator serves";
    const status = input.status ?? null;
    if (status !== null && (!Number.isInteger(status) || status < 400 || status > 599)) return "status must be an HTTP error status (400-599)";
    if (status === null && !input.latency_ms) return "give a status, a latency_ms, or both";
    const code = input.error_code ?? (status !== null ? DEFAULT_CODES[status] : undefined) ?? null;
    if (status !== null && !code) return `error_code is required for status ${status}`;
    const errorType = input.error_type ?? (code ? errorTypeOf(code) : undefined) ?? null;
    if (status !== null && !errorType) return `error_type is required for error_code ${code}`;
    const count = input.count ?? 1;
    if (!Number.isInteger(count) || count < 1) return "count must be a positive integer";
    if (input.latency_ms !== undefined && (typeof input.latency_ms !== "number" || input.latency_ms < 0)) return "latency_ms must be a non-negative number";
    this.faults.push({ path: input.path, status, errorType, errorCode: code, latencyMs: input.latency_ms ?? 0, remaining: count });
    return null;
  }

  clear(): void {
    this.faults = [];
  }

  /** Consumes one use of the oldest fault for this path, if any. */
  take(path: string): TakenFault | null {
    const fault = this.faults.find((f) => f.path === path);
    if (!fault) return null;
    if (--fault.remaining === 0) this.faults = this.faults.filter((f) => f !== fault);
    const error = fault.status === null ? null : plaidError(fault.errorCode!, { status: fault.status, error_type: fault.errorType! });
    return { latencyMs: fault.latencyMs, error };
  }

  pending(): Array<{ path: string; status: number | null; error_code: string | null; latency_ms: number; remaining: number }> {
    return this.faults.map((f) => ({ path: f.path, status: f.status, error_code: f.errorCode, latency_ms: f.latencyMs, remaining: f.remaining }));
  }
}
