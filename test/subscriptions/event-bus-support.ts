import { randomBytes } from "node:crypto";
import net from "node:net";
import { Redis } from "ioredis";
import type { ItemEvent } from "../../src/domain/item-event.js";
import type { ItemEventBusLogger } from "../../src/subscriptions/item-event-bus.js";

/** The machine's Redis (CI always has it). */
export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** Whether Redis answers; in CI an absent Redis is a failure, not a skip. */
export async function redisAvailable(): Promise<boolean> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2_000, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  let connectionError: Error | undefined;
  client.on("error", (error: Error) => {
    connectionError = error;
  });
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch (error) {
    if (process.env.CI) throw new Error(`Redis at ${REDIS_URL} is required in CI: ${(connectionError ?? (error as Error)).message}`, { cause: error });
    console.warn(
      `\n[tests] Redis at ${REDIS_URL} is not reachable (${(connectionError ?? (error as Error)).message}): Redis event bus tests are skipped on this machine (they run in CI).\n`,
    );
    return false;
  } finally {
    client.disconnect();
  }
}

export function randomChannelPrefix(): string {
  return `test-item-events-${randomBytes(6).toString("hex")}`;
}

export function randomUserId(): string {
  return `user-${randomBytes(4).toString("hex")}`;
}

let nextSequence = 1;

export function itemEvent(userId: string, overrides: Partial<ItemEvent> = {}): ItemEvent {
  const sequence = nextSequence++;
  return {
    sequence,
    itemId: `item-${sequence}`,
    userId,
    previousStatus: "HEALTHY",
    status: "LOGIN_REQUIRED",
    cause: "webhook:ITEM:ERROR",
    error: null,
    occurredAt: new Date(),
    ...overrides,
  };
}

export interface LogEntry {
  level: "info" | "warn" | "error" | "debug";
  obj: object;
  msg?: string;
}

/** A logger that keeps what it is given, for asserting that failures are reported. */
export function recordingLogger(): ItemEventBusLogger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry["level"]) => (obj: object, msg?: string) => {
    entries.push({ level, obj, msg });
  };
  return { entries, info: at("info"), warn: at("warn"), error: at("error"), debug: at("debug") };
}

/** A TCP proxy in front of Redis whose link can be cut (open connections dropped, new ones refused) and restored. */
export class TcpProxy {
  port = 0;
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly target: { host: string; port: number };

  constructor(private readonly targetUrl: string) {
    const url = new URL(targetUrl);
    this.target = { host: url.hostname, port: Number(url.port || 6379) };
  }

  /** The target's URL (credentials, database) with the proxy's address instead of Redis's. */
  get url(): string {
    const url = new URL(this.targetUrl);
    url.hostname = "127.0.0.1";
    url.port = String(this.port);
    return url.toString();
  }

  async start(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** Listens again on the same port. */
  restore(): Promise<void> {
    return this.start();
  }

  close(): Promise<void> {
    return this.cut();
  }
}
