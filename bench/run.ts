/**
 * The gateway's benchmark suite. `npm run bench` is the quick pass (a few minutes, also CI's smoke test:
 * it fails only when a scenario cannot run, never because of a number); `npm run bench -- --full` the
 * full table. `--only a,b` picks scenarios, `--keep` keeps the run's temporary folder (logs, data), `--head`
 * (or `--commit <ref>`) measures that commit built apart (for a working tree with changes not committed yet), `--profile` runs
 * the gateways under --cpu-prof and prints where their CPU time went (and writes no results: its numbers carry
 * the profiler's cost).
 * Results go to bench/results/<scenario>.json and bench/REPORT.md is regenerated from them.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { BenchContext } from "./lib/context.js";
import { commitInfo, inCi, loadAverage, machineInfo, POSTGRES_URL, postgresReachable, REDIS_URL, redisReachable } from "./lib/machine.js";
import { dropAllDatabases } from "./lib/postgres.js";
import { buildGateway } from "./lib/build.js";
import { killAllNow, pinSelf, stopAll, tasksetAvailable } from "./lib/proc.js";
import { writeResult, type ScenarioResult } from "./lib/results.js";
import { repoRoot, startAgent } from "./lib/rpc.js";
import { startSimulator } from "./lib/simulator.js";
import { errorText, log, sleep } from "./lib/util.js";
import { writeReport } from "./report.js";
import { SCENARIOS } from "./scenarios/index.js";
import type { Scenario } from "./scenarios/scenario.js";

const { values } = parseArgs({
  options: {
    full: { type: "boolean", default: false },
    only: { type: "string" },
    keep: { type: "boolean", default: false },
    head: { type: "boolean", default: false },
    commit: { type: "string" },
    profile: { type: "boolean", default: false },
    "skip-build": { type: "boolean", default: false },
  },
  strict: true,
});
const full = values.full!;
const commitRef = values.commit ?? (values.head ? "HEAD" : null);
const flags = [
  ...(full ? ["--full"] : []),
  ...(commitRef ? [`--commit ${commitRef}`] : []),
  ...(values.profile ? ["--profile"] : []),
  ...(values.only ? [`--only ${values.only}`] : []),
];
const command = ["npm run bench", ...(flags.length ? ["--", ...flags] : [])].join(" ");

process.on("exit", killAllNow);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping every process the bench started`);
    void Promise.allSettled([stopAll(), dropAllDatabases()]).finally(() => process.exit(130));
  });
}

async function main(): Promise<number> {
  const selected = selectScenarios(values.only);
  const pinned = pinSelf(1);
  if (!pinned) log(tasksetAvailable ? "could not pin the bench to core 1: running unpinned" : "taskset is missing: every process runs unpinned (results say so)");
  const machine = machineInfo(pinned);
  const commit = commitInfo(commitRef);
  if (commit.sha === "unknown") throw new Error(`no commit ${commitRef}`);
  log(`${full ? "full" : "quick"} pass on ${machine.cpuModel} (${machine.cores} cores, ${machine.memoryGiB} GiB), Node ${machine.node}, commit ${commit.short}`);
  if (commit.dirtySrc.length) log(`note: src/ differs from the commit in ${commit.dirtySrc.length} file(s); the results record it (--head measures the commit itself)`);
  if (full) await waitForQuietMachine();

  let gatewayDir = repoRoot;
  if (!values["skip-build"]) {
    log(commitRef ? `building commit ${commit.short} apart (git archive)` : "building the gateway (npm run build)");
    gatewayDir = await buildGateway(commitRef ? commit.sha : null);
  }
  const postgresProblem = await postgresReachable();
  const redisProblem = await redisReachable();
  if (postgresProblem) log(`PostgreSQL at ${POSTGRES_URL} is not reachable (${postgresProblem}): scenarios that need it are skipped${inCi ? " — but CI=1 requires it" : ""}`);
  if (redisProblem) log(`Redis at ${REDIS_URL} is not reachable (${redisProblem}): scenarios that need it are skipped${inCi ? " — but CI=1 requires it" : ""}`);

  const runDir = mkdtempSync(path.join(tmpdir(), "plaid-gateway-bench-"));
  const logDir = path.join(runDir, "logs");
  mkdirSync(logDir);
  let failed = 0;
  try {
    const load = await startAgent("agents/load.ts", { name: "load", core: 1, logDir });
    const simulator = await startSimulator(logDir);
    const ctx: BenchContext = {
      full,
      command,
      runDir,
      logDir,
      gatewayDir,
      profileDir: values.profile ? path.join(runDir, "profiles") : null,
      simulator,
      load,
      postgres: postgresProblem === null,
      redis: redisProblem === null,
      authSecret: randomBytes(32).toString("hex"),
      tokenEncryptionKey: randomBytes(32).toString("hex"),
      machine,
      commit,
      notes: [],
    };
    for (const scenario of selected) if (!(await runScenario(ctx, scenario))) failed += 1;
  } finally {
    await stopAll();
    await dropAllDatabases();
    if (failed === 0 && !values.keep) rmSync(runDir, { recursive: true, force: true });
    else log(`logs and data of this run: ${runDir}`);
  }
  const report = writeReport();
  log(`report: ${path.relative(repoRoot, report)}`);
  if (failed) log(`${failed} scenario(s) could not run`);
  return failed ? 1 : 0;
}

function selectScenarios(only: string | undefined): Scenario[] {
  if (!only) return SCENARIOS;
  const wanted = only.split(",").map((s) => s.trim());
  const unknown = wanted.filter((id) => !SCENARIOS.some((s) => s.id === id));
  if (unknown.length) throw new Error(`unknown scenario(s) ${unknown.join(", ")}; known: ${SCENARIOS.map((s) => s.id).join(", ")}`);
  return SCENARIOS.filter((s) => wanted.includes(s.id));
}

/** The full pass waits (up to 10 minutes) for the 1-minute load average to fall to 1.5 or below. */
async function waitForQuietMachine(): Promise<void> {
  const deadline = Date.now() + 600_000;
  while (loadAverage() > 1.5 && Date.now() < deadline) {
    log(`load average ${loadAverage()} > 1.5: waiting for the machine to be quiet`);
    await sleep(30_000);
  }
}

/** Runs one scenario and writes its result; false when it could not run. */
async function runScenario(ctx: BenchContext, scenario: Scenario): Promise<boolean> {
  const startedAt = new Date().toISOString();
  ctx.notes = [];
  const missing = [
    ...(scenario.postgres === "required" && !ctx.postgres ? ["PostgreSQL"] : []),
    ...(scenario.postgres === "optional" && !ctx.postgres && inCi ? ["PostgreSQL"] : []),
    ...(scenario.redis && !ctx.redis ? ["Redis"] : []),
  ];
  const base = {
    scenario: scenario.id,
    title: scenario.title,
    mode: ctx.full ? ("full" as const) : ("quick" as const),
    command: ctx.command,
    commit: ctx.commit,
    machine: ctx.machine,
    startedAt,
  };
  if (missing.length) {
    const reason = `${missing.join(" and ")} not reachable`;
    log(`SKIPPED ${scenario.id}: ${reason}${inCi ? " (CI=1: this is a failure)" : ""}`);
    await writeResult({ ...base, finishedAt: new Date().toISOString(), skipped: reason, error: null, notes: [], rows: [], runs: [] });
    return !inCi;
  }
  if (scenario.postgres === "optional" && !ctx.postgres) ctx.notes.push("PostgreSQL was not reachable: only the PGlite rows ran.");
  log(`scenario ${scenario.id}: ${scenario.title}`);
  const started = Date.now();
  const limitMs = ctx.full ? 45 * 60_000 : 8 * 60_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const output = await Promise.race([
      scenario.run(ctx),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${scenario.id} did not finish within ${limitMs / 60_000} minutes`)), limitMs))),
    ]);
    const finishedAt = new Date().toISOString();
    const results: ScenarioResult[] = [
      { ...base, finishedAt, skipped: null, error: null, notes: [...ctx.notes], rows: output.rows, runs: output.runs },
      ...(output.extra ?? []).map((extra) => ({ ...base, ...extra, finishedAt, skipped: null, error: null, notes: [...ctx.notes] })),
    ];
    // A profiled run's numbers carry the profiler's cost: it only tells where the time went.
    if (ctx.profileDir) for (const note of ctx.notes) log(`${scenario.id}: ${note}`);
    else for (const result of results) await writeResult(result);
    log(`${scenario.id} done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return true;
  } catch (error) {
    log(`FAILED ${scenario.id}: ${errorText(error)}`);
    await writeResult({ ...base, finishedAt: new Date().toISOString(), skipped: null, error: errorText(error).slice(0, 2000), notes: [...ctx.notes], rows: [], runs: [] });
    return false;
  } finally {
    clearTimeout(timer);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`[bench] ${errorText(error)}\n`);
    void Promise.allSettled([stopAll(), dropAllDatabases()]).finally(() => process.exit(1));
  },
);
