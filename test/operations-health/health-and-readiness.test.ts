/**
 * /healthz says the process is up; /readyz says whether this instance can serve: the store answers,
 * every migration is applied, and Redis is connected when REDIS_URL is set. A 503 names the failing
 * check and nothing else (no error text, host, port or connection string).
 */
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresAvailable } from "../support/databases.js";
import { expectCleanRun, startTestGateway, waitUntil, type TestGateway } from "../support/gateway-harness.js";
import { type TcpProxy, openStoreBehindProxy } from "../support/tcp-proxy.js";
import { randomChannelPrefix, REDIS_URL, redisAvailable } from "../subscriptions/event-bus-support.js";

const withPostgres = await postgresAvailable();
const withRedis = await redisAvailable();

async function probe(harness: TestGateway, path: "/healthz" | "/readyz"): Promise<{ status: number; text: string; body: any }> {
  const response = await fetch(`${harness.gateway.url}${path}`);
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) };
}

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("health and readiness on the embedded store", () => {
  let harness: TestGateway;

  beforeAll(async () => {
    harness = await startTestGateway();
  });
  afterAll(async () => {
    if (!harness) return;
    expectCleanRun(harness);
    await harness.close();
  });

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
  let harness: TestGateway;
  let port: number;

  beforeAll(async () => {
    port = await closedPort();
    harness = await startTestGateway({ env: { REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_CHANNEL_PREFIX: randomChannelPrefix() } });
  });
  afterAll(async () => {
    if (!harness) return;
    expectCleanRun(harness);
    await harness.close();
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
  let harness: TestGateway;

  beforeAll(async () => {
    harness = await startTestGateway({ env: { REDIS_URL, REDIS_CHANNEL_PREFIX: randomChannelPrefix() } });
  });
  afterAll(async () => {
    if (!harness) return;
    expectCleanRun(harness);
    await harness.close();
  });

  it("/readyz answers 200 with Redis among the checks", async () => {
    const readyz = await probe(harness, "/readyz");
    expect(readyz.status).toBe(200);
    expect(readyz.body).toEqual({ status: "ready", checks: { store: "ok", migrations: "complete", redis: "ok" } });
  });
});

describe.skipIf(!withPostgres)("readiness while PostgreSQL goes away and comes back", () => {
  let proxy: TcpProxy;
  let harness: TestGateway;

  beforeAll(async () => {
    const opened = await openStoreBehindProxy();
    proxy = opened.proxy;
    harness = await startTestGateway({ store: { store: opened.store, cleanup: opened.cleanup } });
  });
  afterAll(async () => {
    proxy?.restore();
    if (harness) {
      expectCleanRun(harness);
      await harness.close();
    }
    await proxy?.close();
  });

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
    await waitUntil(async () => (await probe(harness, "/readyz")).status === 200, 15_000, "/readyz to be 200 again");
    expect((await probe(harness, "/readyz")).body).toEqual({ status: "ready", checks: { store: "ok", migrations: "complete" } });
  });
});
