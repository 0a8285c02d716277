import type { RequestHandler } from "express";
import { collectDefaultMetrics, Registry } from "prom-client";
import type { PlaidCallRecord } from "../datasources/plaid/plaid-datasource.js";
import type { OperationObserver } from "../graphql/operation-run.js";
import type { ReconcileObserver } from "../services/reconcile-observer.js";
import type { ItemEventBus } from "../subscriptions/item-event-bus.js";
import type { WebhookResult } from "../webhooks/webhook-route.js";
import { observeEventBus } from "./event-bus-metrics.js";
import { operationMetrics } from "./operation-metrics.js";
import { plaidCallMetrics } from "./plaid-metrics.js";
import { reconcileMetrics } from "./reconcile-metrics.js";
import { webhookMetrics } from "./webhook-metrics.js";

/** The gateway's Prometheus metrics, in a registry of its own (several gateways may share one process). */
export interface GatewayMetrics {
  readonly registry: Registry;
  plaidCall(record: PlaidCallRecord): void;
  webhook(result: WebhookResult): void;
  /** How each GraphQL operation ended, over HTTP or WebSocket. */
  operation: OperationObserver;
  /** The reconciliation sweep's progress and the webhook URL repairs. */
  reconcile: ReconcileObserver;
  /** The bus, counting what is published through it; its live subscriptions become graphql_active_subscriptions. */
  observeEventBus(bus: ItemEventBus): ItemEventBus;
  /** GET /metrics: the Prometheus text format. */
  handler: RequestHandler;
  close(): void;
}

export function createGatewayMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    plaidCall: plaidCallMetrics(registry),
    webhook: webhookMetrics(registry),
    operation: operationMetrics(registry),
    reconcile: reconcileMetrics(registry),
    observeEventBus: (bus) => observeEventBus(registry, bus),
    handler: (_req, res, next) => {
      registry.metrics().then((text) => {
        res.setHeader("content-type", registry.contentType);
        res.end(text);
      }, next);
    },
    close() {
      registry.clear();
    },
  };
}
