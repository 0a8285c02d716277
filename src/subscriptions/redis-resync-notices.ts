import type { Redis } from "ioredis";
import type { ItemEventBusLogger } from "./item-event-fanout.js";
import { encodeResyncMessage } from "./item-event-message.js";

export interface ResyncNoticeOptions {
  channel: string;
  /** This instance's id, so it ignores its own notice. */
  origin: string;
  logger: ItemEventBusLogger;
  isClosed(): boolean;
}

/** Once some events did not reach Redis, the other instances are owed a notice to catch up from the event log. */
export class RedisResyncNotices {
  private owes = false;
  private sending = false;
  private unsentEvents = 0;

  constructor(
    private readonly publisher: Redis,
    private readonly options: ResyncNoticeOptions,
  ) {
    publisher.on("ready", () => {
      if (this.owes) void this.send();
    });
  }

  get owed(): boolean {
    return this.owes;
  }

  /** Counts an event that did not reach Redis; true for the first one since a notice was last due or sent. */
  recordUnsentEvent(): boolean {
    this.unsentEvents += 1;
    const first = !this.owes;
    this.owes = true;
    return first;
  }

  /** Sends the notice; if Redis refuses it, it stays owed until the publisher is ready again or a publish gets through. */
  async send(): Promise<void> {
    if (this.sending || this.options.isClosed()) return;
    this.sending = true;
    this.owes = false;
    const unsent = this.unsentEvents;
    try {
      await this.publisher.publish(this.options.channel, encodeResyncMessage(this.options.origin));
      this.unsentEvents -= unsent;
      this.options.logger.info({ unsentEvents: unsent }, "Redis is back: asked the other instances to resync the Item events they missed");
    } catch (error) {
      this.owes = true;
      this.options.logger.debug({ err: error }, "could not yet ask the other instances to resync");
    } finally {
      this.sending = false;
    }
  }
}
