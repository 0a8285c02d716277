import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  type CircuitBreakerPolicy,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
} from "cockatiel";
import { createHash } from "node:crypto";
import type { PlaidApiError } from "../../domain/errors.js";
import { PlaidCircuitOpenError, PlaidCoolDownError, PlaidTransportError, isRateLimit, isRetryableFailure, isTransientFailure, toGatewayError } from "./plaid-errors.js";

/**
 * Plaid endpoints grouped by what fails together; each family has one circuit breaker, so an outage
 * of one part of Plaid does not stop calls to the others.
 */
export type PlaidEndpointFamily = "items" | "accounts" | "consent" | "users" | "webhook-keys" | "link" | "sandbox" | "other";

/** What the gateway does around one Plaid endpoint. */
export interface EndpointPolicy {
  endpoint: string;
  family: PlaidEndpointFamily;
  /** How long one attempt may take before its HTTP request is aborted. */
  attemptTimeoutMs: number;
  /** Attempts in all (1: never tried again). Only idempotent reads get more than one. */
  maxAttempts: number;
  /** The whole call, retries and backoff included, ends within this; a retry that cannot finish in it is not started. */
  budgetMs: number;
  /** A 429 for an Item pauses calls to this endpoint for that Item (the endpoint's answers are kept and served meanwhile). */
  coolDownOnRateLimit: boolean;
}

/** Tunables; every one has a default fit for production. */
export interface PlaidResilienceOptions {
  /** One attempt at a fast, cached endpoint (/item/get, /accounts/get, /consent/events/get, /user/*, /webhook_verification_key/get). Default 10 s. */
  timeoutMs?: number;
  /** One attempt where Plaid is slow (/link/token/create, /item/public_token/exchange, /sandbox/*). Default 2 × timeoutMs. */
  slowTimeoutMs?: number;
  /** Attempts in all for idempotent reads. Default 3. */
  maxAttempts?: number;
  /** The overall deadline of a retried read. Default 2 × timeoutMs. */
  retryBudgetMs?: number;
  /** First backoff delay (decorrelated jitter grows from there). Default 128 ms. */
  backoffInitialDelayMs?: number;
  /** Longest backoff delay. Default 2 s. */
  backoffMaxDelayMs?: number;
  /** Consecutive failures that open a family's circuit. Default 5. */
  breakerConsecutiveFailures?: number;
  /** How long an open circuit fails fast before one call may try Plaid again (half-open). Default 10 s. */
  breakerHalfOpenAfterMs?: number;
  /** How long a 429 for an Item keeps that Item's calls to the endpoint away from Plaid. Default 60 s. */
  rateLimitCoolDownMs?: number;
  /** Clock for cool-downs and for the time an open circuit reports. */
  now?: () => number;
}

export type ResolvedResilienceOptions = Required<PlaidResilienceOptions>;

export function resolveResilienceOptions(options: PlaidResilienceOptions = {}): ResolvedResilienceOptions {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    timeoutMs,
    slowTimeoutMs: options.slowTimeoutMs ?? 2 * timeoutMs,
    maxAttempts: Math.max(1, options.maxAttempts ?? 3),
    retryBudgetMs: options.retryBudgetMs ?? 2 * timeoutMs,
    backoffInitialDelayMs: options.backoffInitialDelayMs ?? 128,
    backoffMaxDelayMs: options.backoffMaxDelayMs ?? 2_000,
    breakerConsecutiveFailures: Math.max(1, options.breakerConsecutiveFailures ?? 5),
    breakerHalfOpenAfterMs: options.breakerHalfOpenAfterMs ?? 10_000,
    rateLimitCoolDownMs: options.rateLimitCoolDownMs ?? 60_000,
    now: options.now ?? Date.now,
  };
}

interface EndpointRule {
  family: PlaidEndpointFamily;
  /** Plaid is slow here: the longer timeout applies. */
  slow: boolean;
  /** Safe to send again: reads only. Exchanges, removals, creations and Sandbox actions never are. */
  idempotentRead: boolean;
  coolDownOnRateLimit: boolean;
}

const read = (family: PlaidEndpointFamily, coolDownOnRateLimit = false): EndpointRule => ({ family, slow: false, idempotentRead: true, coolDownOnRateLimit });
const write = (family: PlaidEndpointFamily, slow = false): EndpointRule => ({ family, slow, idempotentRead: false, coolDownOnRateLimit: false });

const RULES: Readonly<Record<string, EndpointRule>> = {
  "/item/get": read("items", true),
  "/item/remove": write("items"),
  "/item/webhook/update": write("items"),
  // Not idempotent: a second call after one that may have reached Plaid would invalidate the token it issued.
  "/item/access_token/invalidate": write("items"),
  "/accounts/get": read("accounts", true),
  "/consent/events/get": read("consent", true),
  "/user/create": write("users"),
  "/user/items/get": read("users"),
  "/user/items/remove": write("users"),
  "/webhook_verification_key/get": read("webhook-keys"),
  "/link/token/create": write("link", true),
  "/link/token/get": read("link"),
  "/item/public_token/exchange": write("link", true),
};

/** The policy for an endpoint. Unknown endpoints get the cautious one: short timeout, no retry. */
export function policyFor(endpoint: string, options: ResolvedResilienceOptions): EndpointPolicy {
  const rule: EndpointRule = RULES[endpoint] ?? (endpoint.startsWith("/sandbox/") ? write("sandbox", true) : write("other"));
  const attemptTimeoutMs = rule.slow ? options.slowTimeoutMs : options.timeoutMs;
  return {
    endpoint,
    family: rule.family,
    attemptTimeoutMs,
    maxAttempts: rule.idempotentRead ? options.maxAttempts : 1,
    budgetMs: rule.idempotentRead ? Math.max(options.retryBudgetMs, attemptTimeoutMs) : attemptTimeoutMs,
    coolDownOnRateLimit: rule.coolDownOnRateLimit,
  };
}

/** Options for one HTTP attempt, handed to the Plaid client method (axios request options). */
export interface AttemptOptions {
  /** Aborted when the attempt times out: the HTTP request is cancelled and its socket freed. */
  signal: AbortSignal;
  /** The HTTP client's own timeout, a backstop behind the signal. */
  timeout: number;
}

export interface ResilienceHooks {
  onRetry?: (info: { endpoint: string; attempt: number; delayMs: number; error: unknown }) => void;
  onCircuit?: (info: { family: PlaidEndpointFamily; state: "open" | "half-open" | "closed"; retryAt: Date | null }) => void;
  onCoolDown?: (info: { endpoint: string; until: Date; errorCode: string }) => void;
}

/** A backoff whose delay always leaves room for one whole attempt before the deadline. */
class WithinDeadline<T> implements IBackoffFactory<T> {
  constructor(
    private readonly inner: IBackoffFactory<T>,
    private readonly slackMs: () => number,
  ) {}

  next(context: T): IBackoff<T> {
    const backoff = this.inner.next(context);
    return { duration: Math.max(0, Math.min(backoff.duration, this.slackMs())), next: (ctx: T) => new WithinDeadline(backoff, this.slackMs).next(ctx) };
  }
}

interface CoolDown {
  until: number;
  errorType: string;
  errorCode: string;
  requestId: string | null;
}

/** Cool-downs kept at most; expired ones are dropped first. */
const MAX_COOL_DOWNS = 10_000;

/**
 * Timeouts, retries, circuit breakers and per-Item 429 cool-downs around Plaid calls, with cockatiel.
 * Per call: retry (idempotent reads only, decorrelated-jitter backoff, within the budget) around the
 * family's circuit breaker around a per-attempt timeout whose AbortSignal cancels the HTTP request.
 * Every error that leaves here is a gateway error; the HTTP client's errors (which carry the secret
 * and the access token in their request config) are mapped on the spot and go no further.
 */
export class PlaidResilience {
  readonly options: ResolvedResilienceOptions;
  private readonly breakers = new Map<PlaidEndpointFamily, { policy: CircuitBreakerPolicy; retryAt: number | null }>();
  private readonly coolDowns = new Map<string, CoolDown>();

  constructor(
    options: PlaidResilienceOptions = {},
    private readonly hooks: ResilienceHooks = {},
  ) {
    this.options = resolveResilienceOptions(options);
  }

  policyFor(endpoint: string): EndpointPolicy {
    return policyFor(endpoint, this.options);
  }

  /**
   * Runs one Plaid call under its endpoint's policy. `itemKey` names the Item the call is about (its
   * access token will do: it is only hashed) for the per-Item 429 cool-down.
   */
  async execute<T>(endpoint: string, send: (options: AttemptOptions) => Promise<T>, itemKey?: string): Promise<T> {
    const policy = this.policyFor(endpoint);
    const coolDownKey = policy.coolDownOnRateLimit && itemKey ? `${endpoint} ${fingerprint(itemKey)}` : null;
    if (coolDownKey) this.checkCoolDown(endpoint, coolDownKey);

    const started = performance.now();
    const deadline = started + policy.budgetMs;
    const breaker = this.breakerFor(policy.family);
    const perAttempt = timeout(policy.attemptTimeoutMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: true });
    const once = async (): Promise<T> => {
      try {
        return await breaker.policy.execute(() =>
          perAttempt.execute(async ({ signal }) => {
            try {
              return await send({ signal, timeout: policy.attemptTimeoutMs + 1_000 });
            } catch (error) {
              throw toGatewayError(endpoint, error);
            }
          }),
        );
      } catch (error) {
        throw this.mapPolicyError(endpoint, policy, error);
      }
    };

    try {
      if (policy.maxAttempts <= 1) return await once();
      // A retry starts only when a whole attempt still fits before the deadline; its delay shrinks to fit.
      const slackMs = () => deadline - performance.now() - policy.attemptTimeoutMs;
      const retrying = retry(
        handleWhen((error) => isRetryableFailure(error) && slackMs() >= 0),
        {
          maxAttempts: policy.maxAttempts - 1,
          backoff: new WithinDeadline<IRetryBackoffContext<unknown>>(
            new ExponentialBackoff({ initialDelay: this.options.backoffInitialDelayMs, maxDelay: this.options.backoffMaxDelayMs }),
            slackMs,
          ),
        },
      );
      retrying.onRetry((event) => {
        this.hooks.onRetry?.({ endpoint, attempt: event.attempt + 1, delayMs: event.delay, error: "error" in event ? event.error : null });
      });
      return await retrying.execute(once);
    } catch (error) {
      if (coolDownKey && isRateLimit(error)) this.startCoolDown(endpoint, coolDownKey, error);
      throw error;
    }
  }

  /** The state of each family's circuit that has been used (for operators and tests). */
  circuits(): Array<{ family: PlaidEndpointFamily; state: "closed" | "open" | "half-open"; retryAt: Date | null }> {
    return [...this.breakers.entries()].map(([family, breaker]) => ({
      family,
      state: (["closed", "open", "half-open", "open"] as const)[breaker.policy.state]!,
      retryAt: breaker.retryAt === null ? null : new Date(breaker.retryAt),
    }));
  }

  private breakerFor(family: PlaidEndpointFamily) {
    const existing = this.breakers.get(family);
    if (existing) return existing;
    const policy = circuitBreaker(
      handleWhen((error) => isTransientFailure(error) || error instanceof TaskCancelledError),
      { halfOpenAfter: this.options.breakerHalfOpenAfterMs, breaker: new ConsecutiveBreaker(this.options.breakerConsecutiveFailures) },
    );
    const entry = { policy, retryAt: null as number | null };
    policy.onBreak(() => {
      entry.retryAt = this.options.now() + this.options.breakerHalfOpenAfterMs;
      this.hooks.onCircuit?.({ family, state: "open", retryAt: new Date(entry.retryAt) });
    });
    policy.onHalfOpen(() => this.hooks.onCircuit?.({ family, state: "half-open", retryAt: null }));
    policy.onReset(() => {
      entry.retryAt = null;
      this.hooks.onCircuit?.({ family, state: "closed", retryAt: null });
    });
    this.breakers.set(family, entry);
    return entry;
  }

  private mapPolicyError(endpoint: string, policy: EndpointPolicy, error: unknown): unknown {
    if (error instanceof BrokenCircuitError) {
      const retryAt = this.breakers.get(policy.family)?.retryAt ?? this.options.now() + this.options.breakerHalfOpenAfterMs;
      return new PlaidCircuitOpenError(endpoint, policy.family, new Date(retryAt));
    }
    if (error instanceof TaskCancelledError) return new PlaidTransportError(endpoint, `no answer within ${policy.attemptTimeoutMs} ms`, null, true);
    return toGatewayError(endpoint, error);
  }

  private checkCoolDown(endpoint: string, key: string): void {
    const coolDown = this.coolDowns.get(key);
    if (!coolDown) return;
    if (coolDown.until <= this.options.now()) {
      this.coolDowns.delete(key);
      return;
    }
    throw new PlaidCoolDownError(endpoint, new Date(coolDown.until), coolDown);
  }

  private startCoolDown(endpoint: string, key: string, error: PlaidApiError): void {
    const now = this.options.now();
    if (this.coolDowns.size >= MAX_COOL_DOWNS) {
      for (const [other, coolDown] of this.coolDowns) if (coolDown.until <= now) this.coolDowns.delete(other);
      if (this.coolDowns.size >= MAX_COOL_DOWNS) this.coolDowns.delete(this.coolDowns.keys().next().value!);
    }
    const until = now + this.options.rateLimitCoolDownMs;
    this.coolDowns.set(key, { until, errorType: error.plaid.errorType, errorCode: error.plaid.errorCode, requestId: error.plaid.requestId });
    this.hooks.onCoolDown?.({ endpoint, until: new Date(until), errorCode: error.plaid.errorCode });
  }
}

/** A short, one-way name for an access token, so no token is kept as a map key. */
const fingerprint = (value: string): string => createHash("sha256").update(value).digest("base64url").slice(0, 22);
