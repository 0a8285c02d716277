/**
 * The subscription use case below any transport: a real store (PGlite) and the in-process event bus,
 * events appended to the log and published as the ledger does, and subscriptions consumed one by one
 * (iterating) or through a sink (as the graphql-ws transport does).
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../../src/datasources/store/store.js";
import { openStore } from "../../src/datasources/store/store.js";
import { TokenCipher } from "../../src/datasources/store/token-cipher.js";
import type { ItemEvent } from "../../src/domain/item-event.js";
import type { UserRecord } from "../../src/domain/user.js";
import { createLogger } from "../../src/logger.js";
import { ItemStatusStream, type ItemEventSink, type LiveItemEvents } from "../../src/services/item-status-stream.js";
import { createInProcessEventBus, type ItemEventBus } from "../../src/subscriptions/item-event-bus.js";
import { makeSnapshot } from "../support/factories.js";
import { waitUntil } from "../support/wait-until.js";
import { eventCursor } from "../../src/domain/cursor.js";

const cipher = new TokenCipher([randomBytes(32)]);

/** A sink that records what it is given. */
function recordingSink(): ItemEventSink & { sequences: number[]; failures: unknown[] } {
  const sequences: number[] = [];
  const failures: unknown[] = [];
  return { sequences, failures, next: (event) => sequences.push(event.sequence), flushed: async () => {}, fail: (error) => failures.push(error) };
}

/** Reads the iterator's next `count` events. */
async function take(iterator: AsyncIterator<ItemEvent>, count: number): Promise<number[]> {
  const sequences: number[] = [];
  while (sequences.length < count) {
    const result = await iterator.next();
    if (result.done) throw new Error("the subscription ended");
    sequences.push(result.value.sequence);
  }
  return sequences;
}

describe("live Item events for many subscriptions at once", () => {
  let store: Store;
  let bus: ItemEventBus;
  let stream: ItemStatusStream;
  let user: UserRecord;
  let itemId: string;
  const reads = { latest: 0, after: 0 };

  beforeAll(async () => {
    store = await openStore({});
    bus = createInProcessEventBus({ logger: createLogger({ level: "silent" }) });
    stream = new ItemStatusStream(store, bus, createLogger({ level: "silent" }));
    user = await store.users.ensure(`hub-${randomBytes(3).toString("hex")}`);
    const snapshot = makeSnapshot({ userId: user.id });
    itemId = snapshot.itemId;
    await store.items.insert(snapshot, cipher.seal("access-token", itemId));
    const { latestSequence, listAfter } = store.events;
    store.events.latestSequence = (...args) => {
      reads.latest += 1;
      return latestSequence.apply(store.events, args);
    };
    store.events.listAfter = (...args) => {
      reads.after += 1;
      return listAfter.apply(store.events, args);
    };
  });
  afterAll(async () => {
    await bus?.close();
    await store?.close();
  });

  /** Appends an event to the log (committed), without publishing it. */
  function append(cause: string): Promise<ItemEvent> {
    return store.db.transaction((tx) =>
      store.events.append(tx, { itemId, userId: user.id, previousStatus: "HEALTHY", status: "HEALTHY", cause, error: null, occurredAt: new Date() }),
    );
  }

  /** Appends and publishes, as the ledger does after a commit. */
  async function record(cause: string): Promise<ItemEvent> {
    const event = await append(cause);
    await bus.publish(event);
    return event;
  }

  const open = (after?: ItemEvent): Promise<LiveItemEvents> =>
    stream.open({ viewer: { clientUserId: user.clientUserId, isAdmin: false }, user: async () => user }, { after: after ? eventCursor(after.sequence) : null });

  it("subscriptions starting together read the log's end once and the log after it once", async () => {
    const subscriptions = await Promise.all(Array.from({ length: 10 }, () => open()));
    const before = { ...reads };
    const sinks = subscriptions.map(() => recordingSink());
    const stops = subscriptions.map((subscription, i) => subscription.start(sinks[i]!));
    try {
      await waitUntil(() => bus.activeSubscriptions() === 10, { what: "the ten subscriptions to listen" });
      const event = await record("TOGETHER");
      await waitUntil(() => sinks.every((sink) => sink.sequences.length > 0), { what: "the event at every subscription" });
      expect(reads.latest - before.latest).toBe(1);
      expect(reads.after - before.after).toBe(1);
      expect(sinks.map((sink) => sink.sequences)).toEqual(sinks.map(() => [event.sequence]));
    } finally {
      for (const stop of stops) stop();
    }
    expect(bus.activeSubscriptions()).toBe(0);
  });

  it("an event handed over twice (live, and again by a catch-up) reaches each subscription once", async () => {
    const sink = recordingSink();
    const stop = (await open()).start(sink);
    const iterator = (await open())[Symbol.asyncIterator]();
    // An iterator starts when it is first asked for an event.
    const next = iterator.next();
    try {
      await waitUntil(() => bus.activeSubscriptions() === 2, { what: "both subscriptions to listen" });
      const first = await record("FIRST");
      await bus.publish(first);
      const second = await record("SECOND");
      expect((await next).value?.sequence).toBe(first.sequence);
      expect(await take(iterator, 1)).toEqual([second.sequence]);
      await waitUntil(() => sink.sequences.length >= 2, { what: "both events at the sink" });
      expect(sink.sequences).toEqual([first.sequence, second.sequence]);
    } finally {
      stop();
      await iterator.return?.();
    }
  });

  it("an event that arrives after a later one (from another instance) is still delivered, once", async () => {
    const sink = recordingSink();
    const stop = (await open()).start(sink);
    try {
      await waitUntil(() => bus.activeSubscriptions() === 1, { what: "the subscription to listen" });
      await record("WARM-UP");
      await waitUntil(() => sink.sequences.length === 1, { what: "the first event" });
      const earlier = await append("EARLIER");
      const later = await record("LATER");
      await bus.publish(earlier);
      await bus.publish(later);
      await waitUntil(() => sink.sequences.length === 3, { what: "both events" });
      expect(sink.sequences.slice(1)).toEqual([later.sequence, earlier.sequence]);
    } finally {
      stop();
    }
  });

  it("with after, one by one: the missed events from the log, then live ones, none twice", async () => {
    const seen = await record("SEEN");
    const missed = [await record("MISSED-1"), await record("MISSED-2")];
    const iterator = (await open(seen))[Symbol.asyncIterator]();
    try {
      expect(await take(iterator, 2)).toEqual(missed.map((event) => event.sequence));
      const live = await record("LIVE");
      await bus.publish(missed[1]!);
      const closing = await record("CLOSING");
      expect(await take(iterator, 2)).toEqual([live.sequence, closing.sequence]);
    } finally {
      await iterator.return?.();
    }
  });

  it("a log that cannot be read ends the starting subscriptions with its error", async () => {
    const { latestSequence } = store.events;
    const failure = new Error("the log is unreachable");
    store.events.latestSequence = () => Promise.reject(failure);
    const sink = recordingSink();
    try {
      const stop = (await open()).start(sink);
      await waitUntil(() => sink.failures.length > 0, { what: "the subscription to fail" });
      stop();
    } finally {
      store.events.latestSequence = latestSequence;
    }
    expect(sink.failures).toEqual([failure]);
    expect(bus.activeSubscriptions()).toBe(0);
  });
});
