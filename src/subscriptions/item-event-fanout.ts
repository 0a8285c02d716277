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

  constructor(
    private readonly logger: ItemEventBusLogger,
    private readonly topics: FanoutTopics,
    private readonly hooks: FanoutHooks = {},
  ) {
    this.emitter.setMaxListeners(0);
  }

  /** Listens to one user's events (userId) or every event (null); the returned function is safe to call twice. */
  subscribe(userId: string | null, listener: (event: ItemEvent) => void): () => void {
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
    if (first) this.hooks.topicActive?.(topic);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
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

  /** Listeners across all topics (live subscriptions on this instance). */
  listenerCount(): number {
    return this.emitter.eventNames().reduce((sum, name) => sum + this.emitter.listenerCount(name), 0);
  }

  /** Topics that have at least one listener. */
  activeTopics(): string[] {
    return this.emitter.eventNames().filter((name): name is string => typeof name === "string" && this.emitter.listenerCount(name) > 0);
  }

  clear(): void {
    this.emitter.removeAllListeners();
  }
}
