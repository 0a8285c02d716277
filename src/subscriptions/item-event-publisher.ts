import { EventEmitter } from "node:events";
import type { ItemEvent } from "../datasources/store/item-events-repository.js";

/** Where committed Item events go to reach live subscribers. */
export interface ItemEventPublisher {
  publish(event: ItemEvent): Promise<void>;
}

/** Delivers events to listeners in this process. */
export class InProcessItemEvents implements ItemEventPublisher {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  async publish(event: ItemEvent): Promise<void> {
    this.emitter.emit("event", event);
  }

  /** Calls listener for every event published from now on; returns the unsubscribe function. */
  subscribe(listener: (event: ItemEvent) => void): () => void {
    this.emitter.on("event", listener);
    return () => this.emitter.off("event", listener);
  }
}
