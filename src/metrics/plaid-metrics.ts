import { Counter, Histogram, type Registry } from "prom-client";
import type { PlaidCallRecord } from "../datasources/plaid/plaid-datasource.js";
import { codeLabel, LabelBudget } from "./label-values.js";

/** The Plaid endpoints the gateway calls; any other is counted as "other". */
const PLAID_ENDPOINTS = new Set([
  "/accounts/get",
  "/consent/events/get",
  "/item/access_token/invalidate",
  "/item/get",
  "/item/public_token/exchange",
  "/item/remove",
  "/item/webhook/update",
  "/link/token/create",
  "/link/token/get",
  "/sandbox/item/fire_webhook",
  "/sandbox/item/reset_login",
  "/sandbox/public_token/create",
  "/user/create",
  "/user/items/get",
  "/user/items/remove",
  "/webhook_verification_key/get",
]);

/** plaid_calls_total and plaid_call_duration_seconds: every attempt at a Plaid call. */
export function plaidCallMetrics(registry: Registry): (record: PlaidCallRecord) => void {
  const registers = [registry];
  const errorCodes = new LabelBudget();
  const calls = new Counter({
    name: "plaid_calls_total",
    help: "Calls (each attempt) to Plaid, by endpoint and outcome (ok or the error code)",
    labelNames: ["endpoint", "outcome"] as const,
    registers,
  });
  const duration = new Histogram({
    name: "plaid_call_duration_seconds",
    help: "Duration of each attempt at a Plaid call, by endpoint",
    labelNames: ["endpoint"] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  return (record) => {
    const endpoint = PLAID_ENDPOINTS.has(record.endpoint) ? record.endpoint : "other";
    calls.inc({ endpoint, outcome: record.ok ? "ok" : codeLabel(errorCodes, record.errorCode) });
    duration.observe({ endpoint }, Math.max(0, record.durationMs) / 1000);
  };
}
