import type { GatewayContext } from "../resolvers/context.js";
import { createLoaders, type LoaderDeps } from "../services/request-loaders.js";
import { StaleDataCollector } from "../services/stale-data.js";
import type { UserRecord } from "../domain/user.js";
import type { Viewer } from "../domain/viewer.js";
import type { Logger } from "../logger.js";
import type { Services } from "../services/services.js";

/** Builds the context of one GraphQL operation, over HTTP or WebSocket alike. */
export function createContextFactory(deps: Omit<LoaderDeps, "forItem" | "logger" | "staleData"> & { services: Services; logger: Logger }) {
  const { services, logger } = deps;
  const loaderDeps: LoaderDeps = { ...deps, forItem: (itemId, call) => services.items.learnFrom(itemId, call), logger };
  return (viewer: Viewer, requestId: string): GatewayContext => {
    let user: Promise<UserRecord> | undefined;
    const staleData = new StaleDataCollector();
    const context: GatewayContext = {
      viewer,
      user: () => (user ??= services.users.ensure(viewer.clientUserId)),
      loaders: createLoaders({ ...loaderDeps, staleData }),
      staleData,
      services,
      requestId,
      logger: logger.child({ requestId }),
      // A subscription lives long: each event it delivers reads Items afresh.
      renewLoaders: () => {
        context.loaders = createLoaders({ ...loaderDeps, staleData });
      },
    };
    return context;
  };
}
