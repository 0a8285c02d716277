import express, { type Request, type Response, type Router } from "express";
import type { SimulatorContext } from "../context.js";
import { completeLinkSession, type LinkCompletionInput } from "../link-sessions.js";
import { apiFaultRoutes } from "./api-faults.js";
import { clockAndSettingsRoutes } from "./clock-and-settings.js";
import { ControlError } from "../control-error.js";
import { jsonBody, type ControlRoute } from "./control-route.js";
import { itemRoutes } from "./items.js";
import { webhookRoutes } from "./webhooks.js";

const CONTROL_ROUTES: readonly ControlRoute[] = [
  { method: "get", path: "/health", handle: () => ({ ok: true }) },
  { method: "post", path: "/link/complete", handle: (ctx, body) => completeLinkSession(ctx, body as unknown as LinkCompletionInput) },
  ...apiFaultRoutes,
  ...webhookRoutes,
  ...clockAndSettingsRoutes,
  ...itemRoutes,
];

/** The simulator's own API under /simulator: plain JSON, never Plaid's envelope, never reported to onExchange. */
export function controlRouter(ctx: SimulatorContext): Router {
  const router = express.Router();
  for (const { method, path, handle } of CONTROL_ROUTES) {
    router[method](path, async (req: Request, res: Response) => {
      try {
        const result = await handle(ctx, method === "get" ? {} : jsonBody(req), req);
        ctx.state.save();
        res.status(200).json(result ?? {});
      } catch (err) {
        const status = err instanceof ControlError ? err.status : 500;
        if (!(err instanceof ControlError)) ctx.logger.error({ err: String(err), path: req.path }, "simulator control call failed");
        res.status(status).json({ error: err instanceof Error ? err.message : String(err) });
      }
    });
  }
  router.use((_req: Request, res: Response) => {
    res.status(404).json({ error: "unknown simulator control endpoint" });
  });
  return router;
}
