import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ItemEvent } from "../../src/domain/item-event.js";
import type { ItemEventBus } from "../../src/subscriptions/item-event-bus.js";
import { createRedisEventBus } from "../../src/subscriptions/redis-item-event-bus.js";
import { waitUntil } from "../support/wait-until.js";
import { REDIS_URL, TcpProxy, itemEvent, randomChannelPrefix, randomUserId, recordingLogger, redisAvailable } from "./event-bus-support.js";

const available = await redisAvailable();
const channelPrefix = randomChannelPrefix();

const sequences = (events: ItemEvent[]) => events.map((event) => event.sequence);

describe.skipIf(!available)("Redis Item event bus (two gateway instances in one process)", () => {
  let redis: Redis;
  const buses: ItemEventBus[] = [];
  const proxies: TcpProxy[] = [];

  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });

  afterAll(async () => {
    await redis.quit();
  });

  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
    await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
  });

  async function instance(options: { redisUrl?: string; logger?: ReturnType<typeof recordingLogger>; connectTimeoutMs?: number } = {}) {
    const logger = options.logger ?? recordingLogger();
    const bus = await createRedisEventBus({
      redisUrl: options.redisUrl ?? REDIS_URL,
      logger,
      channelPrefix,
      connectTimeoutMs: options.connectTimeoutMs,
    });
    buses.push(bus);
    return { bus, logger };
  }

  async function proxy(): Promise<TcpProxy> {
    const started = new TcpProxy(REDIS_URL);
    await started.start();
    proxies.push(started);
    return started;
  }

  function collect(bus: ItemEventBus, userId: string | null): ItemEvent[] {
    const received: ItemEvent[] = [];
    bus.subscribe(userId, (event) => received.push(event));
    return received;
  }

  function countResyncs(bus: ItemEventBus): () => number {
    let count = 0;
    bus.onResync(() => {
      count += 1;
    });
    return () => count;
  }

  async function subscriberCount(channel: string): Promise<number> {
    const reply = (await redis.pubsub("NUMSUB", channel)) as [string, number];
    return Number(reply[1]);
  }

  it("delivers an event published on one instance to the owner's subscriber on another, and to the publisher's own subscriber exactly once", async () => {
    const { bus: a, logger: loggerA } = await instance();
    const { bus: b, logger: loggerB } = await instance();
    const owner = randomUserId();
    const someoneElse = randomUserId();
    const onA = collect(a, owner);
    const onB = collect(b, owner);
    const otherUserOnB = collect(b, someoneElse);
    await Promise.all([a.whenSubscribed(), b.whenSubscribed()]);

    const first = itemEvent(owner);
    await a.publish(first);
    expect(onA).toEqual([first]); // local delivery does not wait for Redis
    await waitUntil(() => onB.length === 1, { what: "the other instance receives the event" });

    // Redis delivers in order on A's subscriber connection: once B's next event is there, A's own echo of the first has been handled too.
    const second = itemEvent(owner);
    await b.publish(second);
    await waitUntil(() => onA.length >= 2, { what: "the event published on B reaches A" });

    expect(sequences(onA)).toEqual([first.sequence, second.sequence]);
    expect(sequences(onB)).toEqual([first.sequence, second.sequence]);
    expect(otherUserOnB).toEqual([]);
    // A normal start is not a recovery: nothing was missed, so no resync.
    const resyncLines = [...loggerA.entries, ...loggerB.entries].filter((entry) => entry.msg === "Item event subscribers resync from the event log");
    expect(resyncLines).toEqual([]);
  });

  it("delivers every user's events to admin subscribers on both instances, each once", async () => {
    const { bus: a } = await instance();
    const { bus: b } = await instance();
    const [first, second, third] = [randomUserId(), randomUserId(), randomUserId()];
    const adminOnA = collect(a, null);
    const adminOnB = collect(b, null);
    const firstUserOnB = collect(b, first); // B also holds the first user's channel: its message must not reach the admin twice
    await Promise.all([a.whenSubscribed(), b.whenSubscribed()]);

    const events = [itemEvent(first), itemEvent(second), itemEvent(third)];
    for (const event of events) await a.publish(event);
    await waitUntil(() => adminOnB.length >= events.length, { what: "B's admin receives all three events" });
    const fromB = itemEvent(first);
    await b.publish(fromB);
    await waitUntil(() => adminOnA.length >= events.length + 1, { what: "A's admin receives B's event" });

    expect(sequences(adminOnB)).toEqual([...sequences(events), fromB.sequence]);
    expect(sequences(adminOnA)).toEqual([...sequences(events), fromB.sequence]);
    expect(sequences(firstUserOnB)).toEqual([events[0]!.sequence, fromB.sequence]);
  });

  it("brings dates and Plaid error details across instances intact", async () => {
    const { bus: a } = await instance();
    const { bus: b } = await instance();
    const owner = randomUserId();
    const onB = collect(b, owner);
    await b.whenSubscribed();

    const event = itemEvent(owner, {
      previousStatus: null,
      status: "ERROR",
      occurredAt: new Date("2024-03-05T06:07:08.123Z"),
      error: {
        errorType: "ITEM_ERROR",
        errorCode: "ITEM_LOGIN_REQUIRED",
        errorCodeReason: null,
        message: "the login details of this item have changed (credentials, MFA, or required user action) and a user login is required to update this information",
        displayMessage: "Your bank needs you to sign in again. ✓ «ünïcode»",
      },
    });
    await a.publish(event);
    await waitUntil(() => onB.length === 1, { what: "the event arrives on B" });

    expect(onB[0]).toEqual(event);
    expect(onB[0]!.occurredAt).toBeInstanceOf(Date);
    expect(onB[0]!.occurredAt.getTime()).toBe(event.occurredAt.getTime());
  });

  it("keeps delivering to the other listeners on the receiving instance when one throws", async () => {
    const { bus: a } = await instance();
    const { bus: b, logger } = await instance();
    const owner = randomUserId();
    b.subscribe(owner, () => {
      throw new Error("listener failure");
    });
    const onB = collect(b, owner);
    await b.whenSubscribed();

    await a.publish(itemEvent(owner));
    await waitUntil(() => onB.length === 1, { what: "the second listener receives the event" });
    expect(logger.entries).toContainEqual(expect.objectContaining({ level: "error", msg: "an Item event listener threw" }));
  });

  it("holds a user's channel while the user has listeners here and the all-Items channel while an admin does", async () => {
    const { bus } = await instance();
    const owner = randomUserId();
    const userChannel = `${channelPrefix}:user:${owner}`;
    const allItemsChannel = `${channelPrefix}:all`;

    const unsubscribeFirst = bus.subscribe(owner, () => {});
    const unsubscribeSecond = bus.subscribe(owner, () => {});
    await bus.whenSubscribed();
    expect(await subscriberCount(userChannel)).toBe(1);
    expect(await subscriberCount(allItemsChannel)).toBe(0);

    unsubscribeFirst();
    await bus.whenSubscribed();
    expect(await subscriberCount(userChannel)).toBe(1);

    unsubscribeSecond();
    unsubscribeSecond();
    await bus.whenSubscribed();
    expect(await subscriberCount(userChannel)).toBe(0);

    const unsubscribeAdmin = bus.subscribe(null, () => {});
    await bus.whenSubscribed();
    expect(await subscriberCount(allItemsChannel)).toBe(1);
    unsubscribeAdmin();
    await bus.whenSubscribed();
    expect(await subscriberCount(allItemsChannel)).toBe(0);
  });

  it("ignores and reports a malformed message, and later events still arrive", async () => {
    const { bus: a } = await instance();
    const { bus: b, logger } = await instance();
    const owner = randomUserId();
    const onB = collect(b, owner);
    await b.whenSubscribed();

    await redis.publish(`${channelPrefix}:user:${owner}`, "{not json");
    await redis.publish(`${channelPrefix}:user:${owner}`, JSON.stringify({ v: 1, kind: "event", origin: "elsewhere", event: { sequence: "x" } }));
    const event = itemEvent(owner);
    await a.publish(event);
    await waitUntil(() => onB.length === 1, { what: "the valid event arrives" });

    expect(onB).toEqual([event]);
    expect(logger.entries.filter((entry) => entry.msg === "ignored a malformed Item event message from Redis")).toHaveLength(2);
  });

  it("while another instance is cut off from Redis, local subscribers keep receiving; when it is back it resyncs once and receives again", async () => {
    const link = await proxy();
    const { bus: a } = await instance();
    const { bus: b, logger: loggerB } = await instance({ redisUrl: link.url });
    const owner = randomUserId();
    const onA = collect(a, owner);
    const onB = collect(b, owner);
    const resyncsOfB = countResyncs(b);
    await Promise.all([a.whenSubscribed(), b.whenSubscribed()]);
    expect(b.health()).toBe("ok");

    const before = itemEvent(owner);
    await a.publish(before);
    await waitUntil(() => onB.length === 1, { what: "B receives the event before the outage" });

    await link.cut();
    await waitUntil(() => b.health() === "degraded", { what: "B notices it lost Redis" });
    const during = itemEvent(owner);
    await a.publish(during);
    expect(sequences(onA)).toEqual([before.sequence, during.sequence]);
    expect(a.health()).toBe("ok");
    expect(resyncsOfB()).toBe(0);

    await link.restore();
    await waitUntil(() => resyncsOfB() > 0, { what: "B resyncs after reconnecting" });
    await waitUntil(() => b.health() === "ok", { what: "B reports healthy again" });

    const after = itemEvent(owner);
    await a.publish(after);
    await waitUntil(() => onB.length === 2, { what: "B receives events again" });

    // Redis pub/sub does not keep messages: what B missed comes from the event log after the resync.
    expect(sequences(onB)).toEqual([before.sequence, after.sequence]);
    expect(resyncsOfB()).toBe(1);
    expect(loggerB.entries).toContainEqual(expect.objectContaining({ level: "warn", obj: expect.objectContaining({ role: "subscriber" }) }));
  });

  it("publishing while this instance is cut off from Redis resolves, delivers locally, and has the other instances resync when Redis is back", async () => {
    const link = await proxy();
    const { bus: a, logger: loggerA } = await instance({ redisUrl: link.url });
    const { bus: b } = await instance();
    const owner = randomUserId();
    const onA = collect(a, owner);
    const onB = collect(b, owner);
    const resyncsOfA = countResyncs(a);
    const resyncsOfB = countResyncs(b);
    await Promise.all([a.whenSubscribed(), b.whenSubscribed()]);

    await link.cut();
    await waitUntil(() => a.health() === "degraded", { what: "A notices it lost Redis" });

    // Should publish wait for Redis, this await would never end (Redis stays cut until it returns) and the test would time out.
    const during = itemEvent(owner);
    await expect(a.publish(during)).resolves.toBeUndefined();
    await expect(a.publish(itemEvent(owner))).resolves.toBeUndefined();
    expect(onA.map((event) => event.sequence)[0]).toBe(during.sequence);
    expect(onA).toHaveLength(2);
    const failures = loggerA.entries.filter((entry) => entry.msg?.startsWith("an Item event did not reach Redis"));
    expect(failures.map((entry) => entry.level)).toEqual(["error", "debug"]);

    await link.restore();
    await waitUntil(() => resyncsOfB() > 0, { what: "B is asked to resync once A's publisher is back" });
    await waitUntil(() => resyncsOfA() > 0, { what: "A resyncs after its subscriber connection is back" });
    await waitUntil(() => a.health() === "ok", { what: "A reports healthy again" });

    const after = itemEvent(owner);
    await a.publish(after);
    await waitUntil(() => onB.length === 1, { what: "B receives A's events again" });

    expect(sequences(onB)).toEqual([after.sequence]);
    expect(resyncsOfA()).toBe(1);
    expect(resyncsOfB()).toBe(1);
  });

  it("starts with local delivery only when Redis is unreachable, and joins the others once it is reachable", async () => {
    const link = await proxy();
    await link.cut();
    const { bus: late, logger } = await instance({ redisUrl: link.url, connectTimeoutMs: 200 });
    const { bus: other } = await instance();
    const owner = randomUserId();
    const onLate = collect(late, owner);
    const resyncs = countResyncs(late);
    expect(late.health()).toBe("degraded");
    expect(logger.entries).toContainEqual(expect.objectContaining({ level: "warn", obj: { connectTimeoutMs: 200 } }));

    const local = itemEvent(owner);
    await late.publish(local);
    expect(onLate).toEqual([local]);

    await link.restore();
    await waitUntil(() => late.health() === "ok", { what: "the instance connects once Redis is reachable" });
    await waitUntil(() => resyncs() === 1, { what: "its subscribers are told to catch up" });

    const remote = itemEvent(owner);
    await other.publish(remote);
    await waitUntil(() => onLate.length === 2, { what: "events from the other instance arrive" });
    expect(sequences(onLate)).toEqual([local.sequence, remote.sequence]);
  });

  it("close() leaves its channels, ends both connections and delivers nothing more", async () => {
    const { bus } = await instance();
    const owner = randomUserId();
    const received = collect(bus, owner);
    collect(bus, null);
    await bus.whenSubscribed();
    expect(await subscriberCount(`${channelPrefix}:user:${owner}`)).toBe(1);
    expect(await subscriberCount(`${channelPrefix}:all`)).toBe(1);

    await bus.close();

    await waitUntil(async () => (await subscriberCount(`${channelPrefix}:user:${owner}`)) === 0, { what: "the user's channel is left" });
    await waitUntil(async () => (await subscriberCount(`${channelPrefix}:all`)) === 0, { what: "the all-Items channel is left" });
    await waitUntil(async () => !((await redis.client("LIST")) as string).includes(`name=${channelPrefix}:`), { what: "both connections are gone" });
    expect(bus.health()).toBe("degraded");
    await bus.publish(itemEvent(owner));
    expect(received).toEqual([]);
  });
});
