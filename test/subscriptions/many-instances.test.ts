import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import { signDevToken } from "../../src/auth/dev-token.js";
import { parseNodeId } from "../../src/services/node-ids.js";
import {
  DashboardViewerItemsDocument,
  ItemDetailsDocument,
  ItemHistoryDocument,
  RemoveItemDocument,
  SandboxCreateItemDocument,
  SandboxFireWebhookDocument,
  SandboxResetLoginDocument,
  ViewerDocument,
  type SandboxItemWebhookCode,
} from "../../generated/graphql.js";
import { postgresAvailable } from "../support/databases.js";
import type { GatewayProcess } from "../support/gateway-process.js";
import { subscribeToItemStatus, type ItemStatusSubscription, type SubscribeOptions } from "../support/item-status-subscriptions.js";
import type { SimulatorHarness } from "../support/simulator-harness.js";
import { startTwoInstances, type TwoInstances } from "../support/two-instances.js";
import { waitUntil } from "../support/wait-until.js";
import { redisAvailable, type TcpProxy } from "./event-bus-support.js";

const postgresUp = await postgresAvailable();
const redisUp = await redisAvailable();

/** Redis channel of one user's Item events, as every instance names it (the gateway's default prefix). */
/** This run's own channels, so other runs sharing the machine's Redis stay apart. */
const channelPrefix = `test-${randomBytes(6).toString("hex")}`;
const userChannel = (userId: string) => `${channelPrefix}:user:${userId}`;

describe.skipIf(!postgresUp || !redisUp)("two gateway processes sharing one PostgreSQL schema and Redis", () => {
  const jwtSecret = randomBytes(32).toString("hex");
  const secretBytes = new TextEncoder().encode(jwtSecret);
  let simulator: SimulatorHarness;
  /** Both instances reach Redis through this proxy, so a test can take Redis away from them. */
  let redisLink: TcpProxy;
  let redis: Redis;
  let a: GatewayProcess;
  let b: GatewayProcess;
  const open: ItemStatusSubscription[] = [];

  let deployment: TwoInstances | undefined;

  beforeAll(async () => {
    deployment = await startTwoInstances({ names: ["a", "b"], prefix: channelPrefix, jwtSecret });
    ({ a, b, simulator, redisLink, redis } = deployment);
  }, 180_000);

  afterEach(async () => {
    await Promise.all(open.splice(0).map((subscription) => subscription.close()));
    await redisLink.restore().catch(() => {}); // a test that failed while Redis was cut
  });

  afterAll(() => deployment?.stop(), 60_000);

  const tokenFor = (user: string) => signDevToken(secretBytes, { user: `${user}-${randomBytes(3).toString("hex")}` });

  function subscribeOn(instance: GatewayProcess, token: string, options: SubscribeOptions = {}): ItemStatusSubscription {
    const subscription = subscribeToItemStatus(instance.graphqlUrl, token, options);
    open.push(subscription);
    return subscription;
  }

  /**
   * Subscribes on B without `after` and waits until B listens to the user's Redis channel: B reads where
   * the stream starts before it subscribes there, so from then on nothing the user's Items do is missed.
   */
  async function subscribeOnBFromNow(token: string): Promise<ItemStatusSubscription> {
    const viewer = parseNodeId((await ask(b, ViewerDocument, {}, token)).viewer.id);
    if (viewer?.type !== "User") throw new Error("viewer.id is not a user's global id");
    const channel = userChannel(viewer.userId);
    const subscription = subscribeOn(b, token);
    await waitUntil(async () => subscription.ended || Number(((await redis.pubsub("NUMSUB", channel)) as [string, number])[1]) > 0, {
      timeoutMs: 15_000,
      what: "instance B to listen for the user's events",
    });
    expect(subscription.ended, `the subscription on B ended: ${JSON.stringify(subscription.payloads)}`).toBe(false);
    return subscription;
  }

  /** Runs an operation on one instance; it must succeed. */
  async function ask<T, V extends Record<string, unknown>>(instance: GatewayProcess, document: TypedDocumentNode<T, V>, variables: V, token: string): Promise<T> {
    const result = await instance.graphql(document, variables, token);
    expect(result.errors, `${instance.name}: ${print(document).split("\n")[0]}`).toBeUndefined();
    return result.data!;
  }

  async function createItemOn(instance: GatewayProcess, token: string): Promise<string> {
    return (await ask(instance, SandboxCreateItemDocument, {}, token)).sandboxCreateItem.id;
  }

  /** A new user subscribed on B, with one Item created through A whose LINKED event B has delivered. */
  async function subscriberOnBWithItemFromA(user: string): Promise<{ token: string; subscription: ItemStatusSubscription; itemId: string }> {
    const token = await tokenFor(user);
    const subscription = await subscribeOnBFromNow(token);
    const itemId = await createItemOn(a, token);
    await waitUntil(() => subscription.eventsOf(itemId).length > 0, { timeoutMs: 15_000, what: "the LINKED event on B" });
    return { token, subscription, itemId };
  }

  /** The Item's history in the shared event log, oldest first. */
  async function historyOf(instance: GatewayProcess, itemId: string, token: string) {
    const data = await ask(instance, ItemHistoryDocument, { id: itemId, first: 50 }, token);
    return data.item!.history.edges.map((edge) => edge.node).reverse();
  }

  /** Has Plaid fire an ITEM webhook and waits until the log holds the event it caused. */
  async function fireWebhook(itemId: string, code: SandboxItemWebhookCode, token: string): Promise<void> {
    const before = (await historyOf(a, itemId, token)).length;
    await ask(a, SandboxFireWebhookDocument, { itemId, code }, token);
    await waitUntil(async () => (await historyOf(a, itemId, token)).length > before, { timeoutMs: 15_000, what: `the ${code} webhook's event in the log` });
  }

  it("an Item created and broken through instance A reaches a subscriber on instance B", async () => {
    const token = await tokenFor("alice");
    const subscription = await subscribeOnBFromNow(token);

    const itemId = await createItemOn(a, token);
    expect(await ask(a, SandboxResetLoginDocument, { itemId }, token)).toEqual({ sandboxResetLogin: { id: itemId, status: "LOGIN_REQUIRED" } });
    await waitUntil(() => subscription.eventsOf(itemId).length >= 2, { timeoutMs: 15_000, what: "the LINKED and ERROR events on B" });

    expect(subscription.events.map((event) => [event.itemId, event.cause, event.previousStatus, event.status])).toEqual([
      [itemId, "LINKED", null, "HEALTHY"],
      [itemId, "ERROR", "HEALTHY", "LOGIN_REQUIRED"],
    ]);
    expect(subscription.events[1]).toMatchObject({ item: { id: itemId, status: "LOGIN_REQUIRED" }, error: { errorCode: "ITEM_LOGIN_REQUIRED" } });
    // Plaid's webhook went to A, the instance that linked the Item: B learnt of it only through Redis.
    const aWebhookUrl = a.graphqlUrl.replace(/\/graphql$/, "/webhooks/plaid");
    // The simulator records the delivery once A's answer reaches it, which may be after B's subscriber got the event.
    const deliveriesOfItem = async () =>
      ((await simulator.control("GET", "/webhooks/deliveries")).body.deliveries as Array<{ item_id: string; webhook_code: string; url: string; state: string }>)
        .filter((delivery) => delivery.item_id === itemId)
        .map((delivery) => [delivery.webhook_code, delivery.url, delivery.state]);
    await waitUntil(async () => (await deliveriesOfItem()).every(([, , state]) => !["held", "scheduled", "in_flight"].includes(state!)), { what: "the delivery to be answered" });
    expect(await deliveriesOfItem()).toEqual([["ERROR", aWebhookUrl, "delivered"]]);
    expect(subscription.payloads).toHaveLength(2);
    // What B delivered is what the shared log holds.
    expect(subscription.events.map((event) => event.cursor)).toEqual((await historyOf(b, itemId, token)).map((event) => event.cursor));
  });

  it("a subscriber on B that reconnects with after gets the events it missed from the shared log, then live ones, none twice", async () => {
    const { token, subscription: first, itemId } = await subscriberOnBWithItemFromA("bob");
    const lastSeen = first.events.at(-1)!;
    expect([lastSeen.itemId, lastSeen.cause]).toEqual([itemId, "LINKED"]);
    await first.close();

    // Missed while away, all made by A.
    await fireWebhook(itemId, "NEW_ACCOUNTS_AVAILABLE", token);
    await fireWebhook(itemId, "PENDING_DISCONNECT", token);
    await ask(a, RemoveItemDocument, { itemId }, token);
    const missed = (await historyOf(b, itemId, token)).slice(1);
    expect(missed.map((event) => event.cause)).toEqual(["NEW_ACCOUNTS_AVAILABLE", "PENDING_DISCONNECT", "REMOVED"]);

    const resumed = subscribeOn(b, token, { after: lastSeen.cursor });
    await waitUntil(() => resumed.events.length >= 3, { timeoutMs: 15_000, what: "the missed events on B" });
    expect(resumed.events.map((event) => event.cursor)).toEqual(missed.map((event) => event.cursor));

    // Live ones from A; the last closes the run, so a repeated event would have arrived before it.
    const next = await createItemOn(a, token);
    await ask(a, RemoveItemDocument, { itemId: next }, token);
    await waitUntil(() => resumed.eventsOf(next).length >= 2, { timeoutMs: 15_000, what: "the live events on B" });
    expect(resumed.events.map((event) => [event.itemId, event.cause])).toEqual([
      [itemId, "NEW_ACCOUNTS_AVAILABLE"],
      [itemId, "PENDING_DISCONNECT"],
      [itemId, "REMOVED"],
      [next, "LINKED"],
      [next, "REMOVED"],
    ]);
    expect(resumed.events.slice(3).map((event) => event.cursor)).toEqual((await historyOf(b, next, token)).map((event) => event.cursor));
    expect(resumed.payloads).toHaveLength(5);
  });

  it("events made on A while Redis is unreachable reach the subscriber on B once Redis is back", async () => {
    const { token, subscription, itemId } = await subscriberOnBWithItemFromA("carol");

    await redisLink.cut();
    await fireWebhook(itemId, "NEW_ACCOUNTS_AVAILABLE", token);
    await redisLink.restore();

    await waitUntil(() => subscription.events.length >= 2, { timeoutMs: 30_000, what: "the event made during the outage on B" });
    await ask(a, RemoveItemDocument, { itemId }, token);
    await waitUntil(() => subscription.events.length >= 3, { timeoutMs: 15_000, what: "the event made after the outage on B" });
    expect(subscription.events.map((event) => event.cause)).toEqual(["LINKED", "NEW_ACCOUNTS_AVAILABLE", "REMOVED"]);
    expect(subscription.payloads).toHaveLength(3);
    expect(subscription.events.map((event) => event.cursor)).toEqual((await historyOf(b, itemId, token)).map((event) => event.cursor));
  });

  it("an event A made while Redis was unreachable still reaches B's subscriber when B recorded a later event of the same user meanwhile", async () => {
    const token = await tokenFor("dave");
    const subscription = await subscribeOnBFromNow(token);
    const onA = await createItemOn(a, token);
    const onB = await createItemOn(a, token);
    await waitUntil(() => subscription.events.length >= 2, { timeoutMs: 15_000, what: "both LINKED events on B" });

    await redisLink.cut();
    // A records an event first (its webhook goes to A) …
    await fireWebhook(onA, "NEW_ACCOUNTS_AVAILABLE", token);
    // … then B records one of its own, which its local subscriber gets at once.
    await ask(b, RemoveItemDocument, { itemId: onB }, token);
    await waitUntil(() => subscription.eventsOf(onB).length >= 2, { timeoutMs: 15_000, what: "B's own event on B" });
    await redisLink.restore();

    await ask(a, RemoveItemDocument, { itemId: onA }, token);
    const logged = [...(await historyOf(b, onA, token)), ...(await historyOf(b, onB, token))].map((event) => event.cursor);
    expect(logged).toHaveLength(5);
    await waitUntil(() => subscription.eventsOf(onA).some((event) => event.cause === "REMOVED"), { timeoutMs: 15_000, what: "A's event made after the outage on B" });
    await waitUntil(() => logged.every((cursor) => subscription.events.some((event) => event.cursor === cursor)), {
      timeoutMs: 15_000,
      what: `every logged event on B (B has ${JSON.stringify(subscription.events.map((event) => [event.itemId === onA ? "onA" : "onB", event.cause]))})`,
    });
    const received = subscription.events.map((event) => event.cursor);
    expect(new Set(received).size, "no event twice").toBe(received.length);
    expect([...received].sort()).toEqual([...logged].sort());
  });

  /** What instance B serves of the user's Items: the list and the one Item. */
  async function statusesOnB(itemId: string, token: string): Promise<{ listed: string | undefined; item: string | undefined }> {
    const listed = (await ask(b, DashboardViewerItemsDocument, {}, token)).viewer.items.edges.find((e) => e.node.id === itemId)?.node.status;
    const item = (await ask(b, ItemDetailsDocument, { id: itemId }, token)).item?.status;
    return { listed, item };
  }

  it("B serves a change made through A at once: what B kept of the user's Items is forgotten when A announces it", async () => {
    const token = await tokenFor("erin");
    const itemId = await createItemOn(a, token);
    // B reads twice: the second answer comes from what B kept.
    expect(await statusesOnB(itemId, token)).toEqual({ listed: "HEALTHY", item: "HEALTHY" });
    expect(await statusesOnB(itemId, token)).toEqual({ listed: "HEALTHY", item: "HEALTHY" });

    await fireWebhook(itemId, "USER_PERMISSION_REVOKED", token);
    // Far below how long B would otherwise keep its copy (a minute).
    await waitUntil(async () => (await statusesOnB(itemId, token)).listed === "PERMISSION_REVOKED", { timeoutMs: 3_000, what: "B to serve A's change" });
    expect(await statusesOnB(itemId, token)).toEqual({ listed: "PERMISSION_REVOKED", item: "PERMISSION_REVOKED" });
  });

  it("while Redis is unreachable B reads the store every time, so a change made through A is still served at once", async () => {
    const token = await tokenFor("frank");
    const itemId = await createItemOn(a, token);
    expect(await statusesOnB(itemId, token)).toEqual({ listed: "HEALTHY", item: "HEALTHY" });

    await redisLink.cut();
    try {
      await waitUntil(async () => (await b.graphql(ViewerDocument, {}, token)).status === 200, { what: "B to answer without Redis" });
      await fireWebhook(itemId, "USER_PERMISSION_REVOKED", token);
      expect(await statusesOnB(itemId, token)).toEqual({ listed: "PERMISSION_REVOKED", item: "PERMISSION_REVOKED" });
    } finally {
      await redisLink.restore();
    }
  });
});
