/**
 * h. Verified webhooks per second at rising offered rates (open model), with PostgreSQL and with PGlite.
 * Every webhook is signed ES256 with the key the simulator serves (the gateway fetches it by kid from the
 * simulator's /webhook_verification_key/get) and is a new ITEM PENDING_EXPIRATION for one of 20 (quick) or 50 Items:
 * stored, applied and appended as an event. Acknowledgement latency from each webhook's due time.
 */
import type { OpenLoopJob, OpenLoopResult } from "../agents/load.js";
import { pick, type BenchContext } from "../lib/context.js";
import { createItems, signToken, startGateway, type Gateway } from "../lib/gateway.js";
import { loadAverage } from "../lib/machine.js";
import { createBenchDatabase } from "../lib/postgres.js";
import { row, type Row } from "../lib/results.js";
import { log, rotate, sleep } from "../lib/util.js";
import { pendingExpirationBody, WebhookSigner } from "../lib/webhooks.js";
import { Cleanup, type Scenario } from "./scenario.js";

type Store = "PostgreSQL" | "PGlite";

interface Run extends OpenLoopResult {
  store: Store;
  rate: number;
  rep: number;
  loadAverage: number;
  /** webhooks_total{result="accepted"} counted by the gateway over the run. */
  accepted: number;
  rejected: number;
}

export const webhooks: Scenario = {
  id: "webhooks",
  title: "Verified webhooks per second",
  postgres: "optional",
  redis: false,
  run: (ctx) => Cleanup.around((cleanup) => measure(ctx, cleanup)),
};

async function measure(ctx: BenchContext, cleanup: Cleanup) {
  const backends: Array<{ store: Store; gateway: Gateway; itemIds: string[] }> = [];
  const token = await signToken(ctx, "webhooks-user");
  const items = pick(ctx, 20, 50);
  if (ctx.postgres) {
    const db = cleanup.add(await createBenchDatabase(), (d) => d.drop());
    const gateway = cleanup.add(await startGateway(ctx, "webhooks-postgres", { databaseUrl: db.url }), (g) => g.stop());
    backends.push({ store: "PostgreSQL", gateway, itemIds: await createItems(gateway, token, items) });
  }
  const pglite = cleanup.add(await startGateway(ctx, "webhooks-pglite"), (g) => g.stop());
  backends.push({ store: "PGlite", gateway: pglite, itemIds: await createItems(pglite, token, items) });
  ctx.notes.push(
    `Each webhook is a new ITEM PENDING_EXPIRATION (a consent expiry never sent before) for one of ${items} Items, signed ES256 with the simulator's served key: verified, stored, applied, and appended as an event; PENDING_EXPIRATION is not confirmed with /item/get, so Plaid is not called.`,
  );
  const signer = new WebhookSigner(ctx.simulator.info);
  const durationSec = pick(ctx, 2, 10);
  const rates = pick(ctx, [100, 500], [100, 250, 500]);
  for (const backend of backends) await offer(ctx, signer, backend, 100, 2);
  const runs: Run[] = [];
  for (let rep = 0; rep < 3; rep++) {
    for (const rate of rates) {
      for (const backend of rotate(backends, rep)) {
        const load = loadAverage();
        const run = await offer(ctx, signer, backend, rate, durationSec);
        runs.push({ ...run, store: backend.store, rate, rep, loadAverage: load });
        log(
          `webhooks ${backend.store} ${rate}/s rep ${rep + 1}/3: ${run.ok}/${run.offered} acked, p50 ${run.latencyMs.p50.toFixed(1)} ms, p99 ${run.latencyMs.p99.toFixed(1)} ms, ` +
            `${run.failed} failed, ${run.timeouts} timed out`,
        );
        // Lets a saturated store drain before the next run.
        await sleep(run.latencyMs.max > 1000 ? 3_000 : 1_000);
      }
    }
  }
  return { rows: backends.flatMap(({ store }) => rates.flatMap((rate) => rows(store, rate, durationSec, runs))), runs };
}

async function offer(ctx: BenchContext, signer: WebhookSigner, backend: { gateway: Gateway; itemIds: string[] }, rate: number, durationSec: number) {
  const count = rate * durationSec;
  const requests = await Promise.all(Array.from({ length: count }, (_, k) => signer.request(pendingExpirationBody(backend.itemIds[k % backend.itemIds.length]!))));
  const acceptedBefore = await backend.gateway.metric("webhooks_total", { result: "accepted" });
  const rejectedBefore = await backend.gateway.metric("webhooks_total", { result: "rejected" });
  const job: OpenLoopJob = { origin: backend.gateway.origin, requests, rate, durationSec, timeoutMs: 10_000, check: "status", cpuPids: [backend.gateway.proc.pid] };
  const result = await ctx.load.call<OpenLoopResult>("openLoop", job);
  await sleep(500);
  const accepted = (await backend.gateway.metric("webhooks_total", { result: "accepted" })) - acceptedBefore;
  const rejected = (await backend.gateway.metric("webhooks_total", { result: "rejected" })) - rejectedBefore;
  return { ...result, accepted, rejected };
}

function rows(store: Store, rate: number, durationSec: number, runs: Run[]): Row[] {
  const at = runs.filter((r) => r.store === store && r.rate === rate);
  const path = `Signed webhooks offered at ${rate}/s for ${durationSec} s, ${store}`;
  const loads = at.map((r) => r.loadAverage);
  const goalApplies = store === "PostgreSQL" && rate === 500;
  const failures = at.map((r) => r.failed + r.timeouts);
  const throughput = row({
    path,
    metric: "verified webhooks acknowledged per second (first send to last acknowledgement)",
    unit: "/s",
    gateway: at.map((r) => r.ok / r.wallSeconds),
    peerName: "offered",
    peer: at.map(() => rate),
    loads,
    goal: null,
    detail: `not acknowledged (errors, 10 s timeouts): ${failures.join("/")}; counted accepted by the gateway ${at.map((r) => r.accepted).join("/")}, rejected ${at.map((r) => r.rejected).join("/")}; CPU ${at.map((r) => ((r.cpuSeconds / r.offered) * 1e6).toFixed(0)).join("/")} µs per webhook`,
  });
  const p99 = row({
    path,
    metric: "ack latency p99",
    unit: "ms",
    gateway: at.map((r) => r.latencyMs.p99),
    peerName: null,
    loads,
    goal: goalApplies ? { text: "≥ 500 verified webhooks/s (all offered acknowledged) at ack p99 ≤ 200 ms", met: null } : null,
    detail: `p50 ${at.map((r) => r.latencyMs.p50.toFixed(1)).join("/")} ms, max ${at.map((r) => r.latencyMs.max.toFixed(0)).join("/")} ms`,
  });
  if (p99.goal && p99.gateway) p99.goal.met = p99.gateway.median <= 200 && at.every((r) => r.ok === r.offered);
  return [throughput, p99];
}
