/**
 * f. Connect storm: N subscriptions opened at once (one process, core 1) against a fresh gateway: time
 * until every connection_ack, until the gateway counts N live subscriptions (graphql_active_subscriptions),
 * failed connections, and SQL statements per subscription (counted by a proxy that reads PostgreSQL's
 * wire protocol between the gateway and the database). A probe event afterwards must reach all N.
 * i. Memory per idle subscriber: RSS (and V8 heap) of the gateway before the storm and with N idle ones.
 * Peer for both: a bare `ws` server.
 */
import type { ConnectResult } from "../agents/subscribers.js";
import { pick, type BenchContext } from "../lib/context.js";
import { createItems, signToken, startGateway, type Gateway } from "../lib/gateway.js";
import { collectFrames, deliveries, fireEvents, SUBSCRIPTION } from "../lib/live.js";
import { loadAverage, POSTGRES_URL } from "../lib/machine.js";
import { createBenchDatabase } from "../lib/postgres.js";
import { rssBytes } from "../lib/proc.js";
import { startProxy, type StatementCounts } from "../lib/proxy.js";
import { row, type Row } from "../lib/results.js";
import type { Agent } from "../lib/rpc.js";
import { log, sleep, wallNow } from "../lib/util.js";
import { WebhookSigner } from "../lib/webhooks.js";
import { Cleanup, startPeer, startSubscribers, type Scenario } from "./scenario.js";

interface Run {
  rep: number;
  target: "gateway" | "ws-peer";
  subscribers: number;
  loadAverage: number;
  connect: ConnectResult;
  /** From the first connection attempt until the gateway counted every subscription (null: never). */
  subscribedAllMs: number | null;
  statements: StatementCounts | null;
  probeDelivered: number | null;
  memory: { rssBefore: number; rssAfter: number; heapBefore: number | null; heapAfter: number | null };
}

export const connectStorm: Scenario = {
  id: "connect-storm",
  title: "Connect storm and idle subscribers",
  postgres: "optional",
  redis: false,
  run: (ctx) => Cleanup.around((cleanup) => measure(ctx, cleanup)),
};

async function measure(ctx: BenchContext, cleanup: Cleanup) {
  const n = pick(ctx, 1000, 10_000);
  const timeoutMs = pick(ctx, 60_000, 300_000);
  let databaseUrl: string | undefined;
  let proxy: Awaited<ReturnType<typeof startProxy>> | null = null;
  if (ctx.postgres) {
    const db = cleanup.add(await createBenchDatabase(), (d) => d.drop());
    const target = new URL(POSTGRES_URL);
    proxy = cleanup.add(await startProxy({ host: target.hostname, port: Number(target.port || 5432) }, { countPostgres: true }), (p) => p.close());
    const proxied = new URL(db.url);
    proxied.hostname = "127.0.0.1";
    proxied.port = String(proxy.port);
    databaseUrl = proxied.toString();
  }
  ctx.notes.push(
    `Gateway store: ${databaseUrl ? "PostgreSQL, through a proxy on core 1 that counts the statements the gateway sends (simple queries and extended-protocol executions)" : "PGlite (no statement counts)"}; a fresh gateway for each repetition.`,
    `A storm opens all ${n} WebSockets at once (no pacing); a connection that fails is not retried.`,
  );
  const signer = new WebhookSigner(ctx.simulator.info);
  const token = await signToken(ctx, "storm-user");
  const clients = await startSubscribers(ctx, cleanup, "storm-subscribers");
  const runs: Run[] = [];
  let itemIds: string[] | null = null;
  for (let rep = 0; rep < 3; rep++) {
    const gateway = await startGateway(ctx, `storm-${rep + 1}`, { databaseUrl });
    try {
      itemIds ??= await createItems(gateway, token, 1);
      runs.push(await gatewayStorm(ctx, gateway, clients, token, n, timeoutMs, proxy, signer, itemIds, rep));
    } finally {
      await gateway.stop();
    }
    const peer = new Cleanup();
    try {
      const ws = await startPeer(ctx, peer, "peers/ws-broadcast.ts", `storm-ws-peer-${rep + 1}`);
      runs.push(await peerStorm(ws.agent.proc.pid, `${ws.origin.replace(/^http/, "ws")}/graphql`, clients, n, timeoutMs, rep, pick(ctx, 1_500, 3_000)));
    } finally {
      await peer.run();
    }
  }
  return { rows: stormRows(n, runs), runs, extra: [{ scenario: "idle-memory", title: "Memory per idle subscriber", rows: memoryRows(n, runs), runs }] };
}

async function gatewayStorm(
  ctx: BenchContext,
  gateway: Gateway,
  clients: Agent,
  token: string,
  n: number,
  timeoutMs: number,
  proxy: Awaited<ReturnType<typeof startProxy>> | null,
  signer: WebhookSigner,
  itemIds: string[],
  rep: number,
): Promise<Run> {
  const settleMs = pick(ctx, 1_500, 3_000);
  await sleep(settleMs);
  const rssBefore = rssBytes(gateway.proc.pid);
  const heapBefore = await gateway.metric("nodejs_heap_size_used_bytes");
  const load = loadAverage();
  proxy?.resetStatements();
  const startedAt = wallNow();
  const connecting = clients.call<ConnectResult>("connect", {
    group: "storm",
    url: gateway.wsUrl,
    count: n,
    authorization: `Bearer ${token}`,
    query: SUBSCRIPTION,
    concurrency: 0,
    timeoutMs,
  });
  let subscribedAllMs: number | null = null;
  let settled = false;
  void connecting.finally(() => (settled = true));
  // The gateway's own count of live subscriptions says when the last one started.
  while (subscribedAllMs === null && wallNow() - startedAt < timeoutMs + 5_000) {
    const live = await gateway.metric("graphql_active_subscriptions").catch(() => 0);
    if (live >= n) subscribedAllMs = wallNow() - startedAt;
    else if (settled && wallNow() - startedAt > 10_000 && live === 0) break;
    else await sleep(100);
  }
  const connect = await connecting;
  await sleep(1_000);
  const statements = proxy?.statements() ?? null;
  await sleep(settleMs);
  const rssAfter = rssBytes(gateway.proc.pid);
  const heapAfter = await gateway.metric("nodejs_heap_size_used_bytes");
  const fired = await fireEvents(gateway.origin, signer, { itemIds, count: 1, intervalMs: 1000 }, null);
  const probe = deliveries(await collectFrames(clients, "storm", connect.acked, 10_000), fired.events, connect.acked);
  await clients.call("close", { group: "storm" });
  log(
    `connect-storm rep ${rep + 1}/3 gateway: ${connect.acked}/${n} acked in ${((connect.ackAllMs ?? Number.NaN) / 1000).toFixed(1)} s, all subscribed after ` +
      `${((subscribedAllMs ?? Number.NaN) / 1000).toFixed(1)} s, ${connect.failed} failed, ` +
      `${statements ? ((statements.total - statements.transactionControl) / Math.max(1, connect.acked)).toFixed(2) : "–"} statements/subscription, ` +
      `${((rssAfter - rssBefore) / n / 1024).toFixed(1)} KB RSS/subscriber, probe reached ${probe.received}`,
  );
  return {
    rep,
    target: "gateway",
    subscribers: n,
    loadAverage: load,
    connect,
    subscribedAllMs,
    statements,
    probeDelivered: probe.received,
    memory: { rssBefore, rssAfter, heapBefore, heapAfter },
  };
}

async function peerStorm(pid: number, url: string, clients: Agent, n: number, timeoutMs: number, rep: number, settleMs: number): Promise<Run> {
  await sleep(1_000);
  const rssBefore = rssBytes(pid);
  const load = loadAverage();
  const connect = await clients.call<ConnectResult>("connect", { group: "peer", url, count: n, authorization: "none", query: SUBSCRIPTION, concurrency: 0, timeoutMs });
  await sleep(settleMs);
  const rssAfter = rssBytes(pid);
  await clients.call("close", { group: "peer" });
  log(`connect-storm rep ${rep + 1}/3 ws peer: ${connect.acked}/${n} acked in ${((connect.ackAllMs ?? Number.NaN) / 1000).toFixed(1)} s, ${connect.failed} failed`);
  return {
    rep,
    target: "ws-peer",
    subscribers: n,
    loadAverage: load,
    connect,
    subscribedAllMs: connect.ackAllMs,
    statements: null,
    probeDelivered: null,
    memory: { rssBefore, rssAfter, heapBefore: null, heapAfter: null },
  };
}

function stormRows(n: number, runs: Run[]): Row[] {
  const gateway = runs.filter((r) => r.target === "gateway");
  const peer = runs.filter((r) => r.target === "ws-peer");
  const loads = runs.map((r) => r.loadAverage);
  const path = `Connect storm: ${n.toLocaleString("en")} subscriptions opened at once`;
  const peerName = "bare ws server (connection_ack)";
  const seconds = (ms: number | null) => (ms === null ? Number.NaN : ms / 1000);
  const time = row({
    path,
    metric: "time until every subscription is live",
    unit: "s",
    gateway: gateway.map((r) => seconds(r.subscribedAllMs)),
    peerName,
    peer: peer.map((r) => seconds(r.connect.ackAllMs)),
    loads,
    goal: { text: "10,000 connect in seconds (≤ 10 s)", met: null },
    detail: `all acked after ${gateway.map((r) => seconds(r.connect.ackAllMs).toFixed(1)).join("/")} s; probe event reached ${gateway.map((r) => r.probeDelivered).join("/")} of ${n}`,
  });
  if (n === 10_000 && time.goal) time.goal.met = gateway.every((r) => r.subscribedAllMs !== null) && (time.gateway?.median ?? Infinity) <= 10;
  const failures = row({
    path,
    metric: "connections failed or reset",
    unit: "connections",
    gateway: gateway.map((r) => r.connect.failed),
    peerName,
    peer: peer.map((r) => r.connect.failed),
    loads,
    goal: null,
    detail: `causes: ${JSON.stringify(Object.assign({}, ...gateway.map((r) => r.connect.failures)))}`,
  });
  const counted = gateway.filter((r) => r.statements);
  if (counted.length === 0) return [time, failures];
  const top = Object.entries(counted[0]!.statements!.byText)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([text, count]) => `${(count / Math.max(1, counted[0]!.connect.acked)).toFixed(2)}× \`${text.slice(0, 50)}\``)
    .join("; ");
  const statements = row({
    path,
    metric: "SQL statements per subscription (BEGIN/COMMIT excluded)",
    unit: "statements",
    gateway: counted.map((r) => (r.statements!.total - r.statements!.transactionControl) / Math.max(1, r.connect.acked)),
    peerName: null,
    loads,
    goal: null,
    detail: `per subscription: ${top}`,
  });
  return [time, failures, statements];
}

function memoryRows(n: number, runs: Run[]): Row[] {
  const gateway = runs.filter((r) => r.target === "gateway");
  const peer = runs.filter((r) => r.target === "ws-peer");
  const perSubscriber = (r: Run) => (r.memory.rssAfter - r.memory.rssBefore) / r.connect.acked / 1024;
  const rss = row({
    path: `${n.toLocaleString("en")} idle subscriptions`,
    metric: "RSS per idle subscriber",
    unit: "KB",
    gateway: gateway.map(perSubscriber),
    peerName: "bare ws server, per idle connection",
    peer: peer.map(perSubscriber),
    loads: runs.map((r) => r.loadAverage),
    goal: { text: "≤ 50 KB per idle subscriber", met: null },
    detail: `gateway RSS ${gateway.map((r) => `${(r.memory.rssBefore / 2 ** 20).toFixed(0)}→${(r.memory.rssAfter / 2 ** 20).toFixed(0)}`).join(", ")} MB`,
  });
  if (rss.goal && rss.gateway) rss.goal.met = rss.gateway.median <= 50;
  const heap = row({
    path: `${n.toLocaleString("en")} idle subscriptions`,
    metric: "V8 heap used per idle subscriber",
    unit: "KB",
    gateway: gateway.map((r) => (r.memory.heapAfter! - r.memory.heapBefore!) / r.connect.acked / 1024),
    peerName: null,
    loads: runs.map((r) => r.loadAverage),
    goal: null,
    detail: "heap used from the gateway's nodejs_heap_size_used_bytes, without a forced GC",
  });
  return [rss, heap];
}
