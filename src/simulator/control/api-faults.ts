import type { ApiFaultInput } from "../faults.js";
import { PLAID_ROUTES } from "../routes/index.js";
import { ControlError } from "../control-error.js";
import { type ControlRoute } from "./control-route.js";

/** Errors and latency injected into the next calls of a Plaid path. */
export const apiFaultRoutes: ControlRoute[] = [
  { method: "get", path: "/faults", handle: (ctx) => ({ faults: ctx.faults.pending() }) },
  {
    method: "post",
    path: "/faults",
    handle: (ctx, body) => {
      const problem = ctx.faults.add(body as unknown as ApiFaultInput, (p) => p in PLAID_ROUTES);
      if (problem) throw new ControlError(400, problem);
      return { faults: ctx.faults.pending() };
    },
  },
  {
    method: "delete",
    path: "/faults",
    handle: (ctx) => {
      ctx.faults.clear();
      return { faults: [] };
    },
  },
];
