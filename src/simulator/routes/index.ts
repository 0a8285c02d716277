import { accountRoutes } from "./accounts.js";
import { consentRoutes } from "./consent.js";
import { itemRoutes } from "./items.js";
import { linkRoutes } from "./link.js";
import type { RouteHandler } from "./route.js";
import { sandboxRoutes } from "./sandbox.js";
import { userRoutes } from "./users.js";
import { webhookKeyRoutes } from "./webhook-keys.js";

/** Every Plaid endpoint the simulator serves, by path. */
export const PLAID_ROUTES: Readonly<Record<string, RouteHandler>> = {
  ...linkRoutes,
  ...itemRoutes,
  ...accountRoutes,
  ...userRoutes,
  ...consentRoutes,
  ...webhookKeyRoutes,
  ...sandboxRoutes,
};

export type { PlaidRequest, RouteHandler } from "./route.js";
