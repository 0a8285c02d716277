import { describe, expect, it } from "vitest";
import { ITEM_GET_PER_CLIENT_PER_MINUTE, ITEM_GET_PER_ITEM_PER_MINUTE, sweepBudget } from "../../src/domain/reconcile-budget.js";

const DAY_MS = 86_400_000;

describe("the reconciliation sweep's budget", () => {
  it("spreads a day's Items evenly over the day, less the tenth an Item waits to become due", () => {
    const budget = sweepBudget(DAY_MS, 86_400, 0.5);
    expect(budget.minAgeMs).toBe(DAY_MS / 10);
    expect(budget.spacingMs).toBeCloseTo((DAY_MS * 0.9) / 86_400);
    expect(budget.keepsInterval).toBe(true);
  });

  it("confirms every Item within one interval: the wait to become due plus a round of every Item ahead of it", () => {
    for (const [intervalMs, live] of [
      [10_000, 1],
      [10_000, 4],
      [60_000, 100],
      [DAY_MS, 1],
      [DAY_MS, 1_000_000],
    ] as const) {
      const { minAgeMs, spacingMs, keepsInterval } = sweepBudget(intervalMs, live, 0.5);
      expect(keepsInterval).toBe(true);
      expect(minAgeMs + live * spacingMs).toBeLessThanOrEqual(intervalMs + 1e-6);
    }
  });

  it("never comes back to an Item sooner than Plaid's per-Item limit allows", () => {
    const { minAgeMs } = sweepBudget(10_000, 1, 1);
    expect(minAgeMs).toBe(60_000 / ITEM_GET_PER_ITEM_PER_MINUTE);
    expect(sweepBudget(10_000, 1_000, 1).minAgeMs).toBe(4_000);
  });

  it("stays within its share of Plaid's per-client limit, and says when that cannot keep the interval", () => {
    const budget = sweepBudget(60_000, 1_000_000, 0.5);
    expect(60_000 / budget.spacingMs).toBeCloseTo(ITEM_GET_PER_CLIENT_PER_MINUTE * 0.5);
    expect(budget.keepsInterval).toBe(false);
    expect(60_000 / sweepBudget(60_000, 1_000_000, 0.1).spacingMs).toBeCloseTo(ITEM_GET_PER_CLIENT_PER_MINUTE * 0.1);
  });

  it("waits a whole round between confirmations when nothing is live", () => {
    expect(sweepBudget(10_000, 0, 0.5).spacingMs).toBe(6_000);
  });
});
