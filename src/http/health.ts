import express, { type Router } from "express";
import type { Logger } from "../logger.js";

/** How long the store may take to answer a readiness check. */
const STORE_CHECK_TIMEOUT_MS = 2_000;

/** How long Plaid's verdict on the credentials is kept before readiness asks again. */
const CREDENTIALS_CHECK_MAX_AGE_MS = 60_000;

/** What readiness asks of the store. */
export interface StoreProbe {
  /** Resolves when the store answers a query. */
  ping(): Promise<unknown>;
  /** Whether every migration is applied. */
  migrationsComplete(): Promise<boolean>;
}

export interface HealthOptions {
  store: StoreProbe;
  /** Whether the live fan-out reaches other instances ("degraded" while Redis is configured but down or not answering). */
  eventBusHealth: () => "ok" | "degraded";
  /** Whether REDIS_URL is set: only then is Redis among the checks. */
  redisConfigured: boolean;
  /** Plaid's verdict on this gateway's credentials (see plaidCredentialsCheck); no Plaid check without it. */
  plaidCredentials?: PlaidCredentialsCheck;
  logger: Logger;
  storeTimeoutMs?: number;
}

/** What each readiness check found; values only, never an error message (it could name a host or user). */
export interface ReadinessChecks {
  store: "ok" | "unreachable";
  migrations: "complete" | "pending" | "unknown";
  /** Reported, never a reason to refuse traffic: without Redis an instance still serves its own subscribers and webhooks. */
  redis?: "ok" | "degraded";
  /** "refused" (INVALID_API_KEYS) makes the instance not ready; "unknown" while Plaid has not answered a check yet. */
  plaid?: "ok" | "refused" | "unknown";
}

type ReadinessStatus = "ready" | "degraded" | "not_ready";

/**
 * GET /healthz: the process is up and serving (200 whenever it can answer at all).
 * GET /readyz: 200 when the store answers and every migration is applied ("degraded" instead of
 * "ready" while Redis is down or not answering); 503 otherwise. Both answer with check results only,
 * never error details.
 */
export function healthRoutes(options: HealthOptions): Router {
  const { store: probe, eventBusHealth, redisConfigured } = options;
  const timeoutMs = options.storeTimeoutMs ?? STORE_CHECK_TIMEOUT_MS;
  const log = options.logger.child({ component: "readiness" });
  const router = express.Router();
  let inFlight: Promise<{ status: ReadinessStatus; checks: ReadinessChecks }> | null = null;
  let lastStatus: ReadinessStatus | null = null;

  const check = async (): Promise<{ status: ReadinessStatus; checks: ReadinessChecks }> => {
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
    if (redisConfigured) checks.redis = eventBusHealth();
    if (options.plaidCredentials) checks.plaid = await options.plaidCredentials.current();
    const ready = store === "ok" && migrations === "complete" && checks.plaid !== "refused";
    const status: ReadinessStatus = !ready ? "not_ready" : checks.redis === "degraded" ? "degraded" : "ready";
    if (status !== lastStatus) {
      if (status === "ready") log.info({ checks }, "ready");
      else if (status === "degraded") log.warn({ checks }, "ready, degraded: Item events do not reach other instances");
      else log.warn({ checks, err: storeError ?? undefined }, "not ready");
      lastStatus = status;
    }
    return { status, checks };
  };

  router.get("/healthz", (_req, res) => {
    res.status(200).json({ status: "ok" });
  });

  router.get("/readyz", (_req, res, next) => {
    // Probes arriving together share one round of checks.
    inFlight ??= check().finally(() => {
      inFlight = null;
    });
    inFlight.then(({ status, checks }) => {
      res.status(status === "not_ready" ? 503 : 200).json({ status, checks });
    }, next);
  });

  return router;
}

/** Plaid's latest verdict on the credentials, asked at start and then at most once per max age. */
export interface PlaidCredentialsCheck {
  /** The verdict so far; the first call waits for the first answer, later ones start a fresh check in the background when it is old. */
  current(): Promise<"ok" | "refused" | "unknown">;
}

/**
 * Starts checking the credentials now and keeps the verdict for maxAgeMs. A check Plaid could not
 * answer keeps the previous verdict: a Plaid outage is not this instance's fault and would take every
 * instance out at once. A refusal is logged with the client id (never the secret), once per change.
 */
export function plaidCredentialsCheck(options: {
  check: () => Promise<"accepted" | "refused" | "unknown">;
  clientId: string;
  logger: Logger;
  maxAgeMs?: number;
}): PlaidCredentialsCheck {
  const maxAgeMs = options.maxAgeMs ?? CREDENTIALS_CHECK_MAX_AGE_MS;
  const log = options.logger.child({ component: "readiness" });
  let verdict: "ok" | "refused" | "unknown" = "unknown";
  let checkedAt: number | null = null;
  let running: Promise<void> | null = null;
  const refresh = (): Promise<void> =>
    (running ??= options
      .check()
      .catch(() => "unknown" as const)
      .then((answer) => {
        checkedAt = Date.now();
        const next = answer === "accepted" ? "ok" : answer === "refused" ? "refused" : verdict;
        if (next === "refused" && verdict !== "refused") {
          log.error({ plaidClientId: options.clientId, plaidErrorCode: "INVALID_API_KEYS" }, "Plaid refuses this gateway's credentials: check PLAID_CLIENT_ID and PLAID_SECRET");
        } else if (next === "ok" && verdict === "refused") log.info({ plaidClientId: options.clientId }, "Plaid accepts this gateway's credentials again");
        verdict = next;
      })
      .finally(() => {
        running = null;
      }));
  const first = refresh();
  return {
    async current() {
      if (checkedAt === null) await first;
      else if (Date.now() - checkedAt >= maxAgeMs) void refresh();
      return verdict;
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
