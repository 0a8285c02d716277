import type { Logger } from "../logger.js";
import type { RenewableScope } from "../services/request-scope.js";
import type { Services } from "../services/services.js";

/** What every resolver receives: the request's scope, the services and a request-bound logger. */
export interface GatewayContext extends RenewableScope {
  services: Services;
  requestId: string;
  logger: Logger;
}
