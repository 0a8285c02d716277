import type { ApolloServerPlugin } from "@apollo/server";
import { getOperationAST, type DocumentNode } from "graphql";
import type { RequestHandler } from "express";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { GatewayContext } from "../resolvers/context.js";
import type { PlaidCallRecord } from "../datasources/plaid/plaid-datasource.js";
import type { ItemEventBus } from "../subscriptions/item-event-bus.js";
import type { WebhookResult } from "../webhooks/webhook-route.js";

/** The Plaid endpoints the gateway calls; any other is counted as "other". */
const PLAID_ENDPOINTS = new Set([
  "/accounts/get",
  "/consent/events/get",
  "/item/get",
  "/item/public_token/exchange",
  "/item/remove",
  "/item/webhook/update",
  "/link/token/create",
  "/sandbox/item/fire_webhook",
  "/sandbox/item/reset_login",
  "/sandbox/public_token/create",
  "/user/create",
  "/user/items/get",
  "/user/items/remove",
  "/webhook_verification_key/get",
]);

/** Longest operation name kept as a label value. */
const MAX_OPERATION_NAME_LENGTH = 64;
/** Distinct operation names (and webhook codes, error codes) labelled per instance; later ones count as "other". */
const MAX_DISTINCT_LABEL_VALUES = 200;

const CODE_PATTERN = /^[A-Z][A-Z0-9_]{0,63}$/;

/** Label values chosen by callers, kept to a bounded set: past the budget every new value is "other". */
class LabelBudget {
  private readonly seen = new Set<string>();
  constructor(private readonly max = MAX_DISTINCT_LABEL_VALUES) {}

  value(candidate: string): string {
    if (this.seen.has(candidate)) return candidate;
    if (this.seen.size >= this.max) return "other";
    this.seen.add(candidate);
    return candidate;
  }
}

/** How one GraphQL operation ended, over HTTP or graphql-ws. */
export interface OperationRecord {
  /** Null or empty for an anonymous operation. */
  operationName: string | null | undefined;
  /** query, mutation or subscription; unknown when the document never got that far (parse or validation errors). */
  type: string;
  ok: boolean;
  durationSeconds: number;
}

/**
 * What graphql-ws tells about its operations (see graphql-ws-server.ts). `connection` is the
 * connection's own object; `id` the operation's id within it.
 */
export interface WsOperationObserver {
  /** Refused before running (limits, parse or validation errors). */
  refused(operationName: string | null | undefined, query: unknown): void;
  started(connection: object, id: string, document: DocumentNode, operationName: string | null | undefined): void;
  /** Sent errors to the client (the operation may still go on, or complete afterwards). */
  failed(connection: object, id: string): void;
  /** Ended: completed, stopped by the client, or its connection closed. */
  completed(connection: object, id: string): void;
}

/** The gateway's Prometheus metrics, in a registry of its own (several gateways may share one process). */
export interface GatewayMetrics {
  readonly registry: Registry;
  plaidCall(record: PlaidCallRecord): void;
  webhook(result: WebhookResult): void;
  operation(record: OperationRecord): void;
  /** The bus, counting what is published through it; its live subscriptions become graphql_active_subscriptions. */
  observeEventBus(bus: ItemEventBus): ItemEventBus;
  /** Counts operations served over HTTP. */
  apolloPlugin: ApolloServerPlugin<GatewayContext>;
  /** Counts operations served over graphql-ws. */
  wsOperations: WsOperationObserver;
  /** GET /metrics: the Prometheus text format. */
  handler: RequestHandler;
  close(): void;
}

export function createGatewayMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const operationNames = new LabelBudget();
  const errorCodes = new LabelBudget();
  const webhookCodes = new LabelBudget();

  const operations = new Counter({
    name: "graphql_operations_total",
    help: "GraphQL operations served, by operation name, type (query, mutation, subscription, unknown) and outcome (ok, error)",
    labelNames: ["operation", "type", "outcome"] as const,
    registers,
  });
  const operationDuration = new Histogram({
    name: "graphql_operation_duration_seconds",
    help: "Time from receiving a GraphQL operation to its last answer (for a subscription: its lifetime), by operation name and type",
    labelNames: ["operation", "type"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const plaidCalls = new Counter({
    name: "plaid_calls_total",
    help: "Calls (each attempt) to Plaid, by endpoint and outcome (ok or the error code)",
    labelNames: ["endpoint", "outcome"] as const,
    registers,
  });
  const plaidDuration = new Histogram({
    name: "plaid_call_duration_seconds",
    help: "Duration of each attempt at a Plaid call, by endpoint",
    labelNames: ["endpoint"] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const webhooks = new Counter({
    name: "webhooks_total",
    help: "Plaid webhook requests, by webhook code and result (accepted, duplicate, unknown_item, ignored, rejected, failed); rejected and failed ones carry a reason",
    labelNames: ["code", "result", "reason"] as const,
    registers,
  });
  let bus: ItemEventBus | null = null;
  new Gauge({
    name: "graphql_active_subscriptions",
    help: "Live GraphQL subscriptions on this instance",
    registers,
    collect() {
      this.set(bus?.activeSubscriptions() ?? 0);
    },
  });
  const published = new Counter({
    name: "item_events_published_total",
    help: "Item status events published to subscribers",
    registers,
  });

  const operation = (record: OperationRecord) => {
    const labels = { operation: operationLabel(operationNames, record.operationName), type: typeLabel(record.type) };
    operations.inc({ ...labels, outcome: record.ok ? "ok" : "error" });
    operationDuration.observe(labels, Math.max(0, record.durationSeconds));
  };

  const running = new WeakMap<object, Map<string, { operationName: string | null | undefined; type: string; started: number; ok: boolean }>>();
  const wsOperations: WsOperationObserver = {
    refused(operationName, query) {
      operation({ operationName: operationName || leadingOperationName(query), type: "unknown", ok: false, durationSeconds: 0 });
    },
    started(connection, id, document, operationName) {
      const ast = getOperationAST(document, operationName);
      if (!ast) {
        // graphql-ws answers "Unable to identify operation" and never completes it.
        operation({ operationName, type: "unknown", ok: false, durationSeconds: 0 });
        return;
      }
      let ops = running.get(connection);
      if (!ops) running.set(connection, (ops = new Map()));
      ops.set(id, { operationName: ast.name?.value ?? operationName, type: ast.operation, started: performance.now(), ok: true });
    },
    failed(connection, id) {
      const run = running.get(connection)?.get(id);
      if (run) run.ok = false;
    },
    completed(connection, id) {
      const ops = running.get(connection);
      const run = ops?.get(id);
      if (!run) return;
      ops!.delete(id);
      operation({ operationName: run.operationName, type: run.type, ok: run.ok, durationSeconds: (performance.now() - run.started) / 1000 });
    },
  };

  const apolloPlugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse(requestContext) {
          const { response } = requestContext;
          const sent = response.body.kind === "single" ? response.body.singleResult.errors : response.body.initialResult.errors;
          // A document that parsed but did not validate still names its operation.
          const named = requestContext.document ? getOperationAST(requestContext.document, requestContext.request.operationName)?.name?.value : undefined;
          operation({
            operationName: requestContext.operationName ?? named ?? requestContext.request.operationName,
            type: requestContext.operation?.operation ?? "unknown",
            ok: !sent?.length && !requestContext.errors?.length,
            durationSeconds: (performance.now() - started) / 1000,
          });
        },
      };
    },
  };

  return {
    registry,
    plaidCall(record) {
      const endpoint = PLAID_ENDPOINTS.has(record.endpoint) ? record.endpoint : "other";
      const outcome = record.ok ? "ok" : codeLabel(errorCodes, record.errorCode);
      plaidCalls.inc({ endpoint, outcome });
      plaidDuration.observe({ endpoint }, Math.max(0, record.durationMs) / 1000);
    },
    webhook(result) {
      if ("accepted" in result) {
        webhooks.inc({ code: codeLabel(webhookCodes, result.accepted.webhookCode), result: webhookResultLabel(result.accepted.outcome) });
      } else if ("rejected" in result) {
        webhooks.inc({ result: "rejected", reason: result.rejected });
      } else {
        webhooks.inc({ result: "failed", reason: result.failed });
      }
    },
    operation,
    observeEventBus(observed) {
      bus = observed;
      return {
        publish(event) {
          published.inc();
          return observed.publish(event);
        },
        subscribe: (userId, listener) => observed.subscribe(userId, listener),
        whenSubscribed: () => observed.whenSubscribed(),
        onResync: (listener) => observed.onResync(listener),
        activeSubscriptions: () => observed.activeSubscriptions(),
        health: () => observed.health(),
        close: () => observed.close(),
      };
    },
    apolloPlugin,
    wsOperations,
    handler: (_req, res, next) => {
      registry.metrics().then((text) => {
        res.setHeader("content-type", registry.contentType);
        res.end(text);
      }, next);
    },
    close() {
      bus = null;
      registry.clear();
    },
  };
}

/** The operation's name as a label: "anonymous" when unnamed, cut to a bounded length and set of values. */
function operationLabel(budget: LabelBudget, name: string | null | undefined): string {
  if (!name) return "anonymous";
  const cleaned = name.replace(/[^A-Za-z0-9_]/g, "_").slice(0, MAX_OPERATION_NAME_LENGTH);
  return budget.value(cleaned);
}

/** The name of a refused document's first operation, read without parsing it (it may be over the parser's limits). */
function leadingOperationName(query: unknown): string | undefined {
  if (typeof query !== "string") return undefined;
  return /^\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(query.slice(0, 1_000))?.[1];
}

function typeLabel(type: string): string {
  return type === "query" || type === "mutation" || type === "subscription" ? type : "unknown";
}

/** An upper-case code (Plaid error code, gateway error code, webhook code) as a label; anything else is "other". */
function codeLabel(budget: LabelBudget, code: string | null | undefined): string {
  if (!code) return "unknown";
  return CODE_PATTERN.test(code) ? budget.value(code) : "other";
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
