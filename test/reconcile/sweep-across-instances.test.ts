/**
 * The reconciliation sweep in a deployment of several gateway processes on one PostgreSQL: the one
 * instance holding the session lock sweeps, the others wait, and the lock passes on when the sweeper
 * stops or dies.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signDevToken } from "../../src/auth/dev-token.js";
import { sweepBudget } from "../../src/domain/reconcile-budget.js";
import { SandboxCreateItemDocument } from "../../generated/graphql.js";
import { postgresAvailable } from "../support/databases.js";
import { spawnGateway, type GatewayProcess } from "../support/gateway-process.js";
import { startTwoInstances, type TwoInstances } from "../support/two-instances.js";
import { sleep, waitUntil } from "../support/wait-until.js";
import { scrape } from "../operations-health/prometheus-text.js";
import { redisAvailable } from "../subscriptions/event-bus-support.js";

const postgresUp = await postgresAvailable();
const redisUp = await redisAvailable();

const INTERVAL_SECONDS = 10;
const ITEMS = 4;

/** What an instance's /metrics says of the sweep. */
async function sweepOf(instance: GatewayProcess): Promise<{ sweeping: boolean; confirmed: number; lag: number }> {
  const { metrics } = await scrape(instance.graphqlUrl.replace(/\/graphql$/, ""));
  return {
    sweeping: metrics.value("item_reconcile_sweeper") === 1,
    confirmed: metrics.value("item_reconcile_items_confirmed_total"),
    lag: metrics.value("item_reconcile_lag_seconds"),
  };
}

/** The one instance that sweeps, waiting (within one interval) until there is one; fails when two do. */
async function theSweeper(instances: readonly GatewayProcess[]): Promise<GatewayProcess> {
  return waitUntil(
    async () => {
      const states = await Promise.all(instances.map(sweepOf));
      const sweeping = instances.filter((_instance, i) => states[i]!.sweeping);
      expect(sweeping.length, "instances sweeping at once").toBeLessThanOrEqual(1);
      return sweeping[0];
    },
    { timeoutMs: INTERVAL_SECONDS * 1000 + 5_000, intervalMs: 250, what: "one instance to take the sweeper's lock" },
  );
}

describe.skipIf(!postgresUp || !redisUp)(`the reconciliation sweep across gateway processes on one PostgreSQL (ITEM_RECONCILE_INTERVAL_SECONDS=${INTERVAL_SECONDS})`, () => {
  const jwtSecret = randomBytes(32).toString("hex");
  let deployment: TwoInstances | undefined;
  const extra: GatewayProcess[] = [];

  beforeAll(async () => {
    deployment = await startTwoInstances({
      names: ["sweep-a", "sweep-b"],
      prefix: `test-${randomBytes(6).toString("hex")}`,
      jwtSecret,
      env: { ITEM_RECONCILE_INTERVAL_SECONDS: String(INTERVAL_SECONDS) },
    });
    const token = await signDevToken(new TextEncoder().encode(jwtSecret), { user: `gina-${randomBytes(3).toString("hex")}` });
    for (let i = 0; i < ITEMS; i++) {
      const created = await deployment.a.graphql(SandboxCreateItemDocument, {}, token);
      expect(created.errors).toBeUndefined();
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all(extra.map((instance) => instance.stop()));
    await deployment?.stop();
  }, 60_000);

  it("exactly one instance sweeps, and both together make no more /item/get calls than one instance would", async () => {
    const { a, b, simulator } = deployment!;
    const sweeper = await theSweeper([a, b]);
    const other = sweeper === a ? b : a;
    await waitUntil(async () => (await sweepOf(sweeper)).confirmed >= ITEMS, { timeoutMs: 2 * INTERVAL_SECONDS * 1000, what: "a first round of confirmations" });

    const since = simulator.exchanges.length;
    const from = performance.now();
    await sleep(3 * INTERVAL_SECONDS * 1000);
    const calls = simulator.exchanges.slice(since).filter((exchange) => exchange.path === "/item/get").length;
    const windowMs = performance.now() - from;

    // One sweeper starts a confirmation at most every `spacing`; a second one sweeping too would go past it.
    const { spacingMs } = sweepBudget(INTERVAL_SECONDS * 1000, ITEMS, 0.5);
    expect(calls).toBeGreaterThanOrEqual(ITEMS);
    expect(calls).toBeLessThanOrEqual(Math.floor(windowMs / spacingMs) + 1);
    const [ours, theirs] = await Promise.all([sweepOf(sweeper), sweepOf(other)]);
    expect(ours).toMatchObject({ sweeping: true });
    expect(ours.lag).toBeGreaterThan(0);
    expect(ours.lag).toBeLessThanOrEqual(INTERVAL_SECONDS + 2);
    expect(theirs).toEqual({ sweeping: false, confirmed: 0, lag: 0 });
  }, 90_000);

  it("when the sweeper stops, another instance takes the lock within one interval and goes on confirming", async () => {
    const { a, b, settings } = deployment!;
    const first = await theSweeper([a, b]);
    const second = first === a ? b : a;
    await first.stop();
    expect(await theSweeper([second])).toBe(second);
    await waitUntil(async () => (await sweepOf(second)).confirmed >= ITEMS, { timeoutMs: 2 * INTERVAL_SECONDS * 1000, what: "the new sweeper to confirm Items" });

    // A third instance joins; the sweeper then dies without a word (SIGKILL): its connection drops, PostgreSQL frees the lock.
    const third = await spawnGateway("sweep-c", settings);
    extra.push(third);
    expect((await sweepOf(third)).sweeping).toBe(false);
    await second.stop(0, "SIGKILL");
    expect(await theSweeper([third])).toBe(third);
    await waitUntil(async () => (await sweepOf(third)).confirmed >= 1, { timeoutMs: 2 * INTERVAL_SECONDS * 1000, what: "the third instance to confirm Items" });
  }, 120_000);
});
