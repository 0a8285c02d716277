/**
 * The reconciliation sweep on one gateway (PGlite, the simulator): every live Item is confirmed with
 * /item/get in the background, so a change Plaid never sent a webhook for still reaches subscribers.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ItemHistoryDocument } from "../../generated/graphql.js";
import { useTestGateway } from "../support/gateway-harness.js";
import { subscribeToItemStatus, type ItemStatusSubscription } from "../support/item-status-subscriptions.js";
import { createSettledItem } from "../support/link-helpers.js";
import { waitUntil } from "../support/wait-until.js";
import { scrape } from "../operations-health/prometheus-text.js";

const INTERVAL_SECONDS = 10;

describe(`the reconciliation sweep, ITEM_RECONCILE_INTERVAL_SECONDS=${INTERVAL_SECONDS}`, () => {
  const { harness, tokens } = useTestGateway({ users: { dana: "user" }, env: { ITEM_RECONCILE_INTERVAL_SECONDS: String(INTERVAL_SECONDS) } });
  const open: ItemStatusSubscription[] = [];

  afterEach(async () => {
    await Promise.all(open.splice(0).map((subscription) => subscription.close()));
    await fetch(`${harness.simulatorUrl}/simulator/webhooks/faults`, { method: "DELETE" });
    await harness.clearFaults();
    await harness.settle();
  });

  /** The cursor of the Item's newest event, so a subscription resumes exactly after it. */
  async function newestCursor(itemId: string): Promise<string> {
    const history = await harness.graphql(ItemHistoryDocument, { id: itemId, first: 1 }, tokens.dana);
    const cursor = history.data?.item?.history.edges[0]?.cursor;
    if (!cursor) throw new Error(`no history for ${itemId}: ${JSON.stringify(history.errors)}`);
    return cursor;
  }

  it("an Item that breaks at Plaid reaches a subscriber as LOGIN_REQUIRED (cause RECONCILED) with no webhook and no query", async () => {
    const itemId = await createSettledItem(harness, tokens.dana);
    const subscription = subscribeToItemStatus(harness.gateway.graphqlUrl, tokens.dana, { itemIds: [itemId], after: await newestCursor(itemId) });
    open.push(subscription);
    await waitUntil(() => subscription.acknowledged, { what: "the subscription to be acknowledged" });

    // Plaid's webhooks to the gateway are held back: only /item/get can tell the gateway.
    await harness.control("/simulator/webhooks/faults", { mode: "reorder", count: 1000 });
    const webhooksBefore = harness.webhookResults.length;
    await harness.control(`/simulator/items/${itemId}/login-required`, {});

    const event = await waitUntil(() => subscription.eventsOf(itemId).find((received) => received.status === "LOGIN_REQUIRED"), {
      timeoutMs: 30_000,
      what: "LOGIN_REQUIRED from the sweep",
    });
    expect(event).toMatchObject({ itemId, previousStatus: "HEALTHY", status: "LOGIN_REQUIRED", cause: "RECONCILED", error: { errorCode: "ITEM_LOGIN_REQUIRED" } });
    expect(harness.webhookResults.slice(webhooksBefore)).toEqual([]);
    const stored = await harness.gateway.store.items.findById(itemId);
    expect(stored?.snapshot).toMatchObject({ status: "LOGIN_REQUIRED", error: { errorCode: "ITEM_LOGIN_REQUIRED" } });
  }, 45_000);

  it("confirms every live Item within one interval, at most once per Item per few seconds, and reports it in /metrics", async () => {
    const itemIds = [await createSettledItem(harness, tokens.dana), await createSettledItem(harness, tokens.dana)];
    const since = harness.exchanges.length;
    const startedAt = Date.now();
    const confirmedAt = new Map<string, Date>();
    for (const itemId of itemIds) confirmedAt.set(itemId, (await harness.gateway.store.items.findById(itemId))!.snapshot.syncedAt);

    // Each Item is confirmed again: its syncedAt moves on, without any request asking for it.
    await waitUntil(
      async () => {
        const rows = await harness.gateway.store.items.findByIds(itemIds);
        return rows.every((row) => row.snapshot.syncedAt > confirmedAt.get(row.snapshot.itemId)!);
      },
      { timeoutMs: 2 * INTERVAL_SECONDS * 1000, intervalMs: 200, what: "every Item to be confirmed again by the sweep" },
    );
    const elapsedSeconds = (Date.now() - startedAt) / 1000;
    // Plaid's per-Item limit: the sweep leaves at least 4 s between two /item/get of one Item.
    for (const itemId of itemIds) expect(harness.callsTo("/item/get", since, itemId)).toBeLessThanOrEqual(Math.floor(elapsedSeconds / 4) + 1);

    const { metrics } = await scrape(harness.gateway.url);
    expect(metrics.value("item_reconcile_sweeper")).toBe(1);
    expect(metrics.value("item_reconcile_items_confirmed_total")).toBeGreaterThanOrEqual(itemIds.length);
    const lag = metrics.value("item_reconcile_lag_seconds");
    expect(lag).toBeGreaterThan(0);
    expect(lag).toBeLessThanOrEqual(2 * INTERVAL_SECONDS);
    expect(harness.logs.some((line) => line.includes('"msg":"reconciliation pass"'))).toBe(true);
  }, 45_000);

  it("pauses while Plaid's /item/get fails, then goes on", async () => {
    const itemId = await createSettledItem(harness, tokens.dana);
    const failuresBefore = (await scrape(harness.gateway.url)).metrics.value("item_reconcile_failures_total");
    await harness.fault({ path: "/item/get", status: 503, error_type: "API_ERROR", error_code: "INTERNAL_SERVER_ERROR", count: 3 });

    await waitUntil(async () => (await scrape(harness.gateway.url)).metrics.value("item_reconcile_failures_total") > failuresBefore, {
      timeoutMs: 2 * INTERVAL_SECONDS * 1000,
      what: "the sweep to meet the outage",
    });
    const syncedBefore = (await harness.gateway.store.items.findById(itemId))!.snapshot.syncedAt;
    await waitUntil(async () => (await harness.gateway.store.items.findById(itemId))!.snapshot.syncedAt > syncedBefore, {
      timeoutMs: 3 * INTERVAL_SECONDS * 1000,
      intervalMs: 200,
      what: "the Item to be confirmed once Plaid answers again",
    });
    expect(harness.logs.some((line) => line.includes("the reconciliation sweep pauses"))).toBe(true);
  }, 60_000);
});
