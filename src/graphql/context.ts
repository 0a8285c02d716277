import type { Viewer } from "../domain/viewer.js";
import type { Logger } from "../logger.js";
import type { RenewableScope } from "../services/request-scope.js";
import type { Services } from "../services/services.js";
import type { GatewayContext } from "../resolvers/context.js";

export interface ContextSources {
  services: Services;
  openScope: (viewer: Viewer) => RenewableScope;
  logger: Logger;
}

/** Creates the context of one GraphQL operation for an authenticated viewer, over HTTP or WebSocket alike. */
export type ContextFactory = (viewer: Viewer, requestId: string) => GatewayContext;

export function createContextFactory({ services, openScope, logger }: ContextSources): ContextFactory {
  return (viewer, requestId) => {
    let child: Logger | undefined;
    // The request's own logger is made when something logs through it, not for every operation.
    return Object.defineProperties(Object.assign(openScope(viewer), { services, requestId }), {
      logger: { enumerable: true, get: () => (child ??= logger.child({ requestId })) },
    }) as GatewayContext;
  };
}
