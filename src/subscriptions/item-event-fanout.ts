import { EventEmitter } from "node:events";
import type { ItemEvent } from "../domain/item-event.js";

/** The logging the event buses need; a pino logger fits. */
export interface ItemEventBusLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface FanoutTopics {
  userTopic(userId: string): string;
  allItemsTopic: string;
}

export interface FanoutHooks {
  /** A topic got its first listener. */
  topicActive?(topic: string): void;
  /** A topic lost its last listener. */
  topicIdle?(topic: string): void;
}

/** This instance's listeners, one topic per user plus the all-Items topic, counted per topic. */
export class ItemEventFanout {
  private readonly emitter = new EventEmitter();
  /** How many live subscriptions each listener serves. */
  private readonly carried = new Set<() => number>();

  constructor(
    private readonly logger: ItemEventBusLogger,
    private readonly topics: FanoutTopics,
    private readonly hooks: FanoutHooks = {},
  ) {
    this.emitter.setMaxListeners(0);
  }

  /**
   * Listens to one user's events (userId) or every event (null), for `carried` live subscriptions (one
   * when not given); the returned function is safe to call twice.
   */
  subscribe(userId: string | null, listener: (event: ItemEvent) => void, carried: () => number = () => 1): () => void {
    const topic = userId === null ? this.topics.allItemsTopic : this.topics.userTopic(userId);
    // Each listener runs in isolation: one that throws must not cut off the listeners after it.
    const isolated = (event: ItemEvent) => {
      try {
        listener(event);
      } catch (error) {
        this.logger.error({ err: error, itemId: event.itemId, sequence: event.sequence }, "an Item event listener threw");
      }
    };
    const first = this.emitter.listenerCount(topic) === 0;
    this.emitter.on(topic, isolated);
    // A function of its own, so the same `carried` given twice counts twice.
    const counted = () => carried();
    this.carried.add(counted);
    if (first) this.hooks.topicActive?.(topic);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      this.carried.delete(counted);
      this.emitter.off(topic, isolated);
      if (this.emitter.listenerCount(topic) === 0) this.hooks.topicIdle?.(topic);
    };
  }

  /** Delivers to the owner's listeners and the all-Items listeners. */
  deliver(event: ItemEvent): void {
    this.deliverToTopic(this.topics.userTopic(event.userId), event);
    this.deliverToTopic(this.topics.allItemsTopic, event);
  }

  deliverToTopic(topic: string, event: ItemEvent): void {
    this.emitter.emit(topic, event);
  }

  /** Live subscriptions the listeners of all topics serve (live subscriptions on this instance). */
  subscriptionCount(): number {
    let sum = 0;
    for (const carried of this.carried) sum += carried();
    return sum;
  }

  /** Topics that have at least one listener. */
  activeTopics(): string[] {
    return this.emitter.eventNames().filter((name): name is string => typeof name === "string" && this.emitter.listenerCount(name) > 0);
  }

  clear(): void {
    this.emitter.removeAllListeners();
    this.carried.clear();
  }
}
