import express, { type Request, type RequestHandler, type Router } from "express";
import { pageSecurityHeaders } from "../http-surface.js";
import type { PageAssets } from "../page-assets.js";
import { renderDashboardPage, type DashboardPageConfig } from "./dashboard-page.js";
import { DASHBOARD_SCRIPT } from "./dashboard-script.js";
import { DASHBOARD_STYLES } from "./dashboard-styles.js";

export const DASHBOARD_PATH = "/dashboard";

export interface DashboardRouteOptions extends Omit<DashboardPageConfig, "developmentToken"> {
  assets: PageAssets;
  developmentToken: (req: Request) => string | null;
  /** Name of the shared graphql-ws browser client asset. */
  graphqlWsAsset: string;
}

/** GET /dashboard: the live Item dashboard (scripts and styles from PageAssets, same origin only). */
export function dashboardRoute(options: DashboardRouteOptions): Router {
  const { assets } = options;
  assets.add("dashboard.js", "text/javascript; charset=utf-8", () => DASHBOARD_SCRIPT);
  assets.add("dashboard.css", "text/css; charset=utf-8", () => DASHBOARD_STYLES);

  const page: RequestHandler = async (req, res, next) => {
    try {
      const [css, graphqlWs, script] = await Promise.all([assets.url("dashboard.css"), assets.url(options.graphqlWsAsset), assets.url("dashboard.js")]);
      const { assets: _assets, graphqlWsAsset: _graphqlWs, developmentToken, ...config } = options;
      res.type("html").send(renderDashboardPage({ ...config, developmentToken: developmentToken(req) }, { css: css!, graphqlWs: graphqlWs!, script: script! }));
    } catch (error) {
      next(error);
    }
  };

  const router = express.Router();
  router.get([DASHBOARD_PATH, `${DASHBOARD_PATH}/`], pageSecurityHeaders(), page);
  return router;
}
