/**
 * c. Plaid calls per query and across concurrent requests, counted by the simulator (every call it
 * answered, by path, status and Item): one query over N Items; K identical queries at once while Plaid
 * takes 50 ms; and 20 connections polling `viewer { items }` for 10 Items for 20 s with a 5 s snapshot
 * max age (/item/get calls, 429s, warning lines in the gateway's log).
 */
import type { ClosedLoopJob, ClosedLoopResult } from "../agents/load.js";
import { pick, type BenchContext } from "../lib/context.js";
import { createItems, signToken, startGateway, type Gateway } from "../lib/gateway.js";
import { loadAverage } from "../lib/machine.js";
import { createBenchDatabase } from "../lib/postgres.js";
import { row, type Row } from "../lib/results.js";
import { callsOf } from "../lib/simulator.js";
import { log, sleep } from "../lib/util.js";
import { SNAPSHOT_QUERY } from "./snapshot.js";
import { Cleanup, type Scenario } from "./scenario.js";

const PER_QUERY = "{ viewer { items { edges { node { id status a: accounts { id } b: accounts { mask } consentEvents(first: 5) { totalCount } } } } } }";
const ACCOUNTS_ONLY = "{ viewer { items { edges { node { id accounts { id } } } } } }";
const CONCURRENT = 10;
const POLL = { connections: 20, seconds: 20, maxAge: 5, items: 10 };

let users = 0;

export const plaidCalls: Scenario = {
  id: "plaid-calls",
  title: "Plaid calls per query and across requests",
  postgres: "optional",
  redis: false,
  async run(ctx) {
    const cleanup = new Cleanup();
    try {
      const db = ctx.postgres ? cleanup.add(await createBenchDatabase(), (d) => d.drop()) : null;
      ctx.notes.push(`Gateway store: ${db ? "PostgreSQL" : "PGlite"}; calls counted by the simulator; its default per-Item rate limits apply (/item/get 40 a minute).`);
      const [gateway, polling] = await Promise.all([
        startGateway(ctx, "plaid-calls", { databaseUrl: db?.url }),
        startGateway(ctx, "plaid-calls-polling", { databaseUrl: db?.url, env: { ITEM_SNAPSHOT_MAX_AGE_SECONDS: String(POLL.maxAge) } }),
      ]);
      cleanup.add(gateway, (g) => g.stop());
      cleanup.add(polling, (g) => g.stop());
      const perQuery = await perQueryCalls(ctx, gateway);
      const concurrent = await concurrentCalls(ctx, gateway);
      const poll = await pollingCalls(ctx, polling);
      return { rows: [...perQuery.rows, ...concurrent.rows, ...poll.rows], runs: [...perQuery.runs, ...concurrent.runs, ...poll.runs] };
    } finally {
      await ctx.simulator.clearFaults().catch(() => {});
      await cleanup.run();
    }
  },
};

async function freshUser(ctx: BenchContext, gateway: Gateway, items: number): Promise<{ token: string; itemIds: string[] }> {
  const token = await signToken(ctx, `plaid-calls-user-${++users}`);
  return { token, itemIds: await createItems(gateway, token, items) };
}

async function perQueryCalls(ctx: BenchContext, gateway: Gateway) {
  const rows: Row[] = [];
  const runs: unknown[] = [];
  for (const n of pick(ctx, [10], [1, 10, 50])) {
    const { token } = await freshUser(ctx, gateway, n);
    await ctx.simulator.resetCounts();
    const answer = await gateway.graphql(PER_QUERY, undefined, token);
    if (answer.errors) throw new Error(`the per-query count query was refused: ${answer.text.slice(0, 400)}`);
    const counts = await ctx.simulator.counts();
    const accounts = callsOf(counts, "/accounts/get");
    const consent = callsOf(counts, "/consent/events/get");
    const itemGet = callsOf(counts, "/item/get");
    const maxPerPair = Math.max(0, ...accounts.perItem, ...consent.perItem);
    runs.push({ part: "per-query", items: n, accounts: accounts.total, consentEvents: consent.total, itemGet: itemGet.total, maxPerPair, byStatus: counts.byStatus });
    log(`plaid-calls: one query over ${n} Items made ${accounts.total} /accounts/get, ${consent.total} /consent/events/get, ${itemGet.total} /item/get`);
    rows.push(
      row({
        path: `One query over ${n} Items asking accounts twice (aliases) and consentEvents`,
        metric: "Plaid calls",
        unit: "calls",
        gateway: [accounts.total + consent.total + itemGet.total],
        peerName: "ideal: distinct (endpoint, Item) pairs",
        peer: [2 * n],
        loads: [loadAverage()],
        goal: { text: "≤ 1 call per (endpoint, Item)", met: maxPerPair <= 1 && itemGet.total === 0 },
        detail: `/accounts/get ${accounts.total}, /consent/events/get ${consent.total}, /item/get ${itemGet.total}; most calls for one (endpoint, Item): ${maxPerPair}`,
      }),
    );
  }
  return { rows, runs };
}

async function concurrentCalls(ctx: BenchContext, gateway: Gateway) {
  const n = 10;
  const { token } = await freshUser(ctx, gateway, n);
  await ctx.simulator.setAccountsLatency(50);
  const perItem: number[] = [];
  const runs: unknown[] = [];
  const loads: number[] = [];
  for (let rep = 0; rep < 3; rep++) {
    loads.push(loadAverage());
    await ctx.simulator.resetCounts();
    const answers = await Promise.all(Array.from({ length: CONCURRENT }, () => gateway.graphql(ACCOUNTS_ONLY, undefined, token)));
    const failed = answers.filter((a) => a.errors).length;
    const accounts = callsOf(await ctx.simulator.counts(), "/accounts/get");
    const worst = Math.max(0, ...accounts.perItem);
    perItem.push(worst);
    runs.push({ part: "concurrent", rep, queries: CONCURRENT, items: n, accountsCalls: accounts.total, maxPerItem: worst, failedAnswers: failed });
    log(`plaid-calls: ${CONCURRENT} concurrent queries over ${n} Items made ${accounts.total} /accounts/get (at most ${worst} for one Item)`);
    await sleep(200);
  }
  await ctx.simulator.clearFaults();
  const result = row({
    path: `${CONCURRENT} identical queries at once over ${n} Items (/accounts/get takes 50 ms)`,
    metric: "/accounts/get calls for one Item",
    unit: "calls",
    gateway: perItem,
    peerName: "ideal (one in flight per instance)",
    peer: [1, 1, 1],
    loads,
    goal: { text: "≤ 1 call per (endpoint, Item) in flight per instance", met: null },
  });
  result.goal!.met = result.gateway ? result.gateway.median <= 1 : null;
  return { rows: [result], runs };
}

async function pollingCalls(ctx: BenchContext, gateway: Gateway) {
  const runs: Array<{ rep: number; itemGet: number; rateLimited: number; warnings: number; rps: number; loadAverage: number; failed: number }> = [];
  const reps = pick(ctx, 1, 3);
  for (let rep = 0; rep < reps; rep++) {
    const { token } = await freshUser(ctx, gateway, POLL.items);
    await ctx.simulator.resetCounts();
    const offset = gateway.proc.logBytes();
    const job: ClosedLoopJob = {
      url: `${gateway.origin}/graphql`,
      connections: POLL.connections,
      durationSec: POLL.seconds,
      warmupSec: 0,
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: SNAPSHOT_QUERY }),
      cpuPids: [gateway.proc.pid],
    };
    const load = loadAverage();
    const result = await ctx.load.call<ClosedLoopResult>("closedLoop", job);
    await sleep(1_000);
    const itemGet = callsOf(await ctx.simulator.counts(), "/item/get");
    const warnings = gateway.warningLines(offset);
    runs.push({ rep, itemGet: itemGet.total, rateLimited: itemGet.byStatus["429"] ?? 0, warnings, rps: result.rps, loadAverage: load, failed: result.non2xx + result.errors });
    log(
      `plaid-calls: polling rep ${rep + 1}/${reps}: ${itemGet.total} /item/get (${itemGet.byStatus["429"] ?? 0} answered 429), ${warnings} warning lines, ${result.rps.toFixed(0)} req/s`,
    );
    // A fresh user's Items next time, so the per-Item rate-limit window starts empty.
  }
  const ideal = POLL.items * (POLL.seconds / POLL.maxAge);
  const path = `${POLL.connections} connections polling \`viewer { items }\` (${POLL.items} Items) for ${POLL.seconds} s, ITEM_SNAPSHOT_MAX_AGE_SECONDS=${POLL.maxAge}`;
  const loads = runs.map((r) => r.loadAverage);
  const calls = row({
    path,
    metric: "/item/get calls",
    unit: "calls",
    gateway: runs.map((r) => r.itemGet),
    peerName: "ideal: 1 per Item per max age",
    peer: [ideal],
    loads,
    goal: { text: "≤ 1 /item/get per Item per max age", met: null },
    detail: `polling at ${runs.map((r) => r.rps.toFixed(0)).join("/")} req/s; failed requests ${runs.map((r) => r.failed).join("/")}`,
  });
  // One read per Item per max-age window, plus one for a window the run starts or ends inside.
  calls.goal!.met = calls.gateway ? calls.gateway.median <= POLL.items * (POLL.seconds / POLL.maxAge + 1) : null;
  const limited = row({
    path,
    metric: "/item/get answered 429",
    unit: "calls",
    gateway: runs.map((r) => r.rateLimited),
    peerName: "ideal",
    peer: [0],
    loads,
    goal: { text: "no 429", met: runs.every((r) => r.rateLimited === 0) },
  });
  const warnings = row({ path, metric: "warning lines logged", unit: "lines", gateway: runs.map((r) => r.warnings), peerName: "ideal", peer: [0], loads, goal: null });
  return { rows: [calls, limited, warnings], runs };
}
