import { Counter, type Registry } from "prom-client";
import type { WebhookResult } from "../webhooks/webhook-route.js";
import { codeLabel, LabelBudget } from "./label-values.js";

/** webhooks_total: every request to the webhook route, by what became of it. */
export function webhookMetrics(registry: Registry): (result: WebhookResult) => void {
  const codes = new LabelBudget();
  const webhooks = new Counter({
    name: "webhooks_total",
    help: "Plaid webhook requests, by webhook code and result (accepted, duplicate, unknown_item, ignored, rejected, failed); rejected and failed ones carry a reason",
    labelNames: ["code", "result", "reason"] as const,
    registers: [registry],
  });
  return (result) => {
    if ("accepted" in result) {
      webhooks.inc({ code: codeLabel(codes, result.accepted.webhookCode), result: webhookResultLabel(result.accepted.outcome) });
    } else if ("rejected" in result) {
      webhooks.inc({ result: "rejected", reason: result.rejected });
    } else {
      webhooks.inc({ result: "failed", reason: result.failed });
    }
  };
}

function webhookResultLabel(outcome: string): string {
  switch (outcome) {
    case "applied":
    case "unchanged":
      return "accepted";
    case "duplicate":
      return "duplicate";
    case "unknown_item":
      return "unknown_item";
    default:
      // ignored_type, ignored_code, removed_item: taken in, changes nothing.
      return "ignored";
  }
}
