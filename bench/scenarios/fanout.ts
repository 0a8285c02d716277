/**
 * d. Webhook → subscriber latency and delivery: N graphql-ws subscribers (one process, core 1) to
 * `itemStatusChanged` for one user's Items; one signed webhook a second, each a new event for one of
 * them; every frame counted. Latency runs from the webhook's send time (the driver's clock, same machine)
 * to each frame's arrival; the occurredAt-based figure is kept in the raw runs. Meanwhile probe webhooks
 * (10 a second, another user's Items) time the gateway's acknowledgements. Peer: a bare `ws` server
 * broadcasting one pre-serialised frame to the same number of clients.
 */
import { pick, type BenchContext } from "../lib/context.js";
import { createItems, signToken, startGateway } from "../lib/gateway.js";
import { ackSummary, collectFrames, connectSubscribers, deliveries, fireEvents, waitSubscribed, type Delivery } from "../lib/live.js";
import { loadAverage } from "../lib/machine.js";
import { createBenchDatabase } from "../lib/postgres.js";
import { row, type Row } from "../lib/results.js";
import { log, sleep, wallNow } from "../lib/util.js";
import { WebhookSigner } from "../lib/webhooks.js";
import { Cleanup, startPeer, startSubscribers, type Scenario } from "./scenario.js";

const PROBE_RATE = 10;

export interface FanoutRun {
  subscribers: number;
  rep: number;
  target: "gateway" | "ws-peer";
  loadAverage: number;
  delivery: Delivery;
  eventAcks?: ReturnType<typeof ackSummary>;
  probeAcks?: ReturnType<typeof ackSummary>;
  broadcastLoopMs?: number[];
}

export const fanout: Scenario = {
  id: "fanout",
  title: "Webhook → subscriber fan-out",
  postgres: "optional",
  redis: false,
  run: (ctx) => Cleanup.around((cleanup) => measure(ctx, cleanup)),
};

async function measure(ctx: BenchContext, cleanup: Cleanup) {
  const db = ctx.postgres ? cleanup.add(await createBenchDatabase(), (d) => d.drop()) : null;
  const gateway = cleanup.add(await startGateway(ctx, "fanout", { databaseUrl: db?.url }), (g) => g.stop());
  ctx.notes.push(
    `Gateway store: ${db ? "PostgreSQL" : "PGlite"}. Events: ITEM PENDING_EXPIRATION webhooks signed with the simulator's served key (each with a new consent expiry, so each is new and appends an event), one a second.`,
    "Latency is from the webhook's send time to the frame's arrival (both clocks of this machine); the raw runs also hold it from the event's occurredAt.",
  );
  const token = await signToken(ctx, "fanout-user");
  const itemIds = await createItems(gateway, token, 10);
  const probeItems = await createItems(gateway, await signToken(ctx, "fanout-probe-user"), 10);
  const signer = new WebhookSigner(ctx.simulator.info);
  const peer = await startPeer(ctx, cleanup, "peers/ws-broadcast.ts", "fanout-ws-peer");
  const gatewaySubscribers = await startSubscribers(ctx, cleanup, "fanout-subscribers-gateway");
  const peerSubscribers = await startSubscribers(ctx, cleanup, "fanout-subscribers-peer");
  const events = pick(ctx, 3, 15);
  const runs: FanoutRun[] = [];
  const rows: Row[] = [];
  for (const n of pick(ctx, [1000], [1000, 10_000])) {
    await connectSubscribers(gatewaySubscribers, { group: "gateway", url: gateway.wsUrl, count: n, authorization: `Bearer ${token}` });
    await waitSubscribed(gateway, n);
    await connectSubscribers(peerSubscribers, { group: "peer", url: `${peer.origin.replace(/^http/, "ws")}/graphql`, count: n, authorization: "none" });
    log(`fanout: ${n} subscribers on the gateway and on the ws peer`);
    // One unmeasured event each, so the first measured one meets warm code.
    await fireEvents(gateway.origin, signer, { itemIds, count: 1, intervalMs: 1000 }, null);
    await collectFrames(gatewaySubscribers, "gateway", n, 5_000);
    await broadcast(peer.origin, 1, 1000);
    await collectFrames(peerSubscribers, "peer", n, 5_000);
    for (let rep = 0; rep < 3; rep++) {
      for (const target of rep % 2 === 0 ? (["gateway", "ws-peer"] as const) : (["ws-peer", "gateway"] as const)) {
        const load = loadAverage();
        if (target === "gateway") {
          const fired = await fireEvents(gateway.origin, signer, { itemIds, count: events, intervalMs: 1000 }, { itemIds: probeItems, rate: PROBE_RATE });
          const delivery = deliveries(await collectFrames(gatewaySubscribers, "gateway", n * events, 15_000), fired.events, n);
          runs.push({ subscribers: n, rep, target, loadAverage: load, delivery, eventAcks: ackSummary(fired.events), probeAcks: ackSummary(fired.probes) });
        } else {
          const sent = await broadcast(peer.origin, events, 1000);
          const delivery = deliveries(await collectFrames(peerSubscribers, "peer", n * events, 15_000), sent, n, (cursor) => Number(cursor.slice(5)));
          runs.push({ subscribers: n, rep, target, loadAverage: load, delivery, broadcastLoopMs: sent.map((s) => s.loopMs) });
        }
        const last = runs[runs.length - 1]!;
        log(
          `fanout ${n} rep ${rep + 1}/3 ${target}: p50 ${last.delivery.latencyMs.p50.toFixed(1)} ms, p99 ${last.delivery.latencyMs.p99.toFixed(1)} ms, ` +
            `delivered ${last.delivery.received}/${last.delivery.expected}${last.probeAcks ? `, webhook ack p99 ${last.probeAcks.ackMs.p99.toFixed(0)} ms` : ""}`,
        );
      }
    }
    await Promise.all([gatewaySubscribers.call("close", { group: "gateway" }), peerSubscribers.call("close", { group: "peer" })]);
    rows.push(
      ...fanoutRows(
        `Fan-out to ${n.toLocaleString("en")} subscribers of one user, 1 event/s`,
        n === 1000 ? 50 : 250,
        runs.filter((r) => r.subscribers === n),
      ),
    );
    await sleep(1000);
  }
  return { rows, runs };
}

/** The peer's events: one POST /broadcast a second, each frame pre-serialised once by the peer. */
async function broadcast(origin: string, count: number, intervalMs: number): Promise<Array<{ sentAt: number; ackMs: number; loopMs: number }>> {
  const start = wallNow() + 50;
  const sent: Array<{ sentAt: number; ackMs: number; loopMs: number }> = [];
  for (let k = 0; k < count; k++) {
    await sleep(Math.max(0, start + k * intervalMs - wallNow()));
    const sentAt = wallNow();
    const event = { cursor: `peer-${k}`, itemId: "peer-item", status: "PENDING_EXPIRATION", cause: "PENDING_EXPIRATION", occurredAt: new Date().toISOString() };
    const response = await fetch(`${origin}/broadcast`, { method: "POST", body: JSON.stringify(event) });
    const { loopMs } = (await response.json()) as { loopMs: number };
    sent.push({ sentAt, ackMs: wallNow() - sentAt, loopMs });
  }
  return sent;
}

function fanoutRows(path: string, p99Goal: number | null, runs: FanoutRun[], peerName = "bare ws broadcast, one shared frame"): Row[] {
  const of = (target: FanoutRun["target"]) => runs.filter((r) => r.target === target);
  const loads = runs.map((r) => r.loadAverage);
  const gateway = of("gateway");
  const peer = of("ws-peer");
  const p99 = row({
    path,
    metric: "delivery latency p99 (webhook sent → frame received)",
    unit: "ms",
    gateway: gateway.map((r) => r.delivery.latencyMs.p99),
    peerName,
    peer: peer.map((r) => r.delivery.latencyMs.p99),
    loads,
    goal: p99Goal === null ? null : { text: `p99 ≤ ${p99Goal} ms`, met: null },
    detail: `max ${gateway.map((r) => r.delivery.latencyMs.max.toFixed(0)).join("/")} ms; from occurredAt p99 ${gateway.map((r) => r.delivery.fromOccurredAtMs?.p99.toFixed(0) ?? "–").join("/")} ms`,
  });
  if (p99.goal && p99.gateway) p99.goal.met = p99.gateway.median <= p99Goal!;
  const p50 = row({
    path,
    metric: "delivery latency p50",
    unit: "ms",
    gateway: gateway.map((r) => r.delivery.latencyMs.p50),
    peerName,
    peer: peer.map((r) => r.delivery.latencyMs.p50),
    loads,
    goal: null,
  });
  const delivered = row({
    path,
    metric: "frames delivered",
    unit: "%",
    gateway: gateway.map((r) => r.delivery.deliveredPercent),
    peerName,
    peer: peer.map((r) => r.delivery.deliveredPercent),
    loads,
    goal: { text: "100% delivered", met: gateway.length > 0 && gateway.every((r) => r.delivery.received === r.delivery.expected && r.delivery.unmatched === 0) },
    detail: `received ${gateway.map((r) => `${r.delivery.received}/${r.delivery.expected}`).join(", ")}`,
  });
  const acks = gateway.filter((r) => r.probeAcks && r.eventAcks);
  if (acks.length === 0) return [p99, p50, delivered];
  const over = acks.map((r) => r.probeAcks!.over200 + r.eventAcks!.over200);
  const failed = acks.map((r) => r.probeAcks!.failed + r.eventAcks!.failed);
  const ackRow = row({
    path,
    metric: `webhook ack p99 during the fan-out (${PROBE_RATE}/s probes + the events' own)`,
    unit: "ms",
    gateway: acks.map((r) => Math.max(r.probeAcks!.ackMs.p99, r.eventAcks!.ackMs.p99)),
    peerName: null,
    loads,
    goal: { text: "acked within 200 ms meanwhile", met: over.every((o) => o === 0) && failed.every((f) => f === 0) },
    detail: `acks over 200 ms: ${over.join("/")}; not 200: ${failed.join("/")}; max ${acks.map((r) => Math.max(r.probeAcks!.ackMs.max, r.eventAcks!.ackMs.max).toFixed(0)).join("/")} ms`,
  });
  return [p99, p50, delivered, ackRow];
}
