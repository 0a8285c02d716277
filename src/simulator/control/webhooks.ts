import { WEBHOOK_FAULT_MODES, type WebhookFaultInput } from "../webhook-faults.js";
import { ControlError } from "../control-error.js";
import { requirePositiveInteger, type ControlBody, type ControlRoute } from "./control-route.js";

function webhookFault(body: ControlBody): WebhookFaultInput {
  const input = body as unknown as WebhookFaultInput;
  if (!WEBHOOK_FAULT_MODES.includes(input.mode)) throw new ControlError(400, `mode must be one of ${WEBHOOK_FAULT_MODES.join(", ")}`);
  if (input.count !== undefined) requirePositiveInteger(input.count, "count");
  if (input.delay_ms !== undefined && (typeof input.delay_ms !== "number" || input.delay_ms < 0)) throw new ControlError(400, "delay_ms must be a non-negative number");
  return input;
}

/** Webhook delivery faults, held webhooks, the delivery log and the signing keys. */
export const webhookRoutes: ControlRoute[] = [
  {
    method: "post",
    path: "/webhooks/faults",
    handle: (ctx, body) => {
      ctx.webhooks.addFault(webhookFault(body));
      return { ok: true };
    },
  },
  {
    method: "delete",
    path: "/webhooks/faults",
    handle: (ctx) => {
      ctx.webhooks.clearFaults();
      return { ok: true };
    },
  },
  {
    method: "post",
    path: "/webhooks/flush",
    handle: (ctx) => {
      ctx.webhooks.flush();
      return { ok: true };
    },
  },
  { method: "get", path: "/webhooks/deliveries", handle: (ctx) => ({ deliveries: ctx.webhooks.list() }) },
  {
    method: "post",
    path: "/keys/rotate",
    handle: async (ctx, body) => {
      const previous = ctx.state.currentKeyId;
      const key = await ctx.signer.rotate(body.expire_current === true);
      return { key_id: key.kid, previous_key_id: previous, previous_key_expired: body.expire_current === true };
    },
  },
];
