/**
 * Two gateways in this process sharing one PostgreSQL schema and Redis; B reaches Redis through a proxy
 * the test can cut. Twenty subscribers on B: when B's Redis connection comes back, B reads the event log
 * once for all of them (not once each) and hands each the event it missed, once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RemoveItemDocument, SandboxFireWebhookDocument } from "../../generated/graphql.js";
import { openStore } from "../../src/datasources/store/store.js";
import { dropSchema, POSTGRES_URL, postgresAvailable, uniqueSchema } from "../support/databases.js";
import { expectCleanRun, startTestGateway, type TestGateway } from "../support/gateway-harness.js";
import { subscribeToItemStatus, type ItemStatusSubscription } from "../support/item-status-subscriptions.js";
import { createSettledItem } from "../support/link-helpers.js";
import { waitUntil } from "../support/wait-until.js";
import { randomChannelPrefix, REDIS_URL, redisAvailable, TcpProxy } from "./event-bus-support.js";

const postgresUp = await postgresAvailable();
const redisUp = await redisAvailable();

describe.skipIf(!postgresUp || !redisUp)("a Redis reconnect on an instance with many subscribers", () => {
  const schema = uniqueSchema();
  const channelPrefix = randomChannelPrefix();
  let redisOfB: TcpProxy;
  let a: TestGateway;
  let b: TestGateway;
  const subscribers: ItemStatusSubscription[] = [];

  beforeAll(async () => {
    redisOfB = new TcpProxy(REDIS_URL);
    await redisOfB.start();
    const postgres = { databaseUrl: POSTGRES_URL, postgres: { schema } };
    a = await startTestGateway({ store: { store: await openStore(postgres) }, env: { REDIS_URL, REDIS_CHANNEL_PREFIX: channelPrefix } });
    b = await startTestGateway({
      store: { store: await openStore(postgres), cleanup: () => dropSchema(schema) },
      env: { REDIS_URL: redisOfB.url, REDIS_CHANNEL_PREFIX: channelPrefix },
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(subscribers.map((subscriber) => subscriber.close()));
    await redisOfB?.restore().catch(() => {});
    try {
      for (const gateway of [a, b]) if (gateway) expectCleanRun(gateway);
    } finally {
      await a?.close();
      await b?.close();
      await redisOfB?.close();
    }
  }, 60_000);

  /** B's reads of the event log, counted from now on. */
  function countLogReads(gateway: TestGateway) {
    const events = gateway.gateway.store.events;
    const counts = { latest: 0, after: 0 };
    const { latestSequence, listAfter } = events;
    events.latestSequence = (...args) => {
      counts.latest += 1;
      return latestSequence.apply(events, args);
    };
    events.listAfter = (...args) => {
      counts.after += 1;
      return listAfter.apply(events, args);
    };
    return counts;
  }

  const resyncs = (gateway: TestGateway) => gateway.logs.filter((line) => line.includes("Item event subscribers resync from the event log")).length;

  it("reads the log once per reconnect for all twenty, and each gets the missed event once", async () => {
    const [onA, onB] = await Promise.all([a.token("crowd"), b.token("crowd")]);
    for (let i = 0; i < 20; i++) subscribers.push(subscribeToItemStatus(b.gateway.graphqlUrl, onB));
    await waitUntil(() => b.gateway.events.activeSubscriptions() === 20, { what: "twenty subscriptions on B" });
    const itemId = await createSettledItem(a, onA);
    await waitUntil(() => subscribers.every((subscriber) => subscriber.eventsOf(itemId).length === 1), { timeoutMs: 15_000, what: "the LINKED event at all twenty" });

    const reads = countLogReads(b);
    const resyncsBefore = resyncs(b);
    await redisOfB.cut();
    const fired = await a.graphql(SandboxFireWebhookDocument, { itemId, code: "NEW_ACCOUNTS_AVAILABLE" }, onA);
    expect(fired.errors).toBeUndefined();
    await a.settle();
    await redisOfB.restore();
    await waitUntil(() => subscribers.every((subscriber) => subscriber.events.length === 2), { timeoutMs: 30_000, what: "the missed event at all twenty" });

    const reconnects = resyncs(b) - resyncsBefore;
    expect(reconnects).toBeGreaterThanOrEqual(1);
    expect(reads.after).toBeGreaterThanOrEqual(1);
    expect(reads.after).toBeLessThanOrEqual(reconnects);
    expect(reads.latest).toBeLessThanOrEqual(reconnects);

    // Live again: the last event closes the run, so a repeated one would have come before it.
    const removed = await a.graphql(RemoveItemDocument, { itemId }, onA);
    expect(removed.errors).toBeUndefined();
    await waitUntil(() => subscribers.every((subscriber) => subscriber.events.length === 3), { timeoutMs: 15_000, what: "the REMOVED event at all twenty" });
    for (const subscriber of subscribers) {
      expect(subscriber.events.map((event) => event.cause)).toEqual(["LINKED", "NEW_ACCOUNTS_AVAILABLE", "REMOVED"]);
      expect(subscriber.payloads).toHaveLength(3);
    }
  });
});
