import express, { type Request, type Router } from "express";
import type { Authenticator } from "../auth/authenticator.js";
import type { Config } from "../config.js";
import { SimulatorControl } from "../datasources/plaid/simulator-control.js";
import type { Store } from "../datasources/store/store.js";
import { SANDBOX_ITEM_WEBHOOK_CODES } from "../domain/sandbox-webhooks.js";
import type { Logger } from "../logger.js";
import { INSTITUTIONS } from "../simulator/institutions.js";
import { dashboardRoute } from "./dashboard/dashboard-route.js";
import { SIMULATOR_LINK_COMPLETE_PATH, simulatorLinkRoute } from "./dashboard/simulator-link-route.js";
import { graphiqlPage } from "./graphiql-page.js";
import { fromLoopback, packageFile, PageAssets } from "./page-assets.js";

const GRAPHQL_WS_ASSET = "graphql-ws.js";

export interface BrowserPagesOptions {
  config: Config;
  authenticator: Authenticator;
  store: Store;
  /** The simulator's base URL (PLAID_ENV=simulator), for the dashboard's update-mode Link completion. */
  simulatorUrl: string | null;
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
  const local = !config.auth.jwtSecret && !config.auth.jwksUrl && !config.publicUrl && ["127.0.0.1", "localhost", "::1"].includes(config.host);
  const developmentToken = (req: Request): string | null => (local && fromLoopback(req) ? options.developmentToken() : null);

  const assets = new PageAssets();
  assets.add(GRAPHQL_WS_ASSET, "text/javascript; charset=utf-8", () => packageFile("graphql-ws", "umd/graphql-ws.min.js"));

  const router = express.Router();
  const simulatorLink = config.plaid.env === "simulator" && options.simulatorUrl !== null;
  if (simulatorLink) {
    router.use(simulatorLinkRoute({ authenticator: options.authenticator, store: options.store, control: new SimulatorControl(options.simulatorUrl!), logger: options.logger }));
  }
  if (config.graphiql) {
    router.use(graphiqlPage({ assets, endpoint: "/graphql", developmentToken, graphqlWsAsset: GRAPHQL_WS_ASSET }));
  }
  router.use(
    dashboardRoute({
      assets,
      endpoint: "/graphql",
      developmentToken,
      sandboxActions: config.plaid.env !== "production",
      linkCompletePath: simulatorLink ? SIMULATOR_LINK_COMPLETE_PATH : null,
      webhookCodes: SANDBOX_ITEM_WEBHOOK_CODES,
      institutions: INSTITUTIONS.map((institution) => ({ id: institution.institution_id, name: institution.name })),
      graphiqlPath: config.graphiql ? "/" : null,
      graphqlWsAsset: GRAPHQL_WS_ASSET,
    }),
  );
  router.use(assets.router());
  return router;
}
