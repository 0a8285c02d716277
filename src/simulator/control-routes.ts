import express, { type Request, type Response, type Router } from "express";
import { openNewBankAccount } from "./accounts.js";
import { consentEventsOf } from "./consent-events.js";
import type { SimulatorContext } from "./context.js";
import type { ApiFaultInput } from "./faults.js";
import { sweepItems } from "./item-lifecycle.js";
import { institutionOf, itemErrorObject } from "./items.js";
import { completeLinkSession, ControlError, type LinkCompletionInput } from "./link-sessions.js";
import { PLAID_ROUTES } from "./routes/index.js";
import type { WebhookFaultInput } from "./webhook-faults.js";
import { newAccountsAvailableWebhook, sendItemWebhook } from "./webhook-payloads.js";

const WEBHOOK_FAULT_MODES = ["duplicate", "reorder", "delay", "stale_iat", "tamper", "expired_key"];

function jsonBody(req: Request): Record<string, unknown> {
  const raw = Buffer.isBuffer(req.body) ? req.body.toString("utf8") : "";
  if (raw.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ControlError(400, "body must be JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new ControlError(400, "body must be a JSON object");
  return parsed as Record<string, unknown>;
}

type ControlHandler = (body: Record<string, unknown>, req: Request) => unknown | Promise<unknown>;

/** The simulator's own API under /simulator: plain JSON, never Plaid's envelope, never reported to onExchange. */
export function controlRouter(ctx: SimulatorContext): Router {
  const router = express.Router();
  const route = (method: "get" | "post" | "delete", path: string, handler: ControlHandler) => {
    router[method](path, async (req: Request, res: Response) => {
      try {
        const result = await handler(method === "get" ? {} : jsonBody(req), req);
        ctx.state.save();
        res.status(200).json(result ?? {});
      } catch (err) {
        const status = err instanceof ControlError ? err.status : 500;
        if (!(err instanceof ControlError)) ctx.logger.error({ err: String(err), path: req.path }, "simulator control call failed");
        res.status(status).json({ error: err instanceof Error ? err.message : String(err) });
      }
    });
  };
  const itemParam = (req: Request) => {
    const item = ctx.state.items.get(String(req.params.item_id));
    if (!item) throw new ControlError(404, "unknown item_id");
    return item;
  };
  const settingsView = () => ({
    consent_events_delay_hours: ctx.settings.consentEventsDelayHours,
    rate_limits: ctx.rateLimiter.current,
    webhook_timeout_ms: ctx.settings.webhookTimeoutMs,
    time_scale: ctx.settings.timeScale,
  });
  const clockView = () => ({ offset_seconds: ctx.clock.offsetSeconds, now: ctx.clock.now().toISOString() });

  route("get", "/health", () => ({ ok: true }));
  route("post", "/link/complete", (body) => completeLinkSession(ctx, body as unknown as LinkCompletionInput));

  route("get", "/faults", () => ({ faults: ctx.faults.pending() }));
  route("post", "/faults", (body) => {
    const problem = ctx.faults.add(body as unknown as ApiFaultInput, (p) => p in PLAID_ROUTES);
    if (problem) throw new ControlError(400, problem);
    return { faults: ctx.faults.pending() };
  });
  route("delete", "/faults", () => {
    ctx.faults.clear();
    return { faults: [] };
  });

  route("post", "/webhooks/faults", (body) => {
    const input = body as unknown as WebhookFaultInput;
    if (!WEBHOOK_FAULT_MODES.includes(input.mode)) throw new ControlError(400, `mode must be one of ${WEBHOOK_FAULT_MODES.join(", ")}`);
    if (input.count !== undefined && (!Number.isInteger(input.count) || input.count < 1)) throw new ControlError(400, "count must be a positive integer");
    if (input.delay_ms !== undefined && (typeof input.delay_ms !== "number" || input.delay_ms < 0)) throw new ControlError(400, "delay_ms must be a non-negative number");
    ctx.webhooks.addFault(input);
    return { ok: true };
  });
  route("delete", "/webhooks/faults", () => {
    ctx.webhooks.clearFaults();
    return { ok: true };
  });
  route("post", "/webhooks/flush", () => {
    ctx.webhooks.flush();
    return { ok: true };
  });
  route("get", "/webhooks/deliveries", () => ({ deliveries: ctx.webhooks.list() }));

  route("post", "/keys/rotate", async (body) => {
    const previous = ctx.state.currentKeyId;
    const key = await ctx.signer.rotate(body.expire_current === true);
    return { key_id: key.kid, previous_key_id: previous, previous_key_expired: body.expire_current === true };
  });

  route("get", "/clock", clockView);
  route("post", "/clock", (body) => {
    if (typeof body.offset_seconds !== "number" || !Number.isFinite(body.offset_seconds)) throw new ControlError(400, "offset_seconds must be a number");
    ctx.clock.setOffsetSeconds(body.offset_seconds);
    sweepItems(ctx);
    return clockView();
  });

  route("get", "/settings", settingsView);
  route("post", "/settings", (body) => {
    const delay = body.consent_events_delay_hours;
    if (delay !== undefined && (typeof delay !== "number" || delay < 0)) throw new ControlError(400, "consent_events_delay_hours must be a non-negative number");
    const limits = body.rate_limits;
    if (limits !== undefined) {
      if (typeof limits !== "object" || limits === null) throw new ControlError(400, "rate_limits must be an object of path: number");
      for (const [path, n] of Object.entries(limits)) {
        if (!(path in PLAID_ROUTES)) throw new ControlError(400, `rate_limits: unknown Plaid path ${path}`);
        if (n !== null && (!Number.isInteger(n) || (n as number) < 0)) throw new ControlError(400, `rate_limits[${path}] must be a non-negative integer or null`);
      }
    }
    const timeout = body.webhook_timeout_ms;
    if (timeout !== undefined && (typeof timeout !== "number" || timeout <= 0)) throw new ControlError(400, "webhook_timeout_ms must be a positive number");
    if (typeof delay === "number") ctx.settings.consentEventsDelayHours = delay;
    if (limits) ctx.rateLimiter.configure(limits as Record<string, number | null>);
    if (typeof timeout === "number") ctx.settings.webhookTimeoutMs = timeout;
    return settingsView();
  });

  route("get", "/items/:item_id", (_body, req) => {
    const item = itemParam(req);
    return {
      item_id: item.item_id,
      institution_id: item.institution_id,
      user_id: item.user_id,
      webhook: item.webhook,
      removed: item.removed_at_ms !== null,
      error: itemErrorObject(item),
      accounts: item.bank_accounts.map((a) => ({ ...a, shared: item.shared_account_ids.includes(a.account_id) })),
    };
  });
  route("get", "/items/:item_id/consent-events", (_body, req) => ({
    consent_events: consentEventsOf(ctx, itemParam(req).item_id, { hideYoungerThanMs: 0 }),
  }));
  route("post", "/items/:item_id/new-accounts", (body, req) => {
    const item = itemParam(req);
    if (item.removed_at_ms !== null) throw new ControlError(400, "the Item has been removed");
    const count = body.count ?? 1;
    if (!Number.isInteger(count) || (count as number) < 1) throw new ControlError(400, "count must be a positive integer");
    const opened = [];
    for (let i = 0; i < (count as number); i++) {
      const account = openNewBankAccount(item, institutionOf(item).currency);
      item.bank_accounts.push(account);
      opened.push(account);
    }
    const webhookSent = sendItemWebhook(ctx, item, newAccountsAvailableWebhook(item));
    return { item_id: item.item_id, new_accounts: opened, webhook_sent: webhookSent };
  });

  // Brings the Item's consent to within seven days of expiry, as time would: Plaid then sends PENDING_EXPIRATION.
  route("post", "/items/:item_id/consent-expiring", (body, req) => {
    const item = itemParam(req);
    if (item.removed_at_ms !== null) throw new ControlError(400, "the Item has been removed");
    const days = body.days ?? 7;
    if (typeof days !== "number" || !(days > 0 && days <= 7)) throw new ControlError(400, "days must be a number above 0 and at most 7");
    item.consent_expiration_ms = ctx.clock.nowMs() + days * 86_400_000;
    sweepItems(ctx);
    return { item_id: item.item_id, consent_expiration_time: new Date(item.consent_expiration_ms).toISOString() };
  });

  router.use((_req: Request, res: Response) => {
    res.status(404).json({ error: "unknown simulator control endpoint" });
  });
  return router;
}
