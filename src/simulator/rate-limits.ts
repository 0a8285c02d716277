import { plaidError } from "./errors.js";

/** Plaid's Sandbox per-Item limits, requests per minute (docs: rate limit exceeded errors). */
const DEFAULT_RATE_LIMITS: Readonly<Record<string, number>> = {
  "/item/get": 40,
  "/accounts/get": 100,
  "/item/remove": 100,
};

/**
 * The code Plaid answers when a per-Item limit trips. /item/remove has no endpoint-specific code in Plaid's
 * docs (there is no ITEM_REMOVE_LIMIT), so it gets RATE_LIMIT, the generic code of the RATE_LIMIT_EXCEEDED type.
 */
const LIMIT_CODES: Readonly<Record<string, string>> = {
  "/item/get": "ITEM_GET_LIMIT",
  "/accounts/get": "ACCOUNTS_LIMIT",
};

const WINDOW_MS = 60_000;

/** Sliding one-minute windows per (endpoint, Item). Only requests that were let through count. */
export class RateLimiter {
  private limits: Record<string, number> = { ...DEFAULT_RATE_LIMITS };
  private readonly hits = new Map<string, number[]>();

  get current(): Readonly<Record<string, number>> {
    return { ...this.limits };
  }

  /** Changes limits (a number per path); `null` removes a path's limit. Counters restart. */
  configure(limits: Record<string, number | null>): void {
    for (const [path, limit] of Object.entries(limits)) {
      if (limit === null) delete this.limits[path];
      else this.limits[path] = limit;
    }
    this.hits.clear();
  }

  /** Throws 429 RATE_LIMIT_EXCEEDED when this request would exceed the Item's limit for the path. */
  check(path: string, itemId: string, nowMs: number): void {
    const limit = this.limits[path];
    if (limit === undefined) return;
    const key = `${path} ${itemId}`;
    const recent = (this.hits.get(key) ?? []).filter((t) => nowMs - t < WINDOW_MS && t <= nowMs);
    if (recent.length >= limit) {
      this.hits.set(key, recent);
      throw plaidError(LIMIT_CODES[path] ?? "RATE_LIMIT");
    }
    recent.push(nowMs);
    this.hits.set(key, recent);
  }
}
