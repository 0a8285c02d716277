import express, { type Router } from "express";
import type { Logger } from "../logger.js";

/** How long the store may take to answer a readiness check. */
const STORE_CHECK_TIMEOUT_MS = 2_000;

/** What readiness asks of the store. */
export interface StoreProbe {
  /** Resolves when the store answers a query. */
  ping(): Promise<unknown>;
  /** Whether every migration is applied. */
  migrationsComplete(): Promise<boolean>;
}

export interface HealthOptions {
  store: StoreProbe;
  /** Whether the live fan-out reaches other instances ("degraded" while Redis is configured but unreachable). */
  eventBusHealth: () => "ok" | "degraded";
  /** Whether REDIS_URL is set: only then is Redis part of readiness. */
  redisConfigured: boolean;
  logger: Logger;
  storeTimeoutMs?: number;
}

/** What each readiness check found; values only, never an error message (it could name a host or user). */
export interface ReadinessChecks {
  store: "ok" | "unreachable";
  migrations: "complete" | "pending" | "unknown";
  redis?: "ok" | "unreachable";
}

/**
 * GET /healthz: the process is up and serving (200 whenever it can answer at all).
 * GET /readyz: 200 when the store answers, every migration is applied and, with REDIS_URL, Redis is
 * connected; 503 otherwise. Both answer with check results only, never error details.
 */
export function healthRoutes(options: HealthOptions): Router {
  const { store: probe, eventBusHealth, redisConfigured } = options;
  const timeoutMs = options.storeTimeoutMs ?? STORE_CHECK_TIMEOUT_MS;
  const log = options.logger.child({ component: "readiness" });
  const router = express.Router();
  let inFlight: Promise<{ ready: boolean; checks: ReadinessChecks }> | null = null;
  let wasReady: boolean | null = null;

  const check = async (): Promise<{ ready: boolean; checks: ReadinessChecks }> => {
    let storeError: unknown = null;
    const store = await withTimeout(probe.ping(), timeoutMs).then(
      () => "ok" as const,
      (error: unknown) => {
        storeError = error;
        return "unreachable" as const;
      },
    );
    const migrations =
      store === "ok"
        ? await withTimeout(probe.migrationsComplete(), timeoutMs).then(
            (complete) => (complete ? ("complete" as const) : ("pending" as const)),
            () => "unknown" as const,
          )
        : ("unknown" as const);
    const checks: ReadinessChecks = { store, migrations };
    if (redisConfigured) checks.redis = eventBusHealth() === "ok" ? "ok" : "unreachable";
    const ready = store === "ok" && migrations === "complete" && (checks.redis ?? "ok") === "ok";
    if (ready !== wasReady) {
      if (ready) log.info({ checks }, "ready");
      else log.warn({ checks, err: storeError ?? undefined }, "not ready");
      wasReady = ready;
    }
    return { ready, checks };
  };

  router.get("/healthz", (_req, res) => {
    res.status(200).json({ status: "ok" });
  });

  router.get("/readyz", (_req, res, next) => {
    // Probes arriving together share one round of checks.
    inFlight ??= check().finally(() => {
      inFlight = null;
    });
    inFlight.then(({ ready, checks }) => {
      res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "not_ready", checks });
    }, next);
  });

  return router;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
