import type { ItemChange, ItemEventFeed, ItemEventPublisher } from "../services/item-event-ports.js";
import { Listeners } from "./listeners.js";
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
  const logger = options.logger ?? console;
  const fanout = new ItemEventFanout(logger, {
    userTopic: (userId) => `user:${userId}`,
    allItemsTopic: "all",
  });
  const changes = new Listeners<ItemChange>(logger, "an Item change listener");
  return {
    async publish(event) {
      fanout.deliver(event);
    },
    async announceChange(change) {
      changes.emit(change);
    },
    subscribe: (userId, listener, carried) => fanout.subscribe(userId, listener, carried),
    whenSubscribed: async () => {},
    onResync: () => () => {},
    onChange: (listener) => changes.add(listener),
    changesReach: () => true,
    activeSubscriptions: () => fanout.subscriptionCount(),
    health: () => "ok",
    async close() {
      fanout.clear();
      changes.clear();
    },
  };
}
