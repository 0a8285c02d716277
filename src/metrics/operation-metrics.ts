import { Counter, Histogram, type Registry } from "prom-client";
import type { OperationObserver } from "../graphql/operation-run.js";
import { LabelBudget, operationLabel } from "./label-values.js";

/** graphql_operations_total and graphql_operation_duration_seconds, fed by the GraphQL pipeline's observer (both transports). */
export function operationMetrics(registry: Registry): OperationObserver {
  const registers = [registry];
  const names = new LabelBudget();
  const operations = new Counter({
    name: "graphql_operations_total",
    help: "GraphQL operations served, by operation name, type (query, mutation, subscription, unknown) and outcome (ok, error)",
    labelNames: ["operation", "type", "outcome"] as const,
    registers,
  });
  const duration = new Histogram({
    name: "graphql_operation_duration_seconds",
    help: "Time from receiving a GraphQL operation to its last answer (for a subscription: its lifetime), by operation name and type",
    labelNames: ["operation", "type"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  return (record) => {
    const labels = { operation: operationLabel(names, record.operationName), type: typeLabel(record.type) };
    operations.inc({ ...labels, outcome: record.ok ? "ok" : "error" });
    duration.observe(labels, Math.max(0, record.durationSeconds));
  };
}

function typeLabel(type: string): string {
  return type === "query" || type === "mutation" || type === "subscription" ? type : "unknown";
}
