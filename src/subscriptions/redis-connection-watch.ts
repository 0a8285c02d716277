import type { Redis } from "ioredis";
import type { ItemEventBusLogger } from "./item-event-fanout.js";

/** Logs a connection's trouble once per outage (ioredis reports every failed reconnect) and its recovery. */
export function watchConnection(client: Redis, role: string, logger: ItemEventBusLogger, isClosed: () => boolean): void {
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
