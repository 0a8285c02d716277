/**
 * b. The Plaid-backed path: `item(id) { accounts { id name mask } }` with the simulator answering
 * /accounts/get in a fixed 50 ms, at fixed arrival rates (open model). Added latency is the gateway's
 * percentile minus the percentile of calling /accounts/get directly at the same rate in the same
 * repetition; the peer is GraphQL Mesh (Hive Gateway over Plaid's OpenAPI spec) calling the same simulator.
 */
import type { LoadRequest, OpenLoopJob, OpenLoopResult } from "../agents/load.js";
import { pick, type BenchContext } from "../lib/context.js";
import { createItems, signToken, startGateway } from "../lib/gateway.js";
import { loadAverage } from "../lib/machine.js";
import { composeMesh, ensureMeshInstalled, MESH_ACCOUNTS_QUERY, startMesh } from "../lib/mesh.js";
import { createBenchDatabase } from "../lib/postgres.js";
import { row, type Row } from "../lib/results.js";
import { DEFAULT_RATE_LIMITS } from "../lib/simulator.js";
import { errorText, log, rotate } from "../lib/util.js";
import { Cleanup, type Scenario } from "./scenario.js";

const GATEWAY_QUERY = "query Accounts($id: ID!) { item(id: $id) { accounts { id name mask } } }";
const UPSTREAM_MS = 50;

type TargetName = "direct" | "gateway" | "mesh";

interface Target {
  name: TargetName;
  origin: string;
  pids: number[];
  requests: LoadRequest[];
  check: OpenLoopJob["check"];
}

interface Run extends OpenLoopResult {
  rate: number;
  rep: number;
  target: TargetName;
  loadAverage: number;
}

export const plaidPath: Scenario = {
  id: "plaid-path",
  title: "Plaid-backed path",
  postgres: "optional",
  redis: false,
  async run(ctx) {
    const cleanup = new Cleanup();
    try {
      return await measure(ctx, cleanup);
    } finally {
      await ctx.simulator.clearFaults().catch(() => {});
      await ctx.simulator.setRateLimits(DEFAULT_RATE_LIMITS).catch(() => {});
      await cleanup.run();
    }
  },
};

async function measure(ctx: BenchContext, cleanup: Cleanup) {
  const db = ctx.postgres ? cleanup.add(await createBenchDatabase(), (d) => d.drop()) : null;
  const gateway = cleanup.add(await startGateway(ctx, "plaid-path", { databaseUrl: db?.url }), (g) => g.stop());
  ctx.notes.push(
    `Gateway store: ${db ? "PostgreSQL" : "PGlite"}. The simulator answers /accounts/get after ${UPSTREAM_MS} ms (fault injection), with its per-Item rate limit lifted; requests go round-robin over 10 Items.`,
    "The gateway checks a bearer token, reads its store and logs an access line per request (LOG_LEVEL=info, as deployed); Mesh gets the access token in the query and logs nothing per request.",
  );
  const token = await signToken(ctx, "plaid-path-user");
  const itemIds = await createItems(gateway, token, 10);
  const accessTokens = await ctx.simulator.accessTokens(itemIds);
  if (accessTokens.some((t) => !t)) throw new Error("the simulator did not report the access tokens of the bench's Items");
  await ctx.simulator.setRateLimits({ "/accounts/get": null });
  await ctx.simulator.setAccountsLatency(UPSTREAM_MS);

  const { simulator } = ctx;
  const targets: Target[] = [
    {
      name: "direct",
      origin: simulator.info.url,
      pids: [],
      check: "status",
      requests: accessTokens.map((accessToken) => ({
        path: "/accounts/get",
        headers: { "content-type": "application/json", "plaid-client-id": simulator.info.clientId, "plaid-secret": simulator.info.secret },
        body: JSON.stringify({ access_token: accessToken }),
      })),
    },
    {
      name: "gateway",
      origin: gateway.origin,
      pids: [gateway.proc.pid],
      check: "graphql",
      requests: itemIds.map((id) => ({
        path: "/graphql",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: GATEWAY_QUERY, variables: { id } }),
      })),
    },
  ];
  const check = await gateway.graphql<{ item: { accounts: unknown[] } }>(GATEWAY_QUERY, { id: itemIds[0] }, token);
  if (!check.data?.item.accounts.length) throw new Error(`the gateway answered ${check.text.slice(0, 300)}`);

  try {
    await ensureMeshInstalled();
    const mesh = cleanup.add(await startMesh(ctx, await composeMesh(ctx)), (m) => m.proc.stop());
    const meshCheck = await fetch(`${mesh.origin}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: MESH_ACCOUNTS_QUERY, variables: { token: accessTokens[0] } }),
    });
    const meshText = await meshCheck.text();
    if (!meshText.includes('"account_id"') || meshText.includes('"errors"')) throw new Error(`Mesh answered ${meshText.slice(0, 400)}`);
    targets.push({
      name: "mesh",
      origin: mesh.origin,
      pids: [mesh.proc.pid],
      check: "graphql",
      requests: accessTokens.map((accessToken) => ({
        path: "/graphql",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: MESH_ACCOUNTS_QUERY, variables: { token: accessToken } }),
      })),
    });
  } catch (error) {
    ctx.notes.push(`GraphQL Mesh could not be run, so the Plaid-path rows have no peer: ${errorText(error).slice(0, 600)}`);
    log(`plaid-path: Mesh peer unavailable: ${errorText(error).slice(0, 300)}`);
  }

  const rates = pick(ctx, [50], [50, 200]);
  const durationSec = pick(ctx, 3, 20);
  const runs: Run[] = [];
  for (const rate of rates) {
    // Warm-up: enough requests for the JIT to settle before anything is measured.
    for (const target of targets) await openLoop(ctx, target, 200, pick(ctx, 2, 10));
    for (let rep = 0; rep < 3; rep++) {
      for (const target of rotate(targets, rep)) {
        const load = loadAverage();
        const result = await openLoop(ctx, target, rate, durationSec);
        runs.push({ rate, rep, target: target.name, loadAverage: load, ...result });
        log(
          `plaid-path ${rate}/s rep ${rep + 1}/3 ${target.name}: p50 ${result.latencyMs.p50.toFixed(1)} ms, p99 ${result.latencyMs.p99.toFixed(1)} ms, ` +
            `${result.ok}/${result.offered} ok${target.pids.length ? `, ${((result.cpuSeconds / result.offered) * 1e6).toFixed(0)} µs CPU/req` : ""}`,
        );
      }
    }
  }
  return {
    rows: rates.flatMap((rate) =>
      rows(
        rate,
        runs,
        targets.some((t) => t.name === "mesh"),
      ),
    ),
    runs,
  };
}

function openLoop(ctx: BenchContext, target: Target, rate: number, durationSec: number): Promise<OpenLoopResult> {
  const job: OpenLoopJob = { origin: target.origin, requests: target.requests, rate, durationSec, timeoutMs: 10_000, check: target.check, cpuPids: target.pids };
  return ctx.load.call<OpenLoopResult>("openLoop", job);
}

function rows(rate: number, runs: Run[], withMesh: boolean): Row[] {
  const at = runs.filter((r) => r.rate === rate);
  const of = (target: TargetName) => [0, 1, 2].map((rep) => at.find((r) => r.rep === rep && r.target === target));
  const direct = of("direct");
  const added = (target: TargetName, key: "p50" | "p99") => of(target).flatMap((run, rep) => (run && direct[rep] ? [run.latencyMs[key] - direct[rep]!.latencyMs[key]] : []));
  const cpu = (target: TargetName) => of(target).flatMap((run) => (run ? [(run.cpuSeconds / run.offered) * 1e6] : []));
  const loads = at.map((r) => r.loadAverage);
  const path = `Plaid path \`item { accounts }\`, upstream ${UPSTREAM_MS} ms, ${rate} req/s (open model)`;
  const peer = withMesh ? { peerName: "GraphQL Mesh (Hive Gateway)" } : { peerName: null };
  const failures = (target: TargetName) => of(target).reduce((sum, run) => sum + (run ? run.failed + run.timeouts : 0), 0);
  const directLatency = (key: "p50" | "p99") => direct.map((run) => run?.latencyMs[key].toFixed(1)).join("/");
  const latencyGoal = (limit: number): Row["goal"] => ({ text: `≤ ${limit} ms at 200 req/s`, met: null });
  const p50 = row({
    path,
    metric: "added latency p50 (over calling /accounts/get directly)",
    unit: "ms",
    gateway: added("gateway", "p50"),
    ...peer,
    peer: withMesh ? added("mesh", "p50") : undefined,
    loads,
    goal: latencyGoal(1),
    detail: `direct p50 ${directLatency("p50")} ms`,
  });
  const p99 = row({
    path,
    metric: "added latency p99",
    unit: "ms",
    gateway: added("gateway", "p99"),
    ...peer,
    peer: withMesh ? added("mesh", "p99") : undefined,
    loads,
    goal: latencyGoal(5),
    detail: `direct p99 ${directLatency("p99")} ms`,
  });
  if (rate === 200) {
    p50.goal!.met = p50.gateway ? p50.gateway.median <= 1 : null;
    p99.goal!.met = p99.gateway ? p99.gateway.median <= 5 : null;
  }
  const cpuRow = row({
    path,
    metric: "CPU per request",
    unit: "µs",
    gateway: cpu("gateway"),
    ...peer,
    peer: withMesh ? cpu("mesh") : undefined,
    loads,
    goal: { text: "less than Mesh", met: null },
  });
  cpuRow.goal!.met = cpuRow.ratio === null ? null : cpuRow.ratio < 1;
  const errorsRow = row({
    path,
    metric: "timeouts + errors (3 runs)",
    unit: "requests",
    gateway: [failures("gateway")],
    ...peer,
    peer: withMesh ? [failures("mesh")] : undefined,
    loads,
    goal: null,
    detail: `direct: ${failures("direct")}`,
  });
  return [p50, p99, cpuRow, errorsRow];
}
