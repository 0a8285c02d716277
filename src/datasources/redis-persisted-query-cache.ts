import type { Redis } from "ioredis";
import type { Logger } from "../logger.js";
import { createRedisConnection, startConnecting } from "./redis-connection.js";

export interface RedisPersistedQueryCacheOptions {
  redisUrl: string;
  /** The deployment's REDIS_CHANNEL_PREFIX: keys are `<prefix>:apq:<sha256>` (Apollo adds the `apq:`). */
  keyPrefix: string;
  /** How long a registered query is kept when Apollo passes no TTL. */
  ttlSeconds: number;
  logger: Logger;
}

/** A lookup sits on the request's path: a Redis that does not answer within this is a miss. */
const COMMAND_TIMEOUT_MS = 500;

/**
 * Apollo's automatic persisted queries kept in Redis (Apollo's KeyValueCache shape), so a query one
 * instance registered is known to every instance. Redis never fails a request: while it is unreachable
 * or slow, a lookup is a miss (Apollo answers PersistedQueryNotFound and the client sends its query
 * again, which runs) and a registration is dropped. The outage is logged once, and its end; no command
 * waits for a connection, and none takes longer than COMMAND_TIMEOUT_MS.
 */
export class RedisPersistedQueryCache {
  private readonly client: Redis;
  private readonly prefix: string;
  private available = true;

  constructor(private readonly options: RedisPersistedQueryCacheOptions) {
    this.prefix = `${options.keyPrefix}:`;
    this.client = createRedisConnection(options.redisUrl, `${options.keyPrefix}:apq`, { commandTimeout: COMMAND_TIMEOUT_MS });
    this.client.on("error", (error: Error) => this.unavailable(error));
    this.client.on("ready", () => {
      if (this.available) return;
      this.available = true;
      options.logger.info("Redis is back: automatic persisted queries are shared by every instance again");
    });
    startConnecting(this.client);
  }

  async get(key: string): Promise<string | undefined> {
    // Not connected (yet, or any more): a miss at once; the connection's own error reports the outage.
    if (this.client.status !== "ready") return undefined;
    try {
      return (await this.client.get(this.prefix + key)) ?? undefined;
    } catch (error) {
      this.unavailable(error as Error);
      return undefined;
    }
  }

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    if (this.client.status !== "ready") return;
    try {
      await this.client.set(this.prefix + key, value, "EX", options?.ttl || this.options.ttlSeconds);
    } catch (error) {
      this.unavailable(error as Error);
    }
  }

  async delete(key: string): Promise<boolean> {
    if (this.client.status !== "ready") return false;
    try {
      return (await this.client.del(this.prefix + key)) > 0;
    } catch (error) {
      this.unavailable(error as Error);
      return false;
    }
  }

  async close(): Promise<void> {
    this.available = true; // a closing connection's errors are no outage
    this.client.removeAllListeners("error");
    this.client.on("error", () => {});
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  private unavailable(error: Error): void {
    if (!this.available) return;
    this.available = false;
    this.options.logger.warn(
      { err: error },
      "Redis is unavailable for automatic persisted queries: a hash this instance does not know is answered PersistedQueryNotFound and its client sends the query again",
    );
  }
}
