import type { ItemEvent } from "../datasources/store/item-events-repository.js";
import { ItemEventFanout, type ItemEventBusLogger } from "./item-event-fanout.js";
import type { ItemEventPublisher } from "./item-event-publisher.js";

export type { ItemEventBusLogger } from "./item-event-fanout.js";

/** Live delivery of Item events to this instance's subscribers and, with Redis, to every instance's. */
export interface ItemEventBus extends ItemEventPublisher {
  /** Delivers to this instance's subscribers and, with Redis, to every other instance. Never rejects because Redis is down: local subscribers still get the event and the failure is logged. */
  publish(event: ItemEvent): Promise<void>;
  /** Events of one user's Items (userId), or of every Item (userId null, for admins). Returns the unsubscribe function. */
  subscribe(userId: string | null, listener: (event: ItemEvent) => void): () => void;
  /**
   * Resolves once the channels of the current subscribers are subscribed in Redis (at once when Redis
   * is unreachable: the resync covers that case). Await it after subscribing and before replaying from
   * the event log, so no event falls between the replay and live delivery.
   */
  whenSubscribed(): Promise<void>;
  /** Called when events from other instances may have been missed (Redis connection lost and regained): subscribers then catch up from the event log. */
  onResync(listener: () => void): () => void;
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
