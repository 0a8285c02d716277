/**
 * /healthz says the process is up; /readyz says whether this instance can serve: the store answers,
 * every migration is applied, and Redis is connected when REDIS_URL is set. A 503 names the failing
 * check and nothing else (no error text, host, port or connection string).
 */
import { describe, expect, it } from "vitest";
import { postgresAvailable } from "../support/databases.js";
import { useTestGateway, type TestGateway } from "../support/gateway-harness.js";
import { waitUntil } from "../support/wait-until.js";
import { closedPort, useGatewayOnCuttablePostgres } from "../support/tcp-proxy.js";
import { randomChannelPrefix, REDIS_URL, redisAvailable } from "../subscriptions/event-bus-support.js";

const withPostgres = await postgresAvailable();
const withRedis = await redisAvailable();

async function probe(harness: TestGateway, path: "/healthz" | "/readyz"): Promise<{ status: number; text: string; body: unknown }> {
  const response = await fetch(`${harness.gateway.url}${path}`);
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) };
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
    expect(readyz.body).toEqual({ status: "ready", checks: { store: "ok", migrations: "complete" } });
  });

  it("/readyz answers 503 while a migration is missing, and 200 again once it is there", async () => {
    const db = harness.gateway.store.db;
    const [latest] = await db.query<{ version: number; name: string }>("SELECT version, name FROM schema_migrations ORDER BY version DESC LIMIT 1");
    await db.query("DELETE FROM schema_migrations WHERE version = $1", [latest!.version]);
    try {
      const readyz = await probe(harness, "/readyz");
      expect(readyz.status).toBe(503);
      expect(readyz.body).toEqual({ status: "not_ready", checks: { store: "ok", migrations: "pending" } });
      expect((await probe(harness, "/healthz")).status).toBe(200);
    } finally {
      await db.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [latest!.version, latest!.name]);
    }
    expect((await probe(harness, "/readyz")).status).toBe(200);
  });
});

describe("readiness with REDIS_URL set but Redis unreachable", () => {
  let port: number;
  const { harness } = useTestGateway(async () => {
    port = await closedPort();
    return { env: { REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_CHANNEL_PREFIX: randomChannelPrefix() } };
  });

  it("/readyz answers 503 naming Redis, without its address; /healthz still 200", async () => {
    const readyz = await probe(harness, "/readyz");
    expect(readyz.status).toBe(503);
    expect(readyz.body).toEqual({ status: "not_ready", checks: { store: "ok", migrations: "complete", redis: "unreachable" } });
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
    expect(readyz.body).toEqual({ status: "ready", checks: { store: "ok", migrations: "complete", redis: "ok" } });
  });
});

describe.skipIf(!withPostgres)("readiness while PostgreSQL goes away and comes back", () => {
  const { harness, proxy } = useGatewayOnCuttablePostgres();

  it("is ready, answers 503 naming the store (and nothing about it) while it is cut off, and is ready again after", async () => {
    expect((await probe(harness, "/readyz")).status).toBe(200);

    proxy.cut();
    const readyz = await probe(harness, "/readyz");
    expect(readyz.status).toBe(503);
    expect(readyz.body).toEqual({ status: "not_ready", checks: { store: "unreachable", migrations: "unknown" } });
    for (const leak of [String(proxy.port), "127.0.0.1", "postgres", "ECONNREFUSED", "terminated"]) {
      expect(readyz.text, leak).not.toContain(leak);
    }
    expect((await probe(harness, "/healthz")).status).toBe(200);
    expect(proxy.refused + proxy.forwarded).toBeGreaterThan(0);

    proxy.restore();
    await waitUntil(async () => (await probe(harness, "/readyz")).status === 200, { timeoutMs: 15_000, what: "/readyz to be 200 again" });
    expect((await probe(harness, "/readyz")).body).toEqual({ status: "ready", checks: { store: "ok", migrations: "complete" } });
  });
});
