import { randomUUID } from "node:crypto";
import { Redis, type RedisOptions } from "ioredis";
import type { ItemEvent } from "../domain/item-event.js";
import type { ItemEventBus } from "./item-event-bus.js";
import { ItemEventFanout, type ItemEventBusLogger } from "./item-event-fanout.js";
import { decodeBusMessage, encodeEventMessage, encodeResyncMessage } from "./item-event-message.js";

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
}

const DEFAULT_CHANNEL_PREFIX = "item-events";

/** Reconnect delay: exponential from 100 ms to 5 s, with jitter so instances do not reconnect in step. */
export function reconnectDelay(attempt: number): number {
  const ceiling = Math.min(5_000, 100 * 2 ** Math.min(attempt - 1, 6));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

const CONNECTION_OPTIONS: RedisOptions = {
  lazyConnect: true,
  connectTimeout: 5_000,
  keepAlive: 10_000,
  retryStrategy: reconnectDelay,
  // A command never waits for a connection: a publish fails fast (the event log covers the gap) and
  // subscriptions are re-established from this instance's listeners on every reconnect.
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
  autoResubscribe: false,
  commandTimeout: 2_000,
};

/** Live fan-out of Item events across instances through Redis pub/sub; local subscribers never depend on Redis. */
export async function createRedisEventBus(options: RedisEventBusOptions): Promise<ItemEventBus> {
  const { logger } = options;
  const prefix = options.channelPrefix ?? DEFAULT_CHANNEL_PREFIX;
  const instanceId = randomUUID();
  const channels = {
    user: (userId: string) => `${prefix}:user:${userId}`,
    allItems: `${prefix}:all`,
    resync: `${prefix}:resync`,
  };

  // A connection in subscriber mode can do nothing else, hence two.
  const publisher = new Redis(options.redisUrl, { ...CONNECTION_OPTIONS, connectionName: `${prefix}:pub` });
  const subscriber = new Redis(options.redisUrl, { ...CONNECTION_OPTIONS, connectionName: `${prefix}:sub` });

  let closed = false;
  /** Bumped whenever the subscriber connection closes; a resubscribe round only counts if none happened meanwhile. */
  let subscriberEpoch = 0;
  let subscriberLost = false;
  /** Some events did not reach Redis: the other instances must be told to catch up from the log. */
  let owesResyncNotice = false;
  let sendingResyncNotice = false;
  let unsentEvents = 0;
  const pendingSubscriptions = new Set<Promise<unknown>>();
  const resyncListeners = new Set<() => void>();

  const track = (promise: Promise<unknown>) => {
    pendingSubscriptions.add(promise);
    const settled = () => pendingSubscriptions.delete(promise);
    promise.then(settled, settled);
  };

  /** A (un)subscribe that fails on a connection that still looks healthy means the connection is stuck: recycle it. */
  const changeSubscription = (command: "subscribe" | "unsubscribe", channel: string) => {
    if (closed || subscriber.status !== "ready") return; // the next resubscribe round covers it
    track(
      subscriber[command](channel).catch((error: unknown) => {
        if (closed) return;
        logger.warn({ err: error, channel }, `Redis ${command} failed; reconnecting the subscriber connection`);
        if (subscriber.status === "ready") subscriber.disconnect(true);
      }),
    );
  };

  const fanout = new ItemEventFanout(
    logger,
    { userTopic: channels.user, allItemsTopic: channels.allItems },
    {
      topicActive: (channel) => changeSubscription("subscribe", channel),
      topicIdle: (channel) => changeSubscription("unsubscribe", channel),
    },
  );

  const emitResync = (reason: string) => {
    logger.info({ reason, listeners: resyncListeners.size }, "Item event subscribers resync from the event log");
    for (const listener of [...resyncListeners]) {
      try {
        listener();
      } catch (error) {
        logger.error({ err: error }, "a resync listener threw");
      }
    }
  };

  subscriber.on("message", (channel: string, text: string) => {
    let message;
    try {
      message = decodeBusMessage(text);
    } catch (error) {
      logger.warn({ err: error, channel }, "ignored a malformed Item event message from Redis");
      return;
    }
    if (message.origin === instanceId) return; // already delivered locally when it was published
    if (message.kind === "resync") emitResync("another instance could not publish some events");
    else if (channel !== channels.resync) fanout.deliverToTopic(channel, message.event);
  });

  subscriber.on("close", () => {
    if (closed) return;
    subscriberEpoch += 1;
    subscriberLost = true;
  });

  // Subscriptions are not carried over by ioredis (autoResubscribe is off): every new connection
  // subscribes to what the listeners need now, then tells them to catch up if a connection was lost.
  subscriber.on("ready", () => {
    const epoch = subscriberEpoch;
    const wanted = [channels.resync, ...fanout.activeTopics()];
    track(
      subscriber.subscribe(...wanted).then(
        () => {
          if (closed || epoch !== subscriberEpoch || !subscriberLost) return;
          subscriberLost = false;
          emitResync("the Redis subscriber connection was lost and is back");
        },
        (error: unknown) => {
          if (closed) return;
          logger.warn({ err: error }, "Redis resubscribe failed; reconnecting the subscriber connection");
          if (subscriber.status === "ready" && epoch === subscriberEpoch) subscriber.disconnect(true);
        },
      ),
    );
  });

  const sendResyncNotice = async () => {
    if (sendingResyncNotice || closed) return;
    sendingResyncNotice = true;
    owesResyncNotice = false;
    const unsent = unsentEvents;
    try {
      await publisher.publish(channels.resync, encodeResyncMessage(instanceId));
      unsentEvents -= unsent;
      logger.info({ unsentEvents: unsent }, "Redis is back: asked the other instances to resync the Item events they missed");
    } catch (error) {
      owesResyncNotice = true;
      logger.debug({ err: error }, "could not yet ask the other instances to resync");
    } finally {
      sendingResyncNotice = false;
    }
  };

  publisher.on("ready", () => {
    if (owesResyncNotice) void sendResyncNotice();
  });

  watchConnection(publisher, "publisher", logger, () => closed);
  watchConnection(subscriber, "subscriber", logger, () => closed);

  publisher.connect().catch(() => {}); // failures are reported through 'error' and retried
  subscriber.connect().catch(() => {});
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  if (await bothReady(publisher, subscriber, connectTimeoutMs)) {
    await Promise.allSettled([...pendingSubscriptions]);
  } else {
    logger.warn({ connectTimeoutMs }, "Redis is unreachable: Item events reach this instance's subscribers only until it is back");
  }

  return {
    async publish(event: ItemEvent) {
      fanout.deliver(event);
      if (closed) return;
      const message = encodeEventMessage(instanceId, event);
      try {
        await Promise.all([publisher.publish(channels.user(event.userId), message), publisher.publish(channels.allItems, message)]);
      } catch (error) {
        unsentEvents += 1;
        // One error line per outage; the rest at debug level.
        const log = owesResyncNotice ? logger.debug.bind(logger) : logger.error.bind(logger);
        owesResyncNotice = true;
        log({ err: error, itemId: event.itemId, sequence: event.sequence }, "an Item event did not reach Redis: other instances will catch up from the event log");
        return;
      }
      if (owesResyncNotice) await sendResyncNotice();
    },

    subscribe: (userId, listener) => {
      if (closed) return () => {};
      return fanout.subscribe(userId, listener);
    },

    async whenSubscribed() {
      await Promise.allSettled([...pendingSubscriptions]);
    },

    onResync(listener) {
      resyncListeners.add(listener);
      return () => {
        resyncListeners.delete(listener);
      };
    },

    activeSubscriptions: () => fanout.listenerCount(),

    health: () => (!closed && publisher.status === "ready" && subscriber.status === "ready" ? "ok" : "degraded"),

    async close() {
      if (closed) return;
      closed = true;
      fanout.clear();
      resyncListeners.clear();
      subscriber.removeAllListeners("message");
      await Promise.all([quit(publisher), quit(subscriber)]);
    },
  };
}

/** Logs a connection's trouble once per outage (ioredis reports every failed reconnect) and its recovery. */
function watchConnection(client: Redis, role: string, logger: ItemEventBusLogger, isClosed: () => boolean): void {
  let troubled = false;
  // Without an 'error' listener ioredis reports errors on the console; with one, nothing here can crash the process.
  client.on("error", (error: Error) => {
    if (isClosed()) return;
    if (troubled) {
      logger.debug({ err: error, role }, "Redis connection still failing");
      return;
    }
    troubled = true;
    logger.warn({ err: error, role }, "Redis connection failed; reconnecting with backoff");
  });
  client.on("close", () => {
    if (isClosed() || troubled) return;
    troubled = true;
    logger.warn({ role }, "Redis connection lost; reconnecting with backoff");
  });
  client.on("ready", () => {
    if (!troubled) return;
    troubled = false;
    logger.info({ role }, "Redis connection restored");
  });
}

function bothReady(a: Redis, b: Redis, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const check = () => {
      if (a.status !== "ready" || b.status !== "ready") return;
      finish(true);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    const finish = (ready: boolean) => {
      clearTimeout(timer);
      a.off("ready", check);
      b.off("ready", check);
      resolve(ready);
    };
    a.on("ready", check);
    b.on("ready", check);
    check();
  });
}

async function quit(client: Redis): Promise<void> {
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
