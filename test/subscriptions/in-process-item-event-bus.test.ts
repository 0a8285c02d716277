import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { ItemEvent } from "../../src/domain/item-event.js";
import { createInProcessEventBus, type ItemEventBus } from "../../src/subscriptions/item-event-bus.js";
import { itemEvent, recordingLogger } from "./event-bus-support.js";

describe("in-process Item event bus", () => {
  let bus: ItemEventBus;

  afterEach(async () => {
    await bus.close();
  });

  it("delivers a user's events to that user's subscribers only", async () => {
    bus = createInProcessEventBus({ logger: pino({ level: "silent" }) });
    const alice: ItemEvent[] = [];
    const bob: ItemEvent[] = [];
    bus.subscribe("alice", (event) => alice.push(event));
    bus.subscribe("bob", (event) => bob.push(event));

    const forAlice = itemEvent("alice");
    await bus.publish(forAlice);

    expect(alice).toEqual([forAlice]);
    expect(bob).toEqual([]);
  });

  it("delivers every user's events to an admin subscriber, each once", async () => {
    bus = createInProcessEventBus();
    const admin: ItemEvent[] = [];
    bus.subscribe(null, (event) => admin.push(event));

    const events = [itemEvent("alice"), itemEvent("bob"), itemEvent("alice")];
    for (const event of events) await bus.publish(event);

    expect(admin).toEqual(events);
  });

  it("stops delivering to a listener once it unsubscribes, and a second unsubscribe changes nothing", async () => {
    bus = createInProcessEventBus();
    const first: ItemEvent[] = [];
    const second: ItemEvent[] = [];
    const unsubscribeFirst = bus.subscribe("alice", (event) => first.push(event));
    bus.subscribe("alice", (event) => second.push(event));

    const before = itemEvent("alice");
    await bus.publish(before);
    unsubscribeFirst();
    unsubscribeFirst();
    const after = itemEvent("alice");
    await bus.publish(after);

    expect(first).toEqual([before]);
    expect(second).toEqual([before, after]);
  });

  it("keeps delivering to the other listeners when one throws, and reports the failure", async () => {
    const logger = recordingLogger();
    bus = createInProcessEventBus({ logger });
    const received: ItemEvent[] = [];
    const adminReceived: ItemEvent[] = [];
    bus.subscribe("alice", () => {
      throw new Error("listener failure");
    });
    bus.subscribe("alice", (event) => received.push(event));
    bus.subscribe(null, (event) => adminReceived.push(event));

    const event = itemEvent("alice");
    await expect(bus.publish(event)).resolves.toBeUndefined();

    expect(received).toEqual([event]);
    expect(adminReceived).toEqual([event]);
    expect(logger.entries).toContainEqual(expect.objectContaining({ level: "error", msg: "an Item event listener threw" }));
  });

  it("is always healthy and delivers nothing after close", async () => {
    bus = createInProcessEventBus();
    const received: ItemEvent[] = [];
    bus.subscribe("alice", (event) => received.push(event));
    expect(bus.health()).toBe("ok");
    await expect(bus.whenSubscribed()).resolves.toBeUndefined();

    await bus.close();
    await bus.publish(itemEvent("alice"));

    expect(received).toEqual([]);
  });
});
