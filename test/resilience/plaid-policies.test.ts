import { describe, expect, it } from "vitest";
import { GatewayError, PlaidApiError } from "../../src/domain/errors.js";
import {
  PlaidCircuitOpenError,
  PlaidCoolDownError,
  PlaidTransportError,
  isRetryableFailure,
  isTransientFailure,
  toGatewayError,
} from "../../src/datasources/plaid/plaid-errors.js";
import { PlaidResilience, policyFor, resolveResilienceOptions, type AttemptOptions } from "../../src/datasources/plaid/plaid-policies.js";
import { sleep } from "../support/wait-until.js";

/** What the HTTP client rejects with when Plaid answers with its error envelope; its config carries the secrets. */
function httpError(status: number, errorType: string, errorCode: string) {
  return Object.assign(new Error(`Request failed with status code ${status}`), {
    isAxiosError: true,
    config: { headers: { "PLAID-SECRET": "secret-value-123" }, data: JSON.stringify({ access_token: "access-sandbox-abc" }) },
    response: { status, data: { error_type: errorType, error_code: errorCode, error_message: "injected", display_message: null, request_id: "req-1" } },
  });
}
const networkError = () =>
  Object.assign(new Error("connect ECONNREFUSED"), { isAxiosError: true, code: "ECONNREFUSED", config: { headers: { "PLAID-SECRET": "secret-value-123" } } });

/** A fake Plaid endpoint answering from a script: each entry is an error to throw or a value to return. */
function scripted(script: Array<unknown | Error>) {
  const calls: AttemptOptions[] = [];
  const send = async (options: AttemptOptions) => {
    calls.push(options);
    const next = script.length > 1 ? script.shift() : script[0];
    if (next instanceof Error) throw next;
    return next;
  };
  return { send, calls };
}

const fast = { backoffInitialDelayMs: 1, backoffMaxDelayMs: 2 };

describe("policy selection per endpoint", () => {
  const options = resolveResilienceOptions({ timeoutMs: 1_000 });

  it.each(["/item/get", "/accounts/get", "/consent/events/get", "/user/items/get", "/webhook_verification_key/get"])(
    "%s is an idempotent read: short timeout, 3 attempts within 2× the timeout",
    (endpoint) => {
      expect(policyFor(endpoint, options)).toMatchObject({ attemptTimeoutMs: 1_000, maxAttempts: 3, budgetMs: 2_000 });
    },
  );

  it.each([
    ["/item/public_token/exchange", 2_000],
    ["/item/remove", 1_000],
    ["/item/access_token/invalidate", 1_000],
    ["/user/items/remove", 1_000],
    ["/link/token/create", 2_000],
    ["/user/create", 1_000],
    ["/sandbox/public_token/create", 2_000],
    ["/sandbox/item/reset_login", 2_000],
    ["/sandbox/item/fire_webhook", 2_000],
  ])("%s is never retried (timeout %d ms)", (endpoint, timeoutMs) => {
    expect(policyFor(endpoint, options)).toMatchObject({ maxAttempts: 1, attemptTimeoutMs: timeoutMs, budgetMs: timeoutMs });
  });

  it("groups endpoints into families, each with its own circuit", () => {
    const family = (endpoint: string) => policyFor(endpoint, options).family;
    expect(family("/item/get")).toBe("items");
    expect(family("/item/remove")).toBe("items");
    expect(family("/item/access_token/invalidate")).toBe("items");
    expect(family("/accounts/get")).toBe("accounts");
    expect(family("/consent/events/get")).toBe("consent");
    expect(family("/user/create")).toBe("users");
    expect(family("/user/items/remove")).toBe("users");
    expect(family("/webhook_verification_key/get")).toBe("webhook-keys");
    expect(family("/link/token/create")).toBe("link");
    expect(family("/item/public_token/exchange")).toBe("link");
    expect(family("/sandbox/item/fire_webhook")).toBe("sandbox");
  });

  it("cools down per Item only on the reads whose answers are kept", () => {
    const coolDown = (endpoint: string) => policyFor(endpoint, options).coolDownOnRateLimit;
    expect(["/item/get", "/accounts/get", "/consent/events/get"].map(coolDown)).toEqual([true, true, true]);
    expect(["/item/remove", "/link/token/create", "/user/items/get", "/item/public_token/exchange"].map(coolDown)).toEqual([false, false, false, false]);
  });

  it("gives an unknown endpoint the cautious policy: short timeout, one attempt", () => {
    expect(policyFor("/institutions/get_by_id", options)).toMatchObject({ family: "other", attemptTimeoutMs: 1_000, maxAttempts: 1 });
  });

  it("defaults: 10 s timeout, 20 s for slow endpoints, 3 attempts, breaker 5 / 10 s, 60 s cool-down", () => {
    expect(resolveResilienceOptions()).toMatchObject({
      timeoutMs: 10_000,
      slowTimeoutMs: 20_000,
      maxAttempts: 3,
      retryBudgetMs: 20_000,
      backoffInitialDelayMs: 128,
      breakerConsecutiveFailures: 5,
      breakerHalfOpenAfterMs: 10_000,
      rateLimitCoolDownMs: 60_000,
    });
  });
});

describe("error classification", () => {
  it("maps the HTTP client's error to Plaid's envelope only: no secret, no access token", () => {
    const mapped = toGatewayError("/accounts/get", httpError(500, "API_ERROR", "INTERNAL_SERVER_ERROR"));
    expect(mapped).toBeInstanceOf(PlaidApiError);
    const seen = JSON.stringify({ ...mapped, text: mapped.message, ext: mapped.extensions, stack: mapped.stack });
    expect(seen).not.toContain("secret-value-123");
    expect(seen).not.toContain("access-sandbox-abc");
    expect(JSON.stringify(toGatewayError("/accounts/get", networkError()))).not.toContain("secret-value-123");
  });

  it("retries 500/502/503/504, PLANNED_MAINTENANCE and network errors; not 4xx, 429 or timeouts", () => {
    const map = (error: unknown) => toGatewayError("/item/get", error);
    expect(isRetryableFailure(map(httpError(500, "API_ERROR", "INTERNAL_SERVER_ERROR")))).toBe(true);
    expect(isRetryableFailure(map(httpError(503, "API_ERROR", "PLANNED_MAINTENANCE")))).toBe(true);
    expect(isRetryableFailure(map(networkError()))).toBe(true);
    expect(isRetryableFailure(map(Object.assign(new Error("bad gateway"), { isAxiosError: true, response: { status: 502, data: "<html>" } })))).toBe(true);
    expect(isRetryableFailure(map(httpError(400, "ITEM_ERROR", "ITEM_LOGIN_REQUIRED")))).toBe(false);
    expect(isRetryableFailure(map(httpError(429, "RATE_LIMIT_EXCEEDED", "ACCOUNTS_LIMIT")))).toBe(false);
    const timedOut = new PlaidTransportError("/item/get", "no answer", null, true);
    expect(isRetryableFailure(timedOut)).toBe(false);
    expect(isTransientFailure(timedOut)).toBe(true);
  });
});

describe("PlaidResilience", () => {
  it("retries a read after 500 twice and answers from the third attempt", async () => {
    const resilience = new PlaidResilience({ timeoutMs: 1_000, ...fast });
    const plaid = scripted([httpError(500, "API_ERROR", "INTERNAL_SERVER_ERROR"), httpError(500, "API_ERROR", "INTERNAL_SERVER_ERROR"), { ok: true }]);
    await expect(resilience.execute("/item/get", plaid.send)).resolves.toEqual({ ok: true });
    expect(plaid.calls).toHaveLength(3);
  });

  it("gives up after 3 attempts with the last Plaid error", async () => {
    const resilience = new PlaidResilience({ timeoutMs: 1_000, ...fast });
    const plaid = scripted([httpError(503, "API_ERROR", "PLANNED_MAINTENANCE")]);
    const error = await resilience.execute("/accounts/get", plaid.send).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlaidApiError);
    expect(error).toMatchObject({ code: "PLAID_ERROR", plaid: { errorCode: "PLANNED_MAINTENANCE" } });
    expect(plaid.calls).toHaveLength(3);
  });

  it.each([
    "/item/public_token/exchange",
    "/item/remove",
    "/item/access_token/invalidate",
    "/user/items/remove",
    "/link/token/create",
    "/user/create",
    "/sandbox/public_token/create",
  ])("never sends %s twice", async (endpoint) => {
    const resilience = new PlaidResilience({ timeoutMs: 1_000, ...fast });
    const plaid = scripted([httpError(500, "API_ERROR", "INTERNAL_SERVER_ERROR"), { ok: true }]);
    await expect(resilience.execute(endpoint, plaid.send)).rejects.toMatchObject({ code: "PLAID_ERROR" });
    expect(plaid.calls).toHaveLength(1);
  });

  it("does not retry an Item error", async () => {
    const resilience = new PlaidResilience({ timeoutMs: 1_000, ...fast });
    const plaid = scripted([httpError(400, "ITEM_ERROR", "ITEM_LOGIN_REQUIRED"), { ok: true }]);
    await expect(resilience.execute("/accounts/get", plaid.send)).rejects.toMatchObject({ plaid: { errorCode: "ITEM_LOGIN_REQUIRED" } });
    expect(plaid.calls).toHaveLength(1);
  });

  it("starts no retry that could not finish within the budget", async () => {
    // Budget 1.5 × timeout: after a failure, a whole second attempt no longer fits once half the timeout is spent.
    const resilience = new PlaidResilience({ timeoutMs: 200, retryBudgetMs: 300, backoffInitialDelayMs: 1_000, backoffMaxDelayMs: 5_000 });
    let calls = 0;
    const send = async () => {
      calls += 1;
      await sleep(120);
      throw httpError(500, "API_ERROR", "INTERNAL_SERVER_ERROR");
    };
    await expect(resilience.execute("/item/get", send)).rejects.toMatchObject({ code: "PLAID_ERROR" });
    expect(calls).toBe(1);
  });

  it("aborts the HTTP request of an attempt that runs out of time, and does not retry it", async () => {
    const resilience = new PlaidResilience({ timeoutMs: 30, ...fast });
    const signals: AbortSignal[] = [];
    const send = ({ signal }: AttemptOptions) =>
      new Promise<never>((_, reject) => {
        signals.push(signal);
        signal.addEventListener("abort", () => reject(Object.assign(new Error("canceled"), { isAxiosError: true, code: "ERR_CANCELED" })));
      });
    const error = await resilience.execute("/accounts/get", send).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlaidTransportError);
    expect(error).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", timedOut: true });
    expect(signals).toHaveLength(1);
    expect(signals[0]!.aborted).toBe(true);
  });

  it("opens a family's circuit after 5 consecutive failures, fails fast without calling Plaid, and half-opens", async () => {
    const now = 1_000_000;
    const resilience = new PlaidResilience({ timeoutMs: 1_000, maxAttempts: 1, breakerHalfOpenAfterMs: 50, now: () => now });
    const plaid = scripted([httpError(500, "API_ERROR", "INTERNAL_SERVER_ERROR")]);
    for (let i = 0; i < 5; i++) await expect(resilience.execute("/consent/events/get", plaid.send)).rejects.toBeInstanceOf(PlaidApiError);
    expect(plaid.calls).toHaveLength(5);

    const open = await resilience.execute("/consent/events/get", plaid.send).catch((e: unknown) => e);
    expect(open).toBeInstanceOf(PlaidCircuitOpenError);
    expect((open as GatewayError).code).toBe("UPSTREAM_UNAVAILABLE");
    expect((open as GatewayError).message).toMatch(/unavailable.*tried again after 1970-01-01T00:16:40\.050Z/);
    expect(plaid.calls).toHaveLength(5);
    expect(resilience.circuits()).toEqual([{ family: "consent", state: "open", retryAt: new Date(now + 50) }]);

    // Other families are unaffected.
    await expect(resilience.execute("/accounts/get", scripted([{ ok: 1 }]).send)).resolves.toEqual({ ok: 1 });

    // After halfOpenAfter one call goes through; its success closes the circuit.
    await sleep(60);
    const healthy = scripted([{ ok: true }]);
    await expect(resilience.execute("/consent/events/get", healthy.send)).resolves.toEqual({ ok: true });
    expect(healthy.calls).toHaveLength(1);
    expect(resilience.circuits().find((c) => c.family === "consent")?.state).toBe("closed");
  });

  it("counts neither Item errors nor rate limits against the circuit", async () => {
    const resilience = new PlaidResilience({ timeoutMs: 1_000, maxAttempts: 1 });
    const plaid = scripted([httpError(400, "ITEM_ERROR", "ITEM_LOGIN_REQUIRED"), httpError(429, "RATE_LIMIT_EXCEEDED", "ACCOUNTS_LIMIT")]);
    for (let i = 0; i < 8; i++) await resilience.execute("/accounts/get", plaid.send).catch(() => null);
    expect(plaid.calls).toHaveLength(8);
    expect(resilience.circuits()[0]?.state).toBe("closed");
  });

  it("after a 429 for an Item, answers RATE_LIMITED for that Item and endpoint without calling Plaid until the cool-down ends", async () => {
    let now = 5_000_000;
    const resilience = new PlaidResilience({ timeoutMs: 1_000, rateLimitCoolDownMs: 60_000, now: () => now });
    const plaid = scripted([httpError(429, "RATE_LIMIT_EXCEEDED", "ACCOUNTS_LIMIT"), { accounts: [] }]);
    await expect(resilience.execute("/accounts/get", plaid.send, "access-item-a")).rejects.toMatchObject({ code: "RATE_LIMITED" });
    expect(plaid.calls).toHaveLength(1);

    for (let i = 0; i < 3; i++) {
      const error = await resilience.execute("/accounts/get", plaid.send, "access-item-a").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PlaidCoolDownError);
      expect(error).toMatchObject({ code: "RATE_LIMITED", extensions: { plaid: { errorCode: "ACCOUNTS_LIMIT" }, retryAt: new Date(now + 60_000).toISOString() } });
    }
    expect(plaid.calls).toHaveLength(1);

    // Another Item, and another endpoint of the same Item, still call Plaid.
    await expect(resilience.execute("/accounts/get", plaid.send, "access-item-b")).resolves.toEqual({ accounts: [] });
    await expect(resilience.execute("/item/get", plaid.send, "access-item-a")).resolves.toEqual({ accounts: [] });
    expect(plaid.calls).toHaveLength(3);

    now += 60_001;
    await expect(resilience.execute("/accounts/get", plaid.send, "access-item-a")).resolves.toEqual({ accounts: [] });
    expect(plaid.calls).toHaveLength(4);
  });
});
