/**
 * a. The snapshot path: `viewer { items { … } }` for a user with 10 Items, 100 connections (closed loop),
 * on PGlite and on PostgreSQL, against a bare Apollo Server 5 with the same schema and data from memory
 * and raw node:http answering the same bytes. req/s and CPU per request of the server process.
 */
import { writeFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import path from "node:path";
import type { ClosedLoopJob, ClosedLoopResult } from "../agents/load.js";
import { pick, type BenchContext } from "../lib/context.js";
import { createItems, signToken, startGateway } from "../lib/gateway.js";
import { loadAverage } from "../lib/machine.js";
import { createBenchDatabase } from "../lib/postgres.js";
import { row, type Row } from "../lib/results.js";
import { log, rotate } from "../lib/util.js";
import { Cleanup, startPeer, type Scenario } from "./scenario.js";

export const SNAPSHOT_QUERY =
  "{ viewer { items { edges { node { id status recommendedAction institution { id name } products consentExpiresAt statusChangedAt error { errorCode } owner { clientUserId } } } } } }";

interface Target {
  name: string;
  origin: string;
  pid: number;
}

interface Run extends ClosedLoopResult {
  rep: number;
  target: string;
  loadAverage: number;
  cpuUsPerRequest: number;
}

export const snapshot: Scenario = {
  id: "snapshot",
  title: "Snapshot path",
  postgres: "optional",
  redis: false,
  async run(ctx: BenchContext) {
    const cleanup = new Cleanup();
    try {
      return await measure(ctx, cleanup);
    } finally {
      await cleanup.run();
    }
  },
};

async function measure(ctx: BenchContext, cleanup: Cleanup) {
  const env = { ITEM_SNAPSHOT_MAX_AGE_SECONDS: "3600" };
  ctx.notes.push(
    "ITEM_SNAPSHOT_MAX_AGE_SECONDS=3600 so no snapshot expires during the runs (the refresh path is measured in plaid-calls).",
    "The gateway verifies the bearer token and logs an access line per request (LOG_LEVEL=info, as deployed); the peers do neither. Closed loop: autocannon, 100 connections.",
  );
  const token = await signToken(ctx, "snapshot-user");
  const gateways: Array<{ store: "PGlite" | "PostgreSQL"; target: Target }> = [];
  const pglite = cleanup.add(await startGateway(ctx, "snapshot-pglite", { env }), (g) => g.stop());
  gateways.push({ store: "PGlite", target: { name: "gateway-pglite", origin: pglite.origin, pid: pglite.proc.pid } });
  let captured = "";
  for (const gateway of [pglite, ...(ctx.postgres ? [await startPostgresGateway(ctx, cleanup, env, gateways)] : [])]) {
    await createItems(gateway, token, 10);
    const answer = await gateway.graphql<{ viewer: { items: { edges: unknown[] } } }>(SNAPSHOT_QUERY, undefined, token);
    if (answer.errors || answer.data?.viewer.items.edges.length !== 10) throw new Error(`${gateway.name} answered the snapshot query with ${answer.text.slice(0, 500)}`);
    captured = answer.text;
  }
  const bodyFile = path.join(ctx.runDir, "snapshot-body.json");
  writeFileSync(bodyFile, captured);
  const apollo = await startPeer(ctx, cleanup, "peers/apollo.ts", "snapshot-apollo", { BENCH_DATA_FILE: bodyFile, BENCH_SCHEMA_FILE: path.join(ctx.gatewayDir, "schema.graphql") });
  const raw = await startPeer(ctx, cleanup, "peers/raw-http.ts", "snapshot-raw", { BENCH_BODY_FILE: bodyFile });
  const apolloAnswer = await (
    await fetch(`${apollo.origin}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: SNAPSHOT_QUERY }) })
  ).text();
  if (!isDeepStrictEqual((JSON.parse(apolloAnswer) as { data: unknown }).data, (JSON.parse(captured) as { data: unknown }).data)) {
    throw new Error(`bare Apollo does not answer the gateway's data: ${apolloAnswer.slice(0, 300)}`);
  }
  const bytes = Buffer.byteLength(captured);
  log(`snapshot: the answer is ${bytes} bytes for 10 Items`);

  const targets: Target[] = [
    ...gateways.map((g) => g.target),
    { name: "apollo", origin: apollo.origin, pid: apollo.agent.proc.pid },
    { name: "raw-http", origin: raw.origin, pid: raw.agent.proc.pid },
  ];
  const durationSec = pick(ctx, 2, 15);
  const runs: Run[] = [];
  for (let rep = 0; rep < 3; rep++) {
    for (const target of rotate(targets, rep)) {
      const job: ClosedLoopJob = {
        url: `${target.origin}/graphql`,
        connections: 100,
        durationSec,
        warmupSec: pick(ctx, 1, 3),
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: SNAPSHOT_QUERY }),
        cpuPids: [target.pid],
      };
      const load = loadAverage();
      const result = await ctx.load.call<ClosedLoopResult>("closedLoop", job);
      runs.push({ rep, target: target.name, loadAverage: load, ...result, cpuUsPerRequest: (result.cpuSeconds / Math.max(1, result.requests)) * 1e6 });
      log(`snapshot rep ${rep + 1}/3 ${target.name}: ${result.rps.toFixed(0)} req/s, ${((result.cpuSeconds / Math.max(1, result.requests)) * 1e6).toFixed(0)} µs CPU/req`);
    }
  }
  for (const { target } of gateways) {
    const check = await fetch(`${target.origin}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: SNAPSHOT_QUERY }),
    });
    const text = await check.text();
    if (check.status !== 200 || text.includes('"errors"')) ctx.notes.push(`${target.name} answered with errors after the runs: ${text.slice(0, 200)}`);
  }
  return {
    rows: rows(
      gateways.map((g) => g.store),
      runs,
      bytes,
    ),
    runs,
  };
}

async function startPostgresGateway(ctx: BenchContext, cleanup: Cleanup, env: Record<string, string>, gateways: Array<{ store: "PGlite" | "PostgreSQL"; target: Target }>) {
  const db = cleanup.add(await createBenchDatabase(), (d) => d.drop());
  const gateway = cleanup.add(await startGateway(ctx, "snapshot-postgres", { databaseUrl: db.url, env }), (g) => g.stop());
  gateways.push({ store: "PostgreSQL", target: { name: "gateway-postgres", origin: gateway.origin, pid: gateway.proc.pid } });
  return gateway;
}

function rows(stores: Array<"PGlite" | "PostgreSQL">, runs: Run[], bytes: number): Row[] {
  const of = (target: string, value: (r: Run) => number) => runs.filter((r) => r.target === target).map(value);
  const loads = (...targets: string[]) => runs.filter((r) => targets.includes(r.target)).map((r) => r.loadAverage);
  const failures = (target: string) => runs.filter((r) => r.target === target).reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0);
  const path = (store: string) => `Snapshot \`viewer { items }\`, 10 Items (${(bytes / 1024).toFixed(1)} KB), ${store}`;
  const result: Row[] = [];
  for (const store of [...stores].reverse()) {
    const target = store === "PGlite" ? "gateway-pglite" : "gateway-postgres";
    const rps = row({
      path: path(store),
      metric: "req/s, 100 connections",
      unit: "req/s",
      gateway: of(target, (r) => r.rps),
      peerName: "bare Apollo Server 5",
      peer: of("apollo", (r) => r.rps),
      loads: loads(target, "apollo"),
      goal: { text: "≥ 0.5× bare Apollo", met: null },
      detail: `failed requests: gateway ${failures(target)}, Apollo ${failures("apollo")}; p99 ${of(target, (r) => r.latencyMs.p99).join("/")} ms (closed loop)`,
    });
    rps.goal!.met = rps.ratio === null ? null : rps.ratio >= 0.5;
    result.push(rps);
    result.push(
      row({
        path: path(store),
        metric: "CPU per request",
        unit: "µs",
        gateway: of(target, (r) => r.cpuUsPerRequest),
        peerName: "bare Apollo Server 5",
        peer: of("apollo", (r) => r.cpuUsPerRequest),
        loads: loads(target, "apollo"),
        goal: null,
      }),
    );
    result.push(
      row({
        path: path(store),
        metric: "req/s, 100 connections",
        unit: "req/s",
        gateway: of(target, (r) => r.rps),
        peerName: "raw node:http, same bytes",
        peer: of("raw-http", (r) => r.rps),
        loads: loads(target, "raw-http"),
        goal: null,
        detail: `raw node:http CPU per request ${of("raw-http", (r) => r.cpuUsPerRequest)
          .map((v) => v.toFixed(0))
          .join("/")} µs`,
      }),
    );
  }
  return result;
}
