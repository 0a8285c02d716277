import type { Loaders } from "./request-loaders.js";
import type { UserRecord } from "../domain/user.js";
import type { Viewer } from "../domain/viewer.js";

/** What one request carries through the services: who asks, and its per-request loaders. */
export interface RequestScope {
  viewer: Viewer;
  loaders: Loaders;
  /** The viewer's user row, created on first use; one lookup per request. */
  user(): Promise<UserRecord>;
}
