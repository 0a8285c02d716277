import { Counter, Gauge, type Registry } from "prom-client";
import type { ReconcileObserver } from "../services/reconcile-observer.js";

/** The reconciliation sweep's progress and the webhook URL repairs, as Prometheus metrics. */
export function reconcileMetrics(registry: Registry): ReconcileObserver {
  const registers = [registry];
  const sweeper = new Gauge({
    name: "item_reconcile_sweeper",
    help: "1 while this instance holds the lock and runs the reconciliation sweep, else 0",
    registers,
  });
  const confirmed = new Counter({
    name: "item_reconcile_items_confirmed_total",
    help: "Items the reconciliation sweep confirmed with Plaid's /item/get",
    registers,
  });
  const changes = new Counter({
    name: "item_reconcile_changes_total",
    help: "Items whose status the reconciliation sweep found changed at Plaid (recorded and published with cause RECONCILED)",
    registers,
  });
  const failures = new Counter({
    name: "item_reconcile_failures_total",
    help: "Items the reconciliation sweep could not confirm (Plaid or the store failed)",
    registers,
  });
  const lag = new Gauge({
    name: "item_reconcile_lag_seconds",
    help: "Seconds since the least recently confirmed live Item was confirmed with Plaid, as the sweeping instance last saw it (0 elsewhere)",
    registers,
  });
  const webhookUpdates = new Counter({
    name: "item_webhook_updates_total",
    help: "Items pointed at this gateway's webhook URL with /item/webhook/update, by outcome (ok, failed)",
    labelNames: ["outcome"] as const,
    registers,
  });
  sweeper.set(0);
  lag.set(0);
  return {
    sweeping: (active) => {
      sweeper.set(active ? 1 : 0);
      if (!active) lag.set(0);
    },
    confirmed: (changed) => {
      confirmed.inc();
      if (changed) changes.inc();
    },
    failed: () => failures.inc(),
    lag: (seconds) => lag.set(seconds),
    webhookUpdated: (ok) => webhookUpdates.inc({ outcome: ok ? "ok" : "failed" }),
  };
}
