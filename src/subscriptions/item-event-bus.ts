import type { ItemEventFeed, ItemEventPublisher } from "../services/item-event-ports.js";
import { ItemEventFanout, type ItemEventBusLogger } from "./item-event-fanout.js";

export type { ItemEventBusLogger } from "./item-event-fanout.js";

/**
 * Live delivery of Item events to this instance's subscribers and, with Redis, to every instance's:
 * the publishing and subscribing ports the services declare, plus what operations need.
 */
export interface ItemEventBus extends ItemEventPublisher, ItemEventFeed {
  /** Live subscriptions on this instance (metrics, leak checks). */
  activeSubscriptions(): number;
  /** "ok", or "degraded" while Redis is configured but unreachable (for readiness checks). */
  health(): "ok" | "degraded";
  close(): Promise<void>;
}

/** The bus of a single instance: nothing to miss, so it never asks for a resync. */
export function createInProcessEventBus(options: { logger?: ItemEventBusLogger } = {}): ItemEventBus {
  const fanout = new ItemEventFanout(options.logger ?? console, {
    userTopic: (userId) => `user:${userId}`,
    allItemsTopic: "all",
  });
  return {
    async publish(event) {
      fanout.deliver(event);
    },
    subscribe: (userId, listener) => fanout.subscribe(userId, listener),
    whenSubscribed: async () => {},
    onResync: () => () => {},
    activeSubscriptions: () => fanout.listenerCount(),
    health: () => "ok",
    async close() {
      fanout.clear();
    },
  };
}
