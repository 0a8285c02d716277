/**
 * The gateway's benchmark suite. `npm run bench` is the quick pass (a few minutes, also CI's smoke test:
 * it fails only when a scenario cannot run, never because of a number); `npm run bench -- --full` the
 * full table. `--only a,b` picks scenarios, `--keep` keeps the run's temporary folder (logs, data).
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
import { killAllNow, pinSelf, runCommand, stopAll, tasksetAvailable } from "./lib/proc.js";
import { writeResult, type ScenarioResult } from "./lib/results.js";
import { repoRoot, startAgent } from "./lib/rpc.js";
import { startSimulator } from "./lib/simulator.js";
import { errorText, log, sleep } from "./lib/util.js";
import { writeReport } from "./report.js";
import { SCENARIOS } from "./scenarios/index.js";
import type { Scenario } from "./scenarios/scenario.js";

const { values } = parseArgs({
  options: { full: { type: "boolean", default: false }, only: { type: "string" }, keep: { type: "boolean", default: false }, "skip-build": { type: "boolean", default: false } },
  strict: true,
});
const full = values.full!;
const command = ["npm run bench", ...(full ? ["-- --full"] : []), ...(values.only ? [`${full ? "" : "-- "}--only ${values.only}`] : [])].join(" ").replace("  ", " ");

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
  const commit = commitInfo();
  log(`${full ? "full" : "quick"} pass on ${machine.cpuModel} (${machine.cores} cores, ${machine.memoryGiB} GiB), Node ${machine.node}, commit ${commit.short}`);
  if (commit.dirtySrc.length) log(`note: src/ differs from the commit in ${commit.dirtySrc.length} file(s); the results record it`);
  if (full) await waitForQuietMachine();

  if (!values["skip-build"]) {
    log("building the gateway (npm run build)");
    await runCommand("npm", ["run", "-s", "build"], { cwd: repoRoot, timeoutMs: 300_000 });
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
    for (const result of results) await writeResult(result);
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
