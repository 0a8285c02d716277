/** Plaid's production limits for /item/get, in requests per minute (Sandbox allows more per Item, the same per client). */
export const ITEM_GET_PER_ITEM_PER_MINUTE = 15;
export const ITEM_GET_PER_CLIENT_PER_MINUTE = 5_000;

/** How the reconciliation sweep spends /item/get calls. */
export interface SweepBudget {
  /** An Item confirmed more recently than this is not due: the sweep leaves it alone. */
  minAgeMs: number;
  /** Time between two confirmations the sweep starts. */
  spacingMs: number;
  /** False when even the whole share of Plaid's per-client limit cannot confirm every live Item within the interval. */
  keepsInterval: boolean;
}

/**
 * The sweep's budget for `liveItems` Items. An Item is due once its last confirmation is `minAgeMs`
 * old: a tenth of the interval, never less than Plaid's per-Item spacing (60 s / 15 = 4 s), so the
 * sweep alone never reaches the per-Item limit and never adds a call right after another path's.
 * Due Items are confirmed oldest first, one every `spacingMs`, which spreads all live Items evenly over
 * the rest of the interval: an Item waits at most minAge to become due, then at most `interval −
 * minAge` for every older Item ahead of it, so it is confirmed within one interval of the last time.
 * The spacing never goes below what `maxShare` of Plaid's per-client limit allows.
 */
export function sweepBudget(intervalMs: number, liveItems: number, maxShare: number): SweepBudget {
  const minAgeMs = Math.max(intervalMs / 10, 60_000 / ITEM_GET_PER_ITEM_PER_MINUTE);
  const evenSpacingMs = (intervalMs - minAgeMs) / Math.max(1, liveItems);
  const shareSpacingMs = 60_000 / (ITEM_GET_PER_CLIENT_PER_MINUTE * maxShare);
  return { minAgeMs, spacingMs: Math.max(evenSpacingMs, shareSpacingMs), keepsInterval: evenSpacingMs >= shareSpacingMs };
}
