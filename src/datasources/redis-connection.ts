import { Redis, type RedisOptions } from "ioredis";

/** Reconnect delay: exponential from 100 ms to 5 s, with jitter so instances do not reconnect in step. */
function reconnectDelay(attempt: number): number {
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

/** A connection that waits for startConnecting, so every listener is in place before its first 'ready'. */
export function createRedisConnection(redisUrl: string, connectionName: string, overrides: Partial<RedisOptions> = {}): Redis {
  return new Redis(redisUrl, { ...CONNECTION_OPTIONS, ...overrides, connectionName });
}

export function startConnecting(client: Redis): void {
  client.connect().catch(() => {}); // failures are reported through 'error' and retried
}

/** Resolves true once both connections are ready, false if that takes longer than timeoutMs. */
export function bothReady(a: Redis, b: Redis, timeoutMs: number): Promise<boolean> {
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

/** Quits politely, or drops the connection when Redis cannot answer. */
export async function quitRedisConnection(client: Redis): Promise<void> {
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
