import type { IncomingHttpHeaders } from "node:http";
import type { SimulatorContext } from "../context.js";
import { resolveAccessToken } from "../tokens.js";
import type { SimItem } from "../types.js";

/** One Plaid API call, after the envelope, credential and schema checks have passed. */
export interface PlaidRequest {
  path: string;
  /** Checked against the endpoint's schema, so handlers may narrow its fields by that schema. */
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  requestId: string;
  /** The Item the request addressed, once resolved (reported to `onExchange`). */
  itemId?: string;
}

export interface RouteResult {
  body: Record<string, unknown>;
}

export type RouteHandler = (ctx: SimulatorContext, req: PlaidRequest) => RouteResult | Promise<RouteResult>;

/** Resolves the request's access_token, records the Item on the request and applies the per-Item rate limit. */
export function itemOfRequest(ctx: SimulatorContext, req: PlaidRequest): SimItem {
  const item = resolveAccessToken(ctx, req.body.access_token as string);
  req.itemId = item.item_id;
  ctx.rateLimiter.check(req.path, item.item_id, ctx.clock.nowMs());
  return item;
}
