import type { SimulatorContext } from "../context.js";
import { sweepItems } from "../item-lifecycle.js";
import { PLAID_ROUTES } from "../routes/index.js";
import { ControlError } from "../control-error.js";
import { type ControlBody, type ControlRoute } from "./control-route.js";

interface SettingsUpdate {
  consentEventsDelayHours?: number;
  rateLimits?: Record<string, number | null>;
  webhookTimeoutMs?: number;
}

const clockView = (ctx: SimulatorContext) => ({ offset_seconds: ctx.clock.offsetSeconds, now: ctx.clock.now().toISOString() });

const settingsView = (ctx: SimulatorContext) => ({
  consent_events_delay_hours: ctx.settings.consentEventsDelayHours,
  rate_limits: ctx.rateLimiter.current,
  webhook_timeout_ms: ctx.settings.webhookTimeoutMs,
  time_scale: ctx.settings.timeScale,
});

function rateLimitsUpdate(limits: unknown): Record<string, number | null> {
  if (typeof limits !== "object" || limits === null) throw new ControlError(400, "rate_limits must be an object of path: number");
  for (const [path, n] of Object.entries(limits)) {
    if (!(path in PLAID_ROUTES)) throw new ControlError(400, `rate_limits: unknown Plaid path ${path}`);
    if (n !== null && (!Number.isInteger(n) || (n as number) < 0)) throw new ControlError(400, `rate_limits[${path}] must be a non-negative integer or null`);
  }
  return limits as Record<string, number | null>;
}

/** Checks every field before anything changes, so a refused update changes nothing. */
function settingsUpdate(body: ControlBody): SettingsUpdate {
  const delay = body.consent_events_delay_hours;
  if (delay !== undefined && (typeof delay !== "number" || delay < 0)) throw new ControlError(400, "consent_events_delay_hours must be a non-negative number");
  const limits = body.rate_limits === undefined ? undefined : rateLimitsUpdate(body.rate_limits);
  const timeout = body.webhook_timeout_ms;
  if (timeout !== undefined && (typeof timeout !== "number" || timeout <= 0)) throw new ControlError(400, "webhook_timeout_ms must be a positive number");
  return { consentEventsDelayHours: delay, rateLimits: limits, webhookTimeoutMs: timeout };
}

/** The simulator clock and the settings tests turn at run time. */
export const clockAndSettingsRoutes: ControlRoute[] = [
  { method: "get", path: "/clock", handle: clockView },
  {
    method: "post",
    path: "/clock",
    handle: (ctx, body) => {
      if (typeof body.offset_seconds !== "number" || !Number.isFinite(body.offset_seconds)) throw new ControlError(400, "offset_seconds must be a number");
      ctx.clock.setOffsetSeconds(body.offset_seconds);
      sweepItems(ctx);
      return clockView(ctx);
    },
  },
  { method: "get", path: "/settings", handle: settingsView },
  {
    method: "post",
    path: "/settings",
    handle: (ctx, body) => {
      const update = settingsUpdate(body);
      if (update.consentEventsDelayHours !== undefined) ctx.settings.consentEventsDelayHours = update.consentEventsDelayHours;
      if (update.rateLimits) ctx.rateLimiter.configure(update.rateLimits);
      if (update.webhookTimeoutMs !== undefined) ctx.settings.webhookTimeoutMs = update.webhookTimeoutMs;
      return settingsView(ctx);
    },
  },
];
