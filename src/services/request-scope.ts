import type { UserRecord } from "../domain/user.js";
import type { Viewer } from "../domain/viewer.js";
import { createLoaders, type LoaderSources, type Loaders } from "./request-loaders.js";
import { StaleDataCollector } from "./stale-data.js";

/** What one request carries through the services: who asks, its per-request loaders and what it served stale. */
export interface RequestScope {
  viewer: Viewer;
  loaders: Loaders;
  /** What this request served from stored data instead of Plaid's current answer. */
  staleData: StaleDataCollector;
  /** The viewer's user row, created on first use; one lookup per request. */
  user(): Promise<UserRecord>;
}

/** A request's scope that can start over with fresh loaders (a subscription does so for each event it delivers). */
export interface RenewableScope extends RequestScope {
  renewLoaders(): void;
}

/** Opens the scope of one request for the viewer. */
export function openRequestScope(viewer: Viewer, sources: LoaderSources): RenewableScope {
  let user: Promise<UserRecord> | undefined;
  const staleData = new StaleDataCollector();
  const scope: RenewableScope = {
    viewer,
    staleData,
    loaders: createLoaders(sources, staleData),
    user: () => (user ??= sources.users.ensure(viewer.clientUserId)),
    renewLoaders: () => {
      scope.loaders = createLoaders(sources, staleData);
    },
  };
  return scope;
}
