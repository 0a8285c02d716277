/**
 * Subscribers that share a document, its variables (but the cursor) and a viewer scope share one
 * execution per event. Executions are counted through the store: `item { history }` reads the Item's
 * events from the log once per execution (nothing caches it), so each distinct execution of an event
 * shows up as one read of that Item's history.
 */
import type { GraphQLFormattedError } from "graphql";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { SandboxFireWebhookDocument } from "../../generated/graphql.js";
import { useTestGateway } from "../support/gateway-harness.js";
import { graphqlWsClient } from "../support/item-status-subscriptions.js";
import { createSandboxItem, createSettledItem } from "../support/link-helpers.js";
import { waitUntil } from "../support/wait-until.js";
import { scrape } from "../operations-health/prometheus-text.js";

interface Payload {
  data?: { itemStatusChanged?: { cursor: string; itemId?: string } | null } | null;
  errors?: GraphQLFormattedError[];
  extensions?: { staleData?: Array<{ itemId: string; field: string; reason: string }> };
}

interface Subscriber {
  payloads: Payload[];
  /** Item ids of the events received, in order. */
  itemIds(): string[];
  close(): Promise<void>;
}

const withHistory = (first: number) =>
  `subscription SharedHistory($after: String) { itemStatusChanged(after: $after) { cursor itemId cause item { id history(first: ${first}) { edges { cursor } } } } }`;

describe("one execution per event for subscribers who see the same", () => {
  const { harness } = useTestGateway();
  const open: Subscriber[] = [];
  /** Reads of each Item's history: one per execution of its events with `item { history }`. */
  const historyReads = new Map<string, number>();

  beforeAll(() => {
    const events = harness.gateway.store.events;
    const listForItem = events.listForItem.bind(events);
    events.listForItem = (itemId, ...rest) => {
      historyReads.set(itemId, (historyReads.get(itemId) ?? 0) + 1);
      return listForItem(itemId, ...rest);
    };
  });
  afterEach(async () => {
    await harness.clearFaults();
    await Promise.all(open.splice(0).map((subscriber) => subscriber.close()));
    await waitUntil(() => harness.gateway.events.activeSubscriptions() === 0, { what: "the gateway to end the closed subscriptions" });
  });

  function subscribe(token: string, query: string, variables: Record<string, unknown> = {}): Subscriber {
    const client = graphqlWsClient(harness.gateway.graphqlUrl, token);
    const payloads: Payload[] = [];
    const stop = client.subscribe<Payload["data"]>(
      { query, variables },
      {
        next: (payload) => payloads.push(payload as Payload),
        error: (error) => payloads.push({ errors: Array.isArray(error) ? (error as GraphQLFormattedError[]) : [{ message: String(error) }] }),
        complete: () => {},
      },
    );
    const subscriber: Subscriber = {
      payloads,
      itemIds: () => payloads.flatMap((payload) => (payload.data?.itemStatusChanged?.itemId ? [payload.data.itemStatusChanged.itemId] : [])),
      async close() {
        stop();
        await client.dispose();
      },
    };
    open.push(subscriber);
    return subscriber;
  }

  /**
   * Once the gateway counts every open subscription, links an Item and waits until every subscriber has
   * received something for it: from then on they all listen live.
   */
  async function warmUp(token: string, subscribers: Subscriber[]): Promise<void> {
    await waitUntil(() => harness.gateway.events.activeSubscriptions() === open.length, { what: "the gateway to count every subscription" });
    const before = subscribers.map((subscriber) => subscriber.payloads.length);
    await createSandboxItem(harness, token);
    await waitUntil(() => subscribers.every((subscriber, i) => subscriber.payloads.length > before[i]!), { what: "every subscriber to receive the warm-up event" });
  }

  const eventOf = (subscriber: Subscriber, itemId: string) => subscriber.payloads.filter((payload) => payload.data?.itemStatusChanged?.itemId === itemId);

  it("five subscribers of one user with one document: one execution per event; a sixth with another document: one more", async () => {
    const token = await harness.token("sharer");
    const same = Array.from({ length: 5 }, () => subscribe(token, withHistory(1)));
    const other = subscribe(token, withHistory(2));
    await warmUp(token, [...same, other]);

    const itemId = await createSandboxItem(harness, token);
    await waitUntil(() => [...same, other].every((subscriber) => subscriber.itemIds().includes(itemId)), { what: "the event at all six" });

    expect(historyReads.get(itemId)).toBe(2);
    const [first, ...rest] = same.map((subscriber) => eventOf(subscriber, itemId));
    expect(first).toHaveLength(1);
    for (const payloads of rest) expect(payloads).toEqual(first);
    expect(first![0]!.data?.itemStatusChanged).toMatchObject({ itemId, cause: "LINKED", item: { id: itemId } });
  });

  it("two users with the same document and variables each see only their own events, each executed once", async () => {
    const [dana, eli] = await Promise.all([harness.token("dana"), harness.token("eli")]);
    const danas = [subscribe(dana, withHistory(1)), subscribe(dana, withHistory(1))];
    const elis = [subscribe(eli, withHistory(1)), subscribe(eli, withHistory(1))];
    await warmUp(dana, danas);
    await warmUp(eli, elis);

    const danaItem = await createSandboxItem(harness, dana);
    const eliItem = await createSandboxItem(harness, eli);
    await waitUntil(() => danas.every((s) => s.itemIds().includes(danaItem)) && elis.every((s) => s.itemIds().includes(eliItem)), { what: "each user's event" });
    // A closing event of Dana's: Eli's would have arrived before it.
    const closing = await createSandboxItem(harness, dana);
    await waitUntil(() => danas.every((s) => s.itemIds().includes(closing)), { what: "Dana's closing event" });

    for (const subscriber of danas) expect(subscriber.itemIds().slice(-2)).toEqual([danaItem, closing]);
    for (const subscriber of elis) expect(subscriber.itemIds().slice(-1)).toEqual([eliItem]);
    for (const subscriber of [...danas, ...elis]) expect(subscriber.payloads.every((payload) => !payload.errors)).toBe(true);
    expect([historyReads.get(danaItem), historyReads.get(eliItem)]).toEqual([1, 1]);
  });

  it("a subscriber resuming with after while others are live gets exactly the events after its cursor, then shares the live ones", async () => {
    const token = await harness.token("resumer");
    const fresh = subscribe(token, withHistory(1));
    const warm = subscribe(token, withHistory(1), { after: null });
    await warmUp(token, [fresh, warm]);
    const seen = await createSandboxItem(harness, token);
    const missed = await createSandboxItem(harness, token);
    await waitUntil(() => [fresh, warm].every((s) => s.itemIds().includes(missed)), { what: "the events at the live subscribers" });
    const cursor = eventOf(fresh, seen)[0]!.data!.itemStatusChanged!.cursor;

    const resumed = subscribe(token, withHistory(1), { after: cursor });
    await waitUntil(() => resumed.itemIds().includes(missed), { what: "the missed event at the resumed subscriber" });
    const live = await createSandboxItem(harness, token);
    await waitUntil(() => [fresh, warm, resumed].every((s) => s.itemIds().includes(live)), { what: "the live event at all three" });

    expect(resumed.itemIds()).toEqual([missed, live]);
    expect(resumed.payloads).toHaveLength(2);
    expect(historyReads.get(live)).toBe(1);
    expect(eventOf(resumed, live)).toEqual(eventOf(fresh, live));
  });

  it("an error in a shared execution reaches each subscriber with its own request id, and each subscription counts as failed", async () => {
    const token = await harness.token("erred");
    // The second history's cursor is refused: every event's execution fails, after the first history read the log.
    const query = `subscription SharedErrors { itemStatusChanged { cursor item { id history(first: 1) { edges { cursor } } refused: history(first: 1, after: "not-a-cursor") { edges { cursor } } } } }`;
    const subscribers = Array.from({ length: 3 }, () => subscribe(token, query));
    const counted = async () =>
      (await scrape(harness.gateway.url)).metrics.value("graphql_operations_total", { operation: "SharedErrors", type: "subscription", outcome: "error" });
    const failedBefore = await counted();
    await warmUp(token, subscribers);
    const itemId = await createSandboxItem(harness, token);
    await waitUntil(() => subscribers.every((subscriber) => subscriber.payloads.length === 2), { what: "the second event's errors" });

    expect(historyReads.get(itemId)).toBe(1);
    const requestIds = subscribers.map((subscriber) => {
      const errors = subscriber.payloads.flatMap((payload) => payload.errors ?? []);
      expect(errors).toHaveLength(2);
      for (const error of errors) {
        expect(error).toMatchObject({
          message: "after is not a cursor from this connection",
          path: ["itemStatusChanged", "item", "refused"],
          extensions: { code: "BAD_USER_INPUT" },
        });
      }
      // One request id per subscription, the same on every event's error.
      expect(errors[1]!.extensions!.requestId).toBe(errors[0]!.extensions!.requestId);
      return errors[0]!.extensions!.requestId;
    });
    expect(requestIds.every((id) => typeof id === "string" && /^[0-9a-f-]{36}$/.test(id))).toBe(true);
    expect(new Set(requestIds).size).toBe(3);

    await Promise.all(open.splice(0).map((subscriber) => subscriber.close()));
    await waitUntil(async () => (await counted()) - failedBefore === 3, { what: "the three subscriptions counted as failed" });
  });

  it("what a shared execution served from stored data is reported to every subscriber", async () => {
    const token = await harness.token("stale");
    const itemId = await createSettledItem(harness, token);
    const query = "subscription SharedStale { itemStatusChanged { cursor itemId item { id accounts { id } } } }";
    const subscribers = Array.from({ length: 3 }, () => subscribe(token, query));
    await warmUp(token, subscribers);

    // Plaid cannot answer for the Item's accounts: the answer kept when it was linked is served.
    await harness.fault({ path: "/accounts/get", status: 500, count: 20 });
    const fired = await harness.graphql(SandboxFireWebhookDocument, { itemId, code: "NEW_ACCOUNTS_AVAILABLE" }, token);
    expect(fired.errors).toBeUndefined();
    await waitUntil(() => subscribers.every((subscriber) => eventOf(subscriber, itemId).length > 0), { what: "the event at every subscriber" });

    for (const subscriber of subscribers) {
      const [payload] = eventOf(subscriber, itemId);
      expect(payload!.errors).toBeUndefined();
      expect(payload!.extensions?.staleData).toEqual([expect.objectContaining({ itemId, field: "accounts", reason: "UPSTREAM_UNAVAILABLE" })]);
    }
  });
});
