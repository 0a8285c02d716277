/**
 * Regenerates bench/REPORT.md from bench/results/*.json (`npm run bench:report`; `npm run bench` does it
 * at the end). The "what the profile says" column comes from bench/profile-notes.json, keyed by
 * "<scenario>|<metric>", so maintainers' notes survive regeneration.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { readResults, type Row, type ScenarioResult } from "./lib/results.js";
import { benchRoot } from "./lib/rpc.js";
import type { Aggregate } from "./lib/util.js";

const ORDER = ["snapshot", "plaid-path", "plaid-calls", "fanout", "fanout-redis", "connect-storm", "redis-reconnect", "webhooks", "idle-memory"];
const LETTER: Record<string, string> = {
  snapshot: "a",
  "plaid-path": "b",
  "plaid-calls": "c",
  fanout: "d",
  "fanout-redis": "e",
  "connect-storm": "f",
  "redis-reconnect": "g",
  webhooks: "h",
  "idle-memory": "i",
};

function number(value: number): string {
  if (!Number.isFinite(value)) return "–";
  if (Number.isInteger(value)) return value.toLocaleString("en");
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString("en");
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

const value = (aggregate: Aggregate | null, unit: string) => (aggregate ? `${number(aggregate.median)} ${unit}` : "–");
const range = (aggregate: Aggregate | null) => (aggregate ? (aggregate.min === aggregate.max ? number(aggregate.min) : `${number(aggregate.min)}–${number(aggregate.max)}`) : "–");
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

function goalCell(row: Row): string {
  if (!row.goal) return "—";
  const mark = row.goal.met === null ? "n/a here" : row.goal.met ? "**met**" : "**missed**";
  return `${row.goal.text}: ${mark}`;
}

function profileNotes(): Record<string, string> {
  const file = path.join(benchRoot, "profile-notes.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, string>) : {};
}

function table(results: ScenarioResult[]): string[] {
  const notes = profileNotes();
  const lines = [
    "| # | path | measure | gateway | peer | ratio | spread (gateway; peer) | load average | commit | command | goal | what the profile says |",
    "|---|---|---|---:|---|---:|---|---|---|---|---|---|",
  ];
  for (const result of results) {
    result.rows.forEach((row, index) => {
      const peer = row.peerName ? `${cell(row.peerName)}: ${value(row.peer, row.unit)}` : "—";
      const ratio = row.ratio === null ? "—" : `×${row.ratio.toFixed(2)}`;
      const spread = `${range(row.gateway)}${row.peer ? `; ${range(row.peer)}` : ""}`;
      const load = row.loadAverage ? (row.loadAverage[0] === row.loadAverage[1] ? number(row.loadAverage[0]) : `${number(row.loadAverage[0])}–${number(row.loadAverage[1])}`) : "–";
      const commit = `${result.commit.short}${result.commit.dirtySrc.length ? "+" : ""}`;
      const profile = row.profile ?? notes[`${result.scenario}|${row.metric}`] ?? "";
      lines.push(
        `| ${LETTER[result.scenario] ?? ""}${index + 1} | ${cell(row.path)} | ${cell(row.metric)} | ${value(row.gateway, row.unit)} | ${peer} | ${ratio} | ${spread} | ${load} | ${commit} | \`${result.command}\` | ${cell(goalCell(row))} | ${cell(profile)} |`,
      );
    });
  }
  return lines;
}

function details(results: ScenarioResult[]): string[] {
  const lines: string[] = [];
  for (const result of results) {
    lines.push(`### ${LETTER[result.scenario] ?? ""}. ${result.title} (\`${result.scenario}\`, ${result.mode} pass, ${result.finishedAt.slice(0, 16).replace("T", " ")} UTC)`, "");
    if (result.skipped) lines.push(`Skipped: ${result.skipped}.`, "");
    if (result.error) lines.push(`Could not run: ${cell(result.error.split("\n")[0] ?? "")}`, "");
    for (const note of result.notes) lines.push(`- ${note}`);
    result.rows.forEach((row, index) => {
      if (row.detail) lines.push(`- ${LETTER[result.scenario] ?? ""}${index + 1} (${row.metric}): ${row.detail}`);
    });
    if (result.commit.dirtySrc.length) lines.push(`- Built from the working tree, which differed from ${result.commit.short} in: ${result.commit.dirtySrc.join(", ")}.`);
    lines.push("");
  }
  return lines;
}

const inOrder = (results: ScenarioResult[]) => results.sort((a, b) => ORDER.indexOf(a.scenario) - ORDER.indexOf(b.scenario));

/** The latest quick pass, under the full table (CI's smoke test and a quick look after a change). */
function quickSection(quick: ScenarioResult[]): string[] {
  if (quick.length === 0) return [];
  return [
    "## Latest quick pass",
    "",
    "Fewer and shorter runs (1,000 subscribers, 50 req/s on the Plaid path): a smoke test and a quick look after a change, not the table above.",
    "",
    ...table(quick),
    "",
    ...details(quick),
  ];
}

export function writeReport(): string {
  const full = inOrder(readResults("full"));
  const quick = inOrder(readResults("quick"));
  // Without a full pass yet, the quick pass is the table.
  const results = full.length > 0 ? full : quick;
  const file = path.join(benchRoot, "REPORT.md");
  const machine = results[0]?.machine;
  const commits = [
    ...new Set(results.map((r) => `${r.commit.short}${r.commit.dirtySrc.length ? " (+ working-tree changes)" : r.commit.built === "commit" ? " (the commit built apart)" : ""}`)),
  ];
  const goals = results.flatMap((r) => r.rows.filter((row) => row.goal && row.goal.met !== null));
  const met = goals.filter((row) => row.goal!.met).length;
  const lines = [
    "# Benchmark report",
    "",
    "Generated by `npm run bench:report` from `bench/results/*.json` (the full pass: `npm run bench -- --full` rewrites the files of the scenarios it ran)",
    "and `bench/results/quick/*.json` (the quick pass, `npm run bench`, shown after it). Do not edit by hand; the last column comes from `bench/profile-notes.json`.",
    "",
    machine
      ? `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, Linux ${machine.kernel}; ` +
        (machine.pinned
          ? "system under test pinned to core 0, load generator, clients and simulator to core 1 (`taskset`)."
          : "**not pinned** (no `taskset`): every process shared both cores.")
      : "No results yet: run `npm run bench`.",
    `Commit: ${commits.join(", ") || "–"}. Goals measured: ${met} met of ${goals.length} (the rest are marked n/a here or have no goal).`,
    "",
    "How to read it: each row is the median of three runs interleaved with its peer in the same pass; spread is the min–max of the three;",
    "ratio is gateway ÷ peer; load average is the 1-minute load average before each run (min–max). Latencies of the open-model rows run",
    "from each request's due time (fixed arrival rate), so queueing is not hidden. The numbers are from a shared 2-core machine: compare rows",
    "of one pass, and rerun before drawing conclusions from a small difference. A commit marked `+` was measured from a working tree with",
    "changes to src/ that were not committed (listed under its scenario).",
    "",
    "## How to run",
    "",
    "- `npm ci`, then `npm run bench` (quick pass, a few minutes; CI runs it as a smoke test) or `npm run bench -- --full` (the full table).",
    "- PostgreSQL at `postgres://postgres@127.0.0.1:5432/test` and Redis at `redis://127.0.0.1:6379` as for the tests (`BENCH_DATABASE_URL`,",
    "  `BENCH_REDIS_URL` or `TEST_DATABASE_URL`, `TEST_REDIS_URL` override them). Without them the scenarios that need them are skipped with a",
    "  message (PGlite rows still run); with `CI=1` a missing service fails the run. Each scenario gets a database of its own, dropped at the end.",
    "- The gateway is built (`npm run build`) and run as `node dist/main.js serve` with production settings (`NODE_ENV=production`, JSON",
    "  logs at info level to a file) against the Plaid simulator in a process of its own (`SIMULATOR_URL`). `--head` measures the HEAD commit",
    "  built apart; `--only snapshot,webhooks` runs some scenarios; `--keep` keeps the run's logs; `npm run bench:report` rebuilds this file.",
    "- GraphQL Mesh (the Plaid-path peer) is installed on first use into `bench/peers/mesh/node_modules` (`npm ci --prefix bench/peers/mesh`).",
    "- A full pass waits up to 10 minutes for the 1-minute load average to fall to 1.5; results of a busy machine say so in the load column.",
    "",
    "## Results",
    "",
    ...table(results),
    "",
    "## Notes per scenario",
    "",
    ...details(results),
    ...(results === quick ? [] : quickSection(quick)),
  ];
  writeFileSync(file, lines.join("\n"));
  return file;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) process.stdout.write(`${writeReport()}\n`);
