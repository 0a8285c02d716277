import express, { type RequestHandler, type Router } from "express";
import type { Authenticator } from "../../auth/authenticator.js";
import { GatewayError } from "../../domain/errors.js";
import type { Logger } from "../../logger.js";
import type { SimulatorLinkService } from "../../services/simulator-link.service.js";

export const SIMULATOR_LINK_COMPLETE_PATH = "/dashboard/simulator/link/complete";

export interface SimulatorLinkRouteOptions {
  authenticator: Authenticator;
  simulatorLink: SimulatorLinkService;
  logger: Logger;
}

const STATUS_OF: Partial<Record<GatewayError["code"], number>> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  UPSTREAM_UNAVAILABLE: 502,
};

/**
 * POST /dashboard/simulator/link/complete `{linkToken}` with the bearer token (PLAID_ENV=simulator
 * only): what the end user finishing Link in update mode does, for the dashboard, which cannot reach
 * the simulator's control API. The link token must be one the gateway created for update mode, for an
 * Item of the viewer's (admins: any Item, as with createUpdateLinkToken), and unexpired; the simulator
 * is then told the user finished Link. Answers `{itemId}` (never a token); the app calls completeUpdate next.
 * A token that is not the viewer's is answered like one that does not exist.
 */
export function simulatorLinkRoute(options: SimulatorLinkRouteOptions): Router {
  const log = options.logger.child({ component: "dashboard" });

  const complete: RequestHandler = async (req, res, next) => {
    try {
      const viewer = await options.authenticator.authenticate(req.headers.authorization);
      const linkToken = (req.body as { linkToken?: unknown } | undefined)?.linkToken;
      if (typeof linkToken !== "string" || !/^[\x21-\x7e]{1,256}$/.test(linkToken)) {
        throw new GatewayError("BAD_USER_INPUT", 'Send {"linkToken": "link-…"} as JSON');
      }
      const { itemId } = await options.simulatorLink.complete(viewer, linkToken);
      log.info({ itemId, user: viewer.clientUserId }, "update-mode Link completed in the simulator");
      res.json({ itemId });
    } catch (error) {
      if (error instanceof GatewayError) {
        const status = STATUS_OF[error.code] ?? 500;
        if (status === 401) res.setHeader("www-authenticate", "Bearer");
        res.status(status).json({ error: error.message, code: error.code });
        return;
      }
      next(error);
    }
  };

  const router = express.Router();
  router.post(SIMULATOR_LINK_COMPLETE_PATH, express.json({ limit: "4kb" }), complete);
  return router;
}
