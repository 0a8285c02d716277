import { GatewayError, PlaidApiError } from "../domain/errors.js";
import { statusForCallError } from "../domain/item-health.js";

/** Why stored data was served instead of Plaid's current answer. */
export type StaleReason = "RATE_LIMITED" | "UPSTREAM_UNAVAILABLE" | "ITEM_ERROR";

/** Which part of an Item was served from stored data. */
export type StaleField = "item" | "accounts" | "consentEvents";

/** One entry of `extensions.staleData` in a GraphQL response. */
export interface StaleDataEntry {
  itemId: string;
  /** `item`: the Item's own fields (status, institution, products, consent…) from the stored snapshot; `accounts`, `consentEvents`: those fields. */
  field: StaleField;
  /** When the served data was read from Plaid (ISO 8601). */
  fetchedAt: string;
  reason: StaleReason;
}

/**
 * The reason a failed Plaid read may be answered from stored data, or null when it may not (no
 * access token, a token that does not decrypt, an invalid request: errors the client must see).
 */
export function staleReason(error: unknown): StaleReason | null {
  if (error instanceof PlaidApiError) {
    if (error.code === "RATE_LIMITED") return "RATE_LIMITED";
    // An Item error that changes the Item's status (login required, permission revoked, Item gone).
    if (statusForCallError(error.plaid) !== null) return "ITEM_ERROR";
    return error.httpStatus >= 500 ? "UPSTREAM_UNAVAILABLE" : null;
  }
  if (error instanceof GatewayError && (error.code === "RATE_LIMITED" || error.code === "UPSTREAM_UNAVAILABLE")) return error.code;
  return null;
}

/** Collects, for one GraphQL operation, what was served from stored data; one entry per Item and field. */
export class StaleDataCollector {
  private readonly entries = new Map<string, StaleDataEntry>();

  record(itemId: string, field: StaleField, fetchedAt: Date, reason: StaleReason): void {
    this.entries.set(`${itemId} ${field}`, { itemId, field, fetchedAt: fetchedAt.toISOString(), reason });
  }

  list(): StaleDataEntry[] {
    return [...this.entries.values()];
  }

  get size(): number {
    return this.entries.size;
  }
}
