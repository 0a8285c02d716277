import express, { type Request, type RequestHandler, type Router } from "express";
import { pageSecurityHeaders } from "../http-surface.js";
import type { PageAssets } from "../page-assets.js";
import { renderDashboardPage, type DashboardPageConfig } from "./dashboard-page.js";

const DASHBOARD_PATH = "/dashboard";

export interface DashboardRouteOptions extends Omit<DashboardPageConfig, "developmentToken"> {
  assets: PageAssets;
  developmentToken: (req: Request) => string | null;
}

/** GET /dashboard: the live Item dashboard (its script and stylesheet are bundles from src/browser/dashboard, served by PageAssets). */
export function dashboardRoute(options: DashboardRouteOptions): Router {
  const { assets } = options;
  assets.addBundle("dashboard.js", "text/javascript; charset=utf-8");
  assets.addBundle("dashboard.css", "text/css; charset=utf-8");

  const page: RequestHandler = async (req, res, next) => {
    try {
      const [css, script] = await Promise.all([assets.url("dashboard.css"), assets.url("dashboard.js")]);
      const { assets: _assets, developmentToken, ...config } = options;
      res.type("html").send(renderDashboardPage({ ...config, developmentToken: developmentToken(req) }, { css, script }));
    } catch (error) {
      next(error);
    }
  };

  const router = express.Router();
  router.get([DASHBOARD_PATH, `${DASHBOARD_PATH}/`], pageSecurityHeaders(), page);
  return router;
}
