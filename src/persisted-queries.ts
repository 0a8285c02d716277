import type { Config } from "./config.js";
import { RedisPersistedQueryCache } from "./datasources/redis-persisted-query-cache.js";
import type { PersistedQuerySettings } from "./http/apollo-server.js";
import type { Logger } from "./logger.js";

/**
 * Automatic persisted queries as the configuration wants them: kept in Redis (shared by every instance)
 * when REDIS_URL is set, in Apollo's own in-memory cache otherwise; off in allow-list mode, where an id
 * names a document of the persisted-documents manifest or nothing. `close` ends the Redis connection.
 */
export function persistedQuerySettings(config: Config, logger: Logger): { settings: PersistedQuerySettings; close(): Promise<void> } {
  const manifest = config.persistedDocuments;
  const none = async () => {};
  if (manifest) {
    logger.info({ files: manifest.files, documents: manifest.documents.size, mode: manifest.mode }, "persisted-documents manifest loaded");
    if (manifest.mode === "allow-list" && config.graphiql) {
      logger.warn("PERSISTED_DOCUMENTS_MODE=allow-list: GraphiQL's introspection and typed-in operations are refused (set GRAPHIQL=off)");
    }
    if (manifest.mode === "allow-list") return { settings: false, close: none };
  }
  const ttlSeconds = config.persistedQueriesTtlSeconds;
  if (!config.redisUrl) return { settings: { cache: null, ttlSeconds }, close: none };
  const cache = new RedisPersistedQueryCache({
    redisUrl: config.redisUrl,
    keyPrefix: config.redisChannelPrefix,
    ttlSeconds,
    logger: logger.child({ component: "persisted-queries" }),
  });
  return { settings: { cache, ttlSeconds }, close: () => cache.close() };
}
