/**
 * e. Fan-out across two gateway instances over Redis (same PostgreSQL, same REDIS_URL, a channel prefix
 * of the run's own): subscribers split over both (one process), webhooks to instance A only. Instance B's
 * subscribers are compared with instance A's, measured in the same runs.
 */
import { randomBytes } from "node:crypto";
import type { KeyFrames } from "../agents/subscribers.js";
import { pick, type BenchContext } from "../lib/context.js";
import { createItems, signToken, startGateway } from "../lib/gateway.js";
import { ackSummary, collectFrames, connectSubscribers, deliveries, fireEvents, waitSubscribed, type Delivery } from "../lib/live.js";
import { loadAverage, REDIS_URL } from "../lib/machine.js";
import { createBenchDatabase } from "../lib/postgres.js";
import { row, type Row } from "../lib/results.js";
import { log, sleep } from "../lib/util.js";
import { WebhookSigner } from "../lib/webhooks.js";
import { Cleanup, startSubscribers, type Scenario } from "./scenario.js";

interface Run {
  subscribers: number;
  rep: number;
  loadAverage: number;
  sameInstance: Delivery;
  otherInstance: Delivery;
  all: Delivery;
  probeAcks: ReturnType<typeof ackSummary>;
}

export const fanoutRedis: Scenario = {
  id: "fanout-redis",
  title: "Fan-out across two instances over Redis",
  postgres: "required",
  redis: true,
  run: (ctx) => Cleanup.around((cleanup) => measure(ctx, cleanup)),
};

function merge(a: Record<string, KeyFrames>, b: Record<string, KeyFrames>): Record<string, KeyFrames> {
  const out: Record<string, KeyFrames> = {};
  for (const [cursor, frames] of [...Object.entries(a), ...Object.entries(b)]) {
    const known = out[cursor];
    out[cursor] = known ? { ...known, arrivals: [...known.arrivals, ...frames.arrivals] } : { ...frames, arrivals: [...frames.arrivals] };
  }
  return out;
}

async function measure(ctx: BenchContext, cleanup: Cleanup) {
  const db = cleanup.add(await createBenchDatabase(), (d) => d.drop());
  const shared = { databaseUrl: db.url, redisUrl: REDIS_URL, redisChannelPrefix: `bench-${randomBytes(6).toString("hex")}` };
  // The first instance runs the migrations; the second starts on a migrated database.
  const a = cleanup.add(await startGateway(ctx, "fanout-redis-a", shared), (g) => g.stop());
  const b = cleanup.add(await startGateway(ctx, "fanout-redis-b", shared), (g) => g.stop());
  ctx.notes.push("Both instances on core 0 with PostgreSQL and Redis; the Items' webhook URL is instance A's, so every event starts there.");
  const token = await signToken(ctx, "fanout-redis-user");
  const itemIds = await createItems(a, token, 10);
  const probeItems = await createItems(a, await signToken(ctx, "fanout-redis-probe-user"), 10);
  const signer = new WebhookSigner(ctx.simulator.info);
  const subscribers = await startSubscribers(ctx, cleanup, "fanout-redis-subscribers");
  const events = pick(ctx, 3, 15);
  const runs: Run[] = [];
  const rows: Row[] = [];
  for (const n of pick(ctx, [1000], [1000, 10_000])) {
    const half = n / 2;
    await connectSubscribers(subscribers, { group: "a", url: a.wsUrl, count: half, authorization: `Bearer ${token}` });
    await connectSubscribers(subscribers, { group: "b", url: b.wsUrl, count: half, authorization: `Bearer ${token}` });
    await Promise.all([waitSubscribed(a, half), waitSubscribed(b, half)]);
    await fireEvents(a.origin, signer, { itemIds, count: 1, intervalMs: 1000 }, null);
    await Promise.all([collectFrames(subscribers, "a", half, 5_000), collectFrames(subscribers, "b", half, 5_000)]);
    for (let rep = 0; rep < 3; rep++) {
      const load = loadAverage();
      const fired = await fireEvents(a.origin, signer, { itemIds, count: events, intervalMs: 1000 }, { itemIds: probeItems, rate: 10 });
      const [framesA, framesB] = await Promise.all([collectFrames(subscribers, "a", half * events, 15_000), collectFrames(subscribers, "b", half * events, 15_000)]);
      const run: Run = {
        subscribers: n,
        rep,
        loadAverage: load,
        sameInstance: deliveries(framesA, fired.events, half),
        otherInstance: deliveries(framesB, fired.events, half),
        all: deliveries(merge(framesA, framesB), fired.events, n),
        probeAcks: ackSummary([...fired.probes, ...fired.events]),
      };
      runs.push(run);
      log(
        `fanout-redis ${n} rep ${rep + 1}/3: same instance p99 ${run.sameInstance.latencyMs.p99.toFixed(1)} ms, other instance p99 ${run.otherInstance.latencyMs.p99.toFixed(1)} ms, ` +
          `delivered ${run.all.received}/${run.all.expected}`,
      );
    }
    await subscribers.call("close", { group: "a" });
    await subscribers.call("close", { group: "b" });
    rows.push(
      ...redisRows(
        n,
        runs.filter((r) => r.subscribers === n),
      ),
    );
    await sleep(1000);
  }
  return { rows, runs };
}

function redisRows(n: number, runs: Run[]): Row[] {
  const path = `Two instances over Redis, ${(n / 2).toLocaleString("en")} + ${(n / 2).toLocaleString("en")} subscribers, webhooks to A, 1 event/s`;
  const loads = runs.map((r) => r.loadAverage);
  const overall = row({
    path,
    metric: "delivery latency p99, all subscribers",
    unit: "ms",
    gateway: runs.map((r) => r.all.latencyMs.p99),
    peerName: null,
    loads,
    goal: n === 1000 ? { text: "(not in the list; doc G5: p99 ≤ 75 ms at 1k)", met: null } : null,
  });
  if (overall.goal && overall.gateway) overall.goal.met = overall.gateway.median <= 75;
  return [
    overall,
    row({
      path,
      metric: "delivery latency p99, instance B (through Redis) vs instance A (local)",
      unit: "ms",
      gateway: runs.map((r) => r.otherInstance.latencyMs.p99),
      peerName: "instance A's subscribers, same runs",
      peer: runs.map((r) => r.sameInstance.latencyMs.p99),
      loads,
      goal: null,
      detail: `p50 B ${runs.map((r) => r.otherInstance.latencyMs.p50.toFixed(0)).join("/")} ms, A ${runs.map((r) => r.sameInstance.latencyMs.p50.toFixed(0)).join("/")} ms`,
    }),
    row({
      path,
      metric: "frames delivered",
      unit: "%",
      gateway: runs.map((r) => r.all.deliveredPercent),
      peerName: null,
      loads,
      goal: { text: "100% delivered", met: runs.every((r) => r.all.received === r.all.expected && r.all.unmatched === 0) },
      detail: `received ${runs.map((r) => `${r.all.received}/${r.all.expected}`).join(", ")}; webhook acks over 200 ms: ${runs.map((r) => r.probeAcks.over200).join("/")}`,
    }),
  ];
}
