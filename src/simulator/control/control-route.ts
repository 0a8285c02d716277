import type { Request } from "express";
import type { SimulatorContext } from "../context.js";
import { ControlError } from "../control-error.js";
import type { SimItem } from "../types.js";

export type ControlBody = Record<string, unknown>;

/** Answers one control call; what it returns is sent as JSON, a ControlError as `{error}` with its status. */
export type ControlHandler = (ctx: SimulatorContext, body: ControlBody, req: Request) => unknown;

/** One endpoint of the control API, relative to `/simulator`. */
export interface ControlRoute {
  method: "get" | "post" | "delete";
  path: string;
  handle: ControlHandler;
}

/** The request's JSON object body; an empty body reads as `{}`. */
export function jsonBody(req: Request): ControlBody {
  const raw = Buffer.isBuffer(req.body) ? req.body.toString("utf8") : "";
  if (raw.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ControlError(400, "body must be JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new ControlError(400, "body must be a JSON object");
  return parsed as ControlBody;
}

/** The Item named by the `:item_id` path parameter, removed or not. */
export function itemParam(ctx: SimulatorContext, req: Request): SimItem {
  const item = ctx.state.items.get(String(req.params.item_id));
  if (!item) throw new ControlError(404, "unknown item_id");
  return item;
}

/** The Item named by `:item_id`, which must not have been removed. */
export function liveItemParam(ctx: SimulatorContext, req: Request): SimItem {
  const item = itemParam(ctx, req);
  if (item.removed_at_ms !== null) throw new ControlError(400, "the Item has been removed");
  return item;
}

export function requirePositiveInteger(value: unknown, name: string): number {
  if (!Number.isInteger(value) || (value as number) < 1) throw new ControlError(400, `${name} must be a positive integer`);
  return value as number;
}
