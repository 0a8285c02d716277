import type { StaleDataCollector } from "../services/stale-data.js";
import type { Logger } from "../logger.js";
import type { RequestScope } from "../services/request-scope.js";
import type { Services } from "../services/services.js";

/** What every resolver receives: the request scope, the services and a request-bound logger. */
export interface GatewayContext extends RequestScope {
  services: Services;
  requestId: string;
  logger: Logger;
  /** What this operation served from stored data instead of Plaid's current answer (reported in extensions.staleData). */
  staleData: StaleDataCollector;
  /** Replaces the per-request loaders (a subscription does so for each event it delivers). */
  renewLoaders: () => void;
}
