import { Counter, Gauge, type Registry } from "prom-client";
import type { ItemEventBus } from "../subscriptions/item-event-bus.js";

/**
 * graphql_active_subscriptions, item_events_published_total and item_event_bus_healthy: the bus's
 * live subscriptions, what is published through it, and whether its events reach the other
 * instances. Returns the bus to use, counting publishes.
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
  new Gauge({
    name: "item_event_bus_healthy",
    help: "1 while Item events reach other instances (Redis connected and answering, or no Redis configured), 0 while degraded",
    registers,
    collect() {
      this.set(bus.health() === "ok" ? 1 : 0);
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
