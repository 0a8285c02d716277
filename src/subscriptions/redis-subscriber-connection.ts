import type { Redis } from "ioredis";
import type { ItemEventBusLogger } from "./item-event-fanout.js";

export interface SubscriberConnectionOptions {
  logger: ItemEventBusLogger;
  isClosed(): boolean;
  /** The channels a new connection subscribes to: what this instance's listeners need now. */
  wantedChannels(): string[];
  onMessage(channel: string, text: string): void;
  /** A lost connection is back and subscribed again: messages sent meanwhile were missed. */
  onRecovered(): void;
}

/** The subscriber connection and its channels, subscribed again on every new connection (ioredis's autoResubscribe is off). */
export class RedisSubscriberConnection {
  /** Bumped whenever the connection closes; a resubscribe round only counts if none happened meanwhile. */
  private epoch = 0;
  private lost = false;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly connection: Redis,
    private readonly options: SubscriberConnectionOptions,
  ) {
    connection.on("message", (channel: string, text: string) => options.onMessage(channel, text));
    connection.on("close", () => {
      if (options.isClosed()) return;
      this.epoch += 1;
      this.lost = true;
    });
    connection.on("ready", () => this.resubscribe());
  }

  subscribe(channel: string): void {
    this.change("subscribe", channel);
  }

  unsubscribe(channel: string): void {
    this.change("unsubscribe", channel);
  }

  /** Resolves once every (un)subscribe sent so far has succeeded or failed. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  stopReceiving(): void {
    this.connection.removeAllListeners("message");
  }

  /** Subscribes a new connection to what the listeners need now, then reports a recovery if a connection was lost. */
  private resubscribe(): void {
    const epoch = this.epoch;
    this.track(
      this.connection.subscribe(...this.options.wantedChannels()).then(
        () => {
          if (this.options.isClosed() || epoch !== this.epoch || !this.lost) return;
          this.lost = false;
          this.options.onRecovered();
        },
        (error: unknown) => {
          if (this.options.isClosed()) return;
          this.options.logger.warn({ err: error }, "Redis resubscribe failed; reconnecting the subscriber connection");
          if (this.connection.status === "ready" && epoch === this.epoch) this.connection.disconnect(true);
        },
      ),
    );
  }

  /** A (un)subscribe that fails on a connection that still looks healthy means the connection is stuck: recycle it. */
  private change(command: "subscribe" | "unsubscribe", channel: string): void {
    if (this.options.isClosed() || this.connection.status !== "ready") return; // the next resubscribe round covers it
    this.track(
      this.connection[command](channel).catch((error: unknown) => {
        if (this.options.isClosed()) return;
        this.options.logger.warn({ err: error, channel }, `Redis ${command} failed; reconnecting the subscriber connection`);
        if (this.connection.status === "ready") this.connection.disconnect(true);
      }),
    );
  }

  private track(promise: Promise<unknown>): void {
    this.pending.add(promise);
    const settled = () => this.pending.delete(promise);
    promise.then(settled, settled);
  }
}
