import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { ItemEvent } from "../domain/item-event.js";
import type { ItemChange } from "../services/item-event-ports.js";
import type { ItemEventBus } from "./item-event-bus.js";
import { ItemEventFanout, type ItemEventBusLogger } from "./item-event-fanout.js";
import { decodeBusMessage, encodeChangeMessage, encodeEventMessage, type ItemEventBusMessage } from "./item-event-message.js";
import { Listeners } from "./listeners.js";
import { bothReady, createRedisConnection, quitRedisConnection, startConnecting } from "../datasources/redis-connection.js";
import { watchConnection } from "./redis-connection-watch.js";
import { RedisResyncNotices } from "./redis-resync-notices.js";
import { RedisSubscriberConnection } from "./redis-subscriber-connection.js";

/*
 * A thin layer over ioredis rather than graphql-yoga's createPubSub with @graphql-yoga/redis-event-target:
 * that event target delivers a publish only through Redis (no local delivery while Redis is down, and
 * this instance's events would come back to it), fires PUBLISH/SUBSCRIBE without handling their
 * rejections (an unhandled rejection ends the process when Redis is unreachable), lets one throwing
 * listener stop the rest, and has no notion of a lost connection to resync after.
 */

export interface RedisEventBusOptions {
  redisUrl: string;
  logger: ItemEventBusLogger;
  /** Prefix of every channel name; tests isolate themselves with a random one. */
  channelPrefix?: string;
  /** How long creation waits for Redis before starting with local delivery only (default 5 s). */
  connectTimeoutMs?: number;
  /** How often both connections are sent a PING to tell a frozen Redis from a working one (default 2 s). */
  pingIntervalMs?: number;
  /** How long a PING may take before Redis counts as not answering (default 1 s). */
  pingTimeoutMs?: number;
}

const DEFAULT_CHANNEL_PREFIX = "item-events";

/** Live fan-out of Item events across instances through Redis pub/sub; local subscribers never depend on Redis. */
export async function createRedisEventBus(options: RedisEventBusOptions): Promise<ItemEventBus> {
  const bus = new RedisItemEventBus(options);
  await bus.connect(options.connectTimeoutMs ?? 5_000);
  return bus;
}

function channelNames(prefix: string) {
  return {
    user: (userId: string) => `${prefix}:user:${userId}`,
    allItems: `${prefix}:all`,
    resync: `${prefix}:resync`,
    changes: `${prefix}:changes`,
  };
}

class RedisItemEventBus implements ItemEventBus {
  private closed = false;
  private readonly instanceId = randomUUID();
  private readonly logger: ItemEventBusLogger;
  private readonly channels: ReturnType<typeof channelNames>;
  // A connection in subscriber mode can do nothing else, hence two.
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly fanout: ItemEventFanout;
  private readonly subscriptions: RedisSubscriberConnection;
  private readonly resyncNotices: RedisResyncNotices;
  private readonly resyncListeners: Listeners<void>;
  private readonly changeListeners: Listeners<ItemChange>;
  private readonly answering: RedisAnswerWatch;

  constructor(options: RedisEventBusOptions) {
    const { logger } = options;
    const prefix = options.channelPrefix ?? DEFAULT_CHANNEL_PREFIX;
    const isClosed = () => this.closed;
    this.logger = logger;
    this.channels = channelNames(prefix);
    this.resyncListeners = new Listeners(logger, "a resync listener");
    this.changeListeners = new Listeners(logger, "an Item change listener");
    this.publisher = createRedisConnection(options.redisUrl, `${prefix}:pub`);
    this.subscriber = createRedisConnection(options.redisUrl, `${prefix}:sub`);
    this.fanout = new ItemEventFanout(
      logger,
      { userTopic: this.channels.user, allItemsTopic: this.channels.allItems },
      { topicActive: (channel) => this.subscriptions.subscribe(channel), topicIdle: (channel) => this.subscriptions.unsubscribe(channel) },
    );
    this.subscriptions = new RedisSubscriberConnection(this.subscriber, {
      logger,
      isClosed,
      wantedChannels: () => [this.channels.resync, this.channels.changes, ...this.fanout.activeTopics()],
      onMessage: (channel, text) => this.receive(channel, text),
      onRecovered: () => this.emitResync("the Redis subscriber connection was lost and is back"),
    });
    this.resyncNotices = new RedisResyncNotices(this.publisher, { channel: this.channels.resync, origin: this.instanceId, logger, isClosed });
    watchConnection(this.publisher, "publisher", logger, isClosed);
    watchConnection(this.subscriber, "subscriber", logger, isClosed);
    this.answering = new RedisAnswerWatch({ publisher: this.publisher, subscriber: this.subscriber }, logger, {
      intervalMs: options.pingIntervalMs ?? 2_000,
      timeoutMs: options.pingTimeoutMs ?? 1_000,
    });
  }

  /** Waits for Redis up to connectTimeoutMs; past that the bus works locally and joins the others once Redis is reachable. */
  async connect(connectTimeoutMs: number): Promise<void> {
    startConnecting(this.publisher);
    startConnecting(this.subscriber);
    if (await bothReady(this.publisher, this.subscriber, connectTimeoutMs)) {
      await this.subscriptions.settled();
    } else {
      this.logger.warn({ connectTimeoutMs }, "Redis is unreachable: Item events reach this instance's subscribers only until it is back");
    }
  }

  async publish(event: ItemEvent): Promise<void> {
    this.fanout.deliver(event);
    if (this.closed) return;
    const message = encodeEventMessage(this.instanceId, event);
    try {
      await Promise.all([this.publisher.publish(this.channels.user(event.userId), message), this.publisher.publish(this.channels.allItems, message)]);
    } catch (error) {
      // One error line per outage; the rest at debug level.
      const log = this.resyncNotices.recordUnsentEvent() ? this.logger.error.bind(this.logger) : this.logger.debug.bind(this.logger);
      log({ err: error, itemId: event.itemId, sequence: event.sequence }, "an Item event did not reach Redis: other instances will catch up from the event log");
      return;
    }
    if (this.resyncNotices.owed) await this.resyncNotices.send();
  }

  async announceChange(change: ItemChange): Promise<void> {
    this.changeListeners.emit(change);
    if (this.closed) return;
    try {
      await this.publisher.publish(this.channels.changes, encodeChangeMessage(this.instanceId, change));
    } catch (error) {
      // The other instances then forget everything they cached when the resync notice reaches them.
      const log = this.resyncNotices.recordUnsentEvent() ? this.logger.error.bind(this.logger) : this.logger.debug.bind(this.logger);
      log({ err: error, itemId: change.itemId }, "an Item change did not reach Redis: other instances will start their caches over");
      return;
    }
    if (this.resyncNotices.owed) await this.resyncNotices.send();
  }

  subscribe(userId: string | null, listener: (event: ItemEvent) => void, carried?: () => number): () => void {
    if (this.closed) return () => {};
    return this.fanout.subscribe(userId, listener, carried);
  }

  async whenSubscribed(): Promise<void> {
    await this.subscriptions.settled();
  }

  onResync(listener: () => void): () => void {
    return this.resyncListeners.add(listener);
  }

  onChange(listener: (change: ItemChange) => void): () => void {
    return this.changeListeners.add(listener);
  }

  changesReach(): boolean {
    return this.health() === "ok";
  }

  activeSubscriptions(): number {
    return this.fanout.subscriptionCount();
  }

  /** "ok" while both connections are up and Redis answered the latest PING on each in time. */
  health(): "ok" | "degraded" {
    const connected = this.publisher.status === "ready" && this.subscriber.status === "ready";
    return !this.closed && connected && this.answering.answered() ? "ok" : "degraded";
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.answering.stop();
    this.fanout.clear();
    this.resyncListeners.clear();
    this.changeListeners.clear();
    this.subscriptions.stopReceiving();
    await Promise.all([quitRedisConnection(this.publisher), quitRedisConnection(this.subscriber)]);
  }

  private receive(channel: string, text: string): void {
    let message: ItemEventBusMessage;
    try {
      message = decodeBusMessage(text);
    } catch (error) {
      this.logger.warn({ err: error, channel }, "ignored a malformed Item event message from Redis");
      return;
    }
    if (message.origin === this.instanceId) return; // already delivered locally when it was published
    if (message.kind === "resync") this.emitResync("another instance could not publish some events");
    else if (message.kind === "change") this.changeListeners.emit(message.change);
    else if (channel !== this.channels.resync && channel !== this.channels.changes) this.fanout.deliverToTopic(channel, message.event);
  }

  private emitResync(reason: string): void {
    this.logger.info({ reason, listeners: this.resyncListeners.size }, "Item event subscribers resync from the event log");
    this.resyncListeners.emit();
  }
}

/**
 * Pings each connection periodically: a Redis that keeps its TCP connections open but answers nothing
 * (frozen, swapping, stuck in a fork) looks connected to ioredis and is only found this way.
 */
class RedisAnswerWatch {
  private readonly silent = new Set<string>();
  private readonly inFlight = new Set<string>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly clients: Record<string, Redis>,
    private readonly logger: ItemEventBusLogger,
    private readonly options: { intervalMs: number; timeoutMs: number },
  ) {
    // A connection that completes its handshake has just been answered.
    for (const [role, client] of Object.entries(clients)) client.on("ready", () => this.silent.delete(role));
    this.timer = setInterval(() => this.pingAll(), options.intervalMs);
    this.timer.unref();
  }

  /** Whether every connection answered its latest PING in time. */
  answered(): boolean {
    return this.silent.size === 0;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private pingAll(): void {
    for (const [role, client] of Object.entries(this.clients)) {
      // A connection that is down is reported by its status; only a connected one can be silent.
      if (client.status !== "ready" || this.inFlight.has(role)) continue;
      this.inFlight.add(role);
      void this.ping(role, client).finally(() => this.inFlight.delete(role));
    }
  }

  private async ping(role: string, client: Redis): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.options.timeoutMs);
    });
    const answer = client.ping().then(
      () => true,
      () => false,
    );
    const answeredInTime = await Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
    const wasSilent = this.silent.has(role);
    if (answeredInTime) {
      this.silent.delete(role);
      if (wasSilent) this.logger.info({ role }, "Redis answers again");
    } else if (client.status === "ready") {
      this.silent.add(role);
      if (!wasSilent) {
        this.logger.warn(
          { role, timeoutMs: this.options.timeoutMs },
          "Redis is connected but did not answer a PING in time: Item events reach this instance's subscribers only until it answers",
        );
      }
    }
  }
}
