import type { ItemEventBusLogger } from "./item-event-fanout.js";

/** Callbacks told about something, each in isolation: one that throws does not cut off the others. */
export class Listeners<T> {
  private readonly listeners = new Set<(value: T) => void>();

  constructor(
    private readonly logger: ItemEventBusLogger,
    /** Names the listeners in the error logged when one throws. */
    private readonly what: string,
  ) {}

  add(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  get size(): number {
    return this.listeners.size;
  }

  emit(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        this.logger.error({ err: error }, `${this.what} threw`);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
