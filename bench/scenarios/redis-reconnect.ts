/**
 * g. Redis reconnect with many subscribers: the gateway reaches Redis through a proxy the bench cuts
 * (every connection destroyed, new ones refused for a second) and restores. "Back" is when the gateway
 * has opened its two Redis connections again through the proxy; 0.3 s later one webhook makes an event,
 * and the time until every subscriber has it is compared with the same event without a reconnect (the
 * control, just before). SQL statements are counted by a PostgreSQL wire-protocol proxy.
 */
import { randomBytes } from "node:crypto";
import { pick, type BenchContext } from "../lib/context.js";
import { createItems, signToken, startGateway } from "../lib/gateway.js";
import { collectFrames, connectSubscribers, deliveries, fireEvents, waitSubscribed, type Delivery } from "../lib/live.js";
import { loadAverage, POSTGRES_URL, REDIS_URL } from "../lib/machine.js";
import { createBenchDatabase } from "../lib/postgres.js";
import { startProxy, type StatementCounts, type TcpProxy } from "../lib/proxy.js";
import { row, type Row } from "../lib/results.js";
import type { Agent } from "../lib/rpc.js";
import { log, sleep, wallNow, waitFor } from "../lib/util.js";
import { WebhookSigner } from "../lib/webhooks.js";
import { Cleanup, startSubscribers, type Scenario } from "./scenario.js";

const CUT_MS = 1_000;
const AFTER_BACK_MS = 300;

interface Phase {
  delivery: Delivery;
  statements: StatementCounts;
}

interface Run {
  rep: number;
  loadAverage: number;
  control: Phase;
  reconnect: Phase & { backAfterMs: number };
}

export const redisReconnect: Scenario = {
  id: "redis-reconnect",
  title: "Redis reconnect with many subscribers",
  postgres: "required",
  redis: true,
  run: (ctx) => Cleanup.around((cleanup) => measure(ctx, cleanup)),
};

async function proxyTo(url: string, countPostgres: boolean): Promise<TcpProxy> {
  const target = new URL(url);
  return startProxy({ host: target.hostname, port: Number(target.port || (countPostgres ? 5432 : 6379)) }, { countPostgres });
}

function through(url: string, proxy: TcpProxy): string {
  const proxied = new URL(url);
  proxied.hostname = "127.0.0.1";
  proxied.port = String(proxy.port);
  return proxied.toString();
}

async function measure(ctx: BenchContext, cleanup: Cleanup) {
  const n = pick(ctx, 1000, 10_000);
  const db = cleanup.add(await createBenchDatabase(), (d) => d.drop());
  const pgProxy = cleanup.add(await proxyTo(POSTGRES_URL, true), (p) => p.close());
  const redisProxy = cleanup.add(await proxyTo(REDIS_URL, false), (p) => p.close());
  const gateway = cleanup.add(
    await startGateway(ctx, "redis-reconnect", {
      databaseUrl: through(db.url, pgProxy),
      redisUrl: through(REDIS_URL, redisProxy),
      redisChannelPrefix: `bench-${randomBytes(6).toString("hex")}`,
    }),
    (g) => g.stop(),
  );
  ctx.notes.push(
    `One instance with ${n} subscribers; Redis and PostgreSQL reached through proxies on core 1 (Redis cut for ${CUT_MS} ms; PostgreSQL statements counted from the wire protocol).`,
  );
  const token = await signToken(ctx, "redis-reconnect-user");
  const itemIds = await createItems(gateway, token, 10);
  const signer = new WebhookSigner(ctx.simulator.info);
  const clients = await startSubscribers(ctx, cleanup, "redis-reconnect-subscribers");
  await connectSubscribers(clients, { group: "subs", url: gateway.wsUrl, count: n, authorization: `Bearer ${token}` });
  await waitSubscribed(gateway, n);
  await fireEvents(gateway.origin, signer, { itemIds, count: 1, intervalMs: 1000 }, null);
  await collectFrames(clients, "subs", n, 10_000);
  const runs: Run[] = [];
  for (let rep = 0; rep < 3; rep++) {
    const load = loadAverage();
    const control = await oneEvent(clients, pgProxy, n, () => fireEvents(gateway.origin, signer, { itemIds, count: 1, intervalMs: 1000 }, null));
    await sleep(2_000);
    pgProxy.resetStatements();
    const before = redisProxy.forwarded;
    const cutAt = wallNow();
    redisProxy.cut();
    await sleep(CUT_MS);
    redisProxy.restore();
    await waitFor("the gateway to reconnect to Redis", () => redisProxy.forwarded >= before + 2, 30_000, 10);
    const backAfterMs = wallNow() - cutAt - CUT_MS;
    await sleep(AFTER_BACK_MS);
    const reconnect = await oneEvent(clients, pgProxy, n, () => fireEvents(gateway.origin, signer, { itemIds, count: 1, intervalMs: 1000 }, null), false);
    runs.push({ rep, loadAverage: load, control, reconnect: { ...reconnect, backAfterMs } });
    log(
      `redis-reconnect rep ${rep + 1}/3: control all delivered after ${control.delivery.latencyMs.max.toFixed(0)} ms (${control.statements.total} statements); ` +
        `after the reconnect ${reconnect.delivery.latencyMs.max.toFixed(0)} ms, ${reconnect.delivery.received}/${n} delivered, ${reconnect.statements.total} statements`,
    );
    await sleep(2_000);
  }
  return { rows: rows(n, runs), runs };
}

/** One event and what it cost: deliveries to every subscriber, and the statements sent until they stop. */
async function oneEvent(clients: Agent, pgProxy: TcpProxy, n: number, fire: () => ReturnType<typeof fireEvents>, reset = true): Promise<Phase> {
  if (reset) {
    await sleep(2_000);
    pgProxy.resetStatements();
  }
  const fired = await fire();
  const delivery = deliveries(await collectFrames(clients, "subs", n, 30_000), fired.events, n);
  let last = -1;
  await waitFor(
    "the statements to stop",
    () => {
      const total = pgProxy.statements().total;
      const quiet = total === last;
      last = total;
      return quiet;
    },
    120_000,
    1_000,
  );
  return { delivery, statements: pgProxy.statements() };
}

function rows(n: number, runs: Run[]): Row[] {
  const path = `Redis cut for ${CUT_MS / 1000} s with ${n.toLocaleString("en")} subscribers, an event ${AFTER_BACK_MS} ms after it is back`;
  const loads = runs.map((r) => r.loadAverage);
  const statementsOf = (s: StatementCounts) => s.total - s.transactionControl;
  const caused = runs.map((r) => statementsOf(r.reconnect.statements) - statementsOf(r.control.statements));
  const delivered = row({
    path,
    metric: "event reached every subscriber after (slowest delivery)",
    unit: "ms",
    gateway: runs.map((r) => r.reconnect.delivery.latencyMs.max),
    peerName: "same event without a reconnect",
    peer: runs.map((r) => r.control.delivery.latencyMs.max),
    loads,
    goal: null,
    detail:
      `delivered ${runs.map((r) => `${r.reconnect.delivery.received}/${r.reconnect.delivery.expected}`).join(", ")}; ` +
      `Redis back ${runs.map((r) => r.reconnect.backAfterMs.toFixed(0)).join("/")} ms after the cut ended`,
  });
  const top = Object.entries(runs[0]?.reconnect.statements.byText ?? {})
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([text, count]) => `${count}× \`${text.slice(0, 50)}\``)
    .join("; ");
  const statements = row({
    path,
    metric: "SQL statements caused by the reconnect (BEGIN/COMMIT excluded, the event's own subtracted)",
    unit: "statements",
    gateway: caused,
    peerName: "ideal: one catch-up read",
    peer: [2],
    loads,
    goal: { text: "one catch-up read per instance (the log's end + one page: ≤ 2)", met: null },
    detail: `${(caused.reduce((a, b) => a + b, 0) / caused.length / n).toFixed(2)} per subscriber; most sent: ${top}`,
  });
  if (statements.gateway) statements.goal!.met = statements.gateway.median <= 2;
  return [delivered, statements];
}
