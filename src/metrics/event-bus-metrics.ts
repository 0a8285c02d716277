import { Counter, Gauge, type Registry } from "prom-client";
import type { ItemEventBus } from "../subscriptions/item-event-bus.js";

/**
 * graphql_active_subscriptions and item_events_published_total: the bus's live subscriptions and
 * what is published through it. Returns the bus to use, counting publishes.
 */
export function observeEventBus(registry: Registry, bus: ItemEventBus): ItemEventBus {
  const registers = [registry];
  new Gauge({
    name: "graphql_active_subscriptions",
    help: "Live GraphQL subscriptions on this instance",
    registers,
    collect() {
      this.set(bus.activeSubscriptions());
    },
  });
  const published = new Counter({ name: "item_events_published_total", help: "Item status events published to subscribers", registers });
  return {
    publish(event) {
      published.inc();
      return bus.publish(event);
    },
    announceChange: (change) => bus.announceChange(change),
    subscribe: (userId, listener, carried) => bus.subscribe(userId, listener, carried),
    whenSubscribed: () => bus.whenSubscribed(),
    onResync: (listener) => bus.onResync(listener),
    onChange: (listener) => bus.onChange(listener),
    changesReach: () => bus.changesReach(),
    activeSubscriptions: () => bus.activeSubscriptions(),
    health: () => bus.health(),
    close: () => bus.close(),
  };
}
