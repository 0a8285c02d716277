/**
 * /healthz says the process is up; /readyz says whether this instance can serve: the store answers
 * and every migration is applied. Redis down or not answering leaves the instance ready (it still
 * serves its own subscribers and webhooks) and is named as degraded. A 503 names the failing check and
 * nothing else (no error text, host, port or connection string).
 */
import { afterAll, describe, expect, it } from "vitest";
import { postgresAvailable } from "../support/databases.js";
import { useTestGateway, type TestGateway } from "../support/gateway-harness.js";
import { waitUntil } from "../support/wait-until.js";
import { closedPort, startFreezableProxy, useGatewayOnCuttablePostgres, type FreezableProxy } from "../support/tcp-proxy.js";
import { randomChannelPrefix, REDIS_URL, redisAvailable } from "../subscriptions/event-bus-support.js";
import { scrape } from "./prometheus-text.js";
import { startTestSimulator, type SimulatorHarness } from "../support/simulator-harness.js";

const withPostgres = await postgresAvailable();
const withRedis = await redisAvailable();

async function probe(harness: TestGateway, path: "/healthz" | "/readyz"): Promise<{ status: number; text: string; body: { status?: string } }> {
  const response = await fetch(`${harness.gateway.url}${path}`);
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as { status?: string } };
}

async function eventBusHealthy(harness: TestGateway): Promise<number> {
  const { metrics } = await scrape(harness.gateway.url);
  return metrics.value("item_event_bus_healthy");
}

describe("health and readiness on the embedded store", () => {
  const { harness } = useTestGateway();

  it("/healthz answers 200 while the process is up", async () => {
    const healthz = await probe(harness, "/healthz");
    expect(healthz.status).toBe(200);
    expect(healthz.body).toEqual({ status: "ok" });
  });

  it("/readyz answers 200 with each check when the store answers and is migrated", async () => {
    const readyz = await probe(harness, "/readyz");
    expect(readyz.status).toBe(200);
    expect(readyz.body).toEqual({ status: "ready", checks: { store: "ok", migrations: "complete", plaid: "ok" } });
  });

  it("/readyz answers 503 while a migration is missing, and 200 again once it is there", async () => {
    const db = harness.gateway.store.db;
    const [latest] = await db.query<{ version: number; name: string }>("SELECT version, name FROM schema_migrations ORDER BY version DESC LIMIT 1");
    await db.query("DELETE FROM schema_migrations WHERE version = $1", [latest!.version]);
    try {
      const readyz = await probe(harness, "/readyz");
      expect(readyz.status).toBe(503);
      expect(readyz.body).toEqual({ status: "not_ready", checks: { store: "ok", migrations: "pending", plaid: "ok" } });
      expect((await probe(harness, "/healthz")).status).toBe(200);
    } finally {
      await db.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [latest!.version, latest!.name]);
    }
    expect((await probe(harness, "/readyz")).status).toBe(200);
  });
});

describe("readiness when Plaid refuses the gateway's credentials", () => {
  let simulator: SimulatorHarness | undefined;
  const wrongSecret = `wrong${"0".repeat(20)}`;
  afterAll(() => simulator?.close());
  const { harness } = useTestGateway(async () => {
    simulator = await startTestSimulator();
    return { env: { SIMULATOR_URL: simulator.url, PLAID_CLIENT_ID: simulator.clientId, PLAID_SECRET: wrongSecret } };
  });

  it("/readyz answers 503 naming Plaid; the log names the client id and never the secret; Plaid is asked once, not per probe", async () => {
    for (let probeNumber = 0; probeNumber < 3; probeNumber++) {
      const readyz = await probe(harness, "/readyz");
      expect(readyz.status).toBe(503);
      expect(readyz.body).toEqual({ status: "not_ready", checks: { store: "ok", migrations: "complete", plaid: "refused" } });
      expect(readyz.text).not.toContain(wrongSecret);
    }
    const checks = simulator!.callsTo("/user/items/get");
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ status: 400, response: { error_code: "INVALID_API_KEYS" } });
    const refusal = harness.logs.find((line) => line.includes("Plaid refuses this gateway's credentials"));
    expect(refusal).toContain(simulator!.clientId);
    expect(harness.logs.join("")).not.toContain(wrongSecret);
    expect((await probe(harness, "/healthz")).status).toBe(200);
  });
});

describe("readiness with REDIS_URL set but Redis unreachable", () => {
  let port: number;
  const { harness } = useTestGateway(async () => {
    port = await closedPort();
    return { env: { REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_CHANNEL_PREFIX: randomChannelPrefix() } };
  });

  it("/readyz answers 200, degraded, naming Redis without its address; the metric says so too", async () => {
    const readyz = await probe(harness, "/readyz");
    expect(readyz.status).toBe(200);
    expect(readyz.body).toEqual({ status: "degraded", checks: { store: "ok", migrations: "complete", redis: "degraded", plaid: "ok" } });
    expect(await eventBusHealthy(harness)).toBe(0);
    expect(readyz.text).not.toContain(String(port));
    expect(readyz.text).not.toContain("redis://");
    expect((await probe(harness, "/healthz")).status).toBe(200);
  });
});

describe.skipIf(!withRedis)("readiness with REDIS_URL set and Redis up", () => {
  const { harness } = useTestGateway({ env: { REDIS_URL, REDIS_CHANNEL_PREFIX: randomChannelPrefix() } });

  it("/readyz answers 200 with Redis among the checks", async () => {
    const readyz = await probe(harness, "/readyz");
    expect(readyz.status).toBe(200);
    expect(readyz.body).toEqual({ status: "ready", checks: { store: "ok", migrations: "complete", redis: "ok", plaid: "ok" } });
    expect(await eventBusHealthy(harness)).toBe(1);
  });
});

describe.skipIf(!withRedis)("readiness while Redis keeps its connections open but stops answering", () => {
  let link: FreezableProxy | undefined;
  // Registered before the gateway's own after-hook, so it runs after the gateway has stopped.
  afterAll(() => link?.close());
  const { harness } = useTestGateway(async () => {
    link = await startFreezableProxy(REDIS_URL, 6379);
    return { env: { REDIS_URL: link.url, REDIS_CHANNEL_PREFIX: randomChannelPrefix() } };
  });

  it("stays ready but degraded, naming Redis, while Redis is frozen, and is fully ready once it answers again", async () => {
    const frozenLink = link!;
    await waitUntil(async () => (await probe(harness, "/readyz")).body.status === "ready", { what: "the gateway is ready with Redis" });
    expect(await eventBusHealthy(harness)).toBe(1);

    frozenLink.freeze();
    try {
      const readyz = await waitUntil(
        async () => {
          const answer = await probe(harness, "/readyz");
          return answer.body.status === "ready" ? null : answer;
        },
        { timeoutMs: 15_000, what: "/readyz to notice that Redis does not answer" },
      );
      expect(readyz.status).toBe(200);
      expect(readyz.body).toEqual({ status: "degraded", checks: { store: "ok", migrations: "complete", redis: "degraded", plaid: "ok" } });
      expect(await eventBusHealthy(harness)).toBe(0);
      expect(harness.logs.join("")).toContain("did not answer a PING in time");
    } finally {
      frozenLink.thaw();
    }
    await waitUntil(async () => (await probe(harness, "/readyz")).body.status === "ready", { timeoutMs: 15_000, what: "/readyz to be ready again" });
    expect(await eventBusHealthy(harness)).toBe(1);
  });
});

describe.skipIf(!withPostgres)("readiness while PostgreSQL goes away and comes back", () => {
  const { harness, proxy } = useGatewayOnCuttablePostgres();

  it("is ready, answers 503 naming the store (and nothing about it) while it is cut off, and is ready again after", async () => {
    expect((await probe(harness, "/readyz")).status).toBe(200);

    proxy.cut();
    const readyz = await probe(harness, "/readyz");
    expect(readyz.status).toBe(503);
    expect(readyz.body).toEqual({ status: "not_ready", checks: { store: "unreachable", migrations: "unknown", plaid: "ok" } });
    for (const leak of [String(proxy.port), "127.0.0.1", "postgres", "ECONNREFUSED", "terminated"]) {
      expect(readyz.text, leak).not.toContain(leak);
    }
    expect((await probe(harness, "/healthz")).status).toBe(200);
    expect(proxy.refused + proxy.forwarded).toBeGreaterThan(0);

    proxy.restore();
    await waitUntil(async () => (await probe(harness, "/readyz")).status === 200, { timeoutMs: 15_000, what: "/readyz to be 200 again" });
    expect((await probe(harness, "/readyz")).body).toEqual({ status: "ready", checks: { store: "ok", migrations: "complete", plaid: "ok" } });
  });
});
