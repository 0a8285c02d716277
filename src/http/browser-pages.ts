import express, { type Request, type Router } from "express";
import type { Authenticator } from "../auth/authenticator.js";
import type { Config } from "../config.js";
import { SANDBOX_ITEM_WEBHOOK_CODES } from "../domain/sandbox-webhooks.js";
import type { Logger } from "../logger.js";
import type { SimulatorLinkService } from "../services/simulator-link.service.js";
import { dashboardRoute } from "./dashboard/dashboard-route.js";
import { SIMULATOR_LINK_COMPLETE_PATH, simulatorLinkRoute } from "./dashboard/simulator-link-route.js";
import { graphiqlPage } from "./graphiql-page.js";
import { fromLoopback, PageAssets } from "./page-assets.js";

export interface BrowserPagesOptions {
  config: Config;
  authenticator: Authenticator;
  /** The dashboard's update-mode Link completion, when Plaid is the simulator. */
  simulatorLink: SimulatorLinkService;
  /** The institutions the dashboard offers for new Sandbox Items. */
  institutions: ReadonlyArray<{ id: string; name: string }>;
  /**
   * The development token the pages pre-fill (embedded default only: no AUTH_JWT_SECRET or
   * AUTH_JWKS_URL), or null. It is handed only to browsers on this machine (loopback requests).
   */
  developmentToken: () => string | null;
  logger: Logger;
}

/**
 * The gateway's browser pages, mounted before the GraphQL route: GraphiQL (GET / and HTML GETs of
 * /graphql, unless GRAPHIQL=off), the live Item dashboard (GET /dashboard), their assets (/assets/…),
 * and in simulator mode the dashboard's Link completion route. Everything a page loads comes from
 * this process, so they work without internet access.
 */
export function browserPages(options: BrowserPagesOptions): Router {
  const { config } = options;
  // Only the embedded default on this machine: once the gateway has a public address (PUBLIC_URL) or
  // listens beyond loopback, its pages never carry the development token.
  const developmentToken = (req: Request): string | null => (config.offersDevelopmentToken && fromLoopback(req) ? options.developmentToken() : null);

  const assets = new PageAssets();

  const router = express.Router();
  const simulatorLink = options.simulatorLink.available;
  if (simulatorLink) {
    router.use(simulatorLinkRoute({ authenticator: options.authenticator, simulatorLink: options.simulatorLink, logger: options.logger }));
  }
  if (config.graphiql) {
    router.use(graphiqlPage({ assets, endpoint: "/graphql", developmentToken }));
  }
  router.use(
    dashboardRoute({
      assets,
      endpoint: "/graphql",
      developmentToken,
      sandboxActions: config.plaid.env !== "production",
      linkCompletePath: simulatorLink ? SIMULATOR_LINK_COMPLETE_PATH : null,
      webhookCodes: SANDBOX_ITEM_WEBHOOK_CODES,
      institutions: options.institutions,
      graphiqlPath: config.graphiql ? "/" : null,
    }),
  );
  router.use(assets.router());
  return router;
}
