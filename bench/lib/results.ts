import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import * as prettier from "prettier";
import type { Commit, Machine } from "./machine.js";
import { benchRoot } from "./rpc.js";
import { aggregate, type Aggregate } from "./util.js";

const resultsDir = path.join(benchRoot, "results");

export interface Goal {
  text: string;
  /** null: the goal does not apply to what this run measured (e.g. the quick pass's smaller N). */
  met: boolean | null;
}

/** One line of the report: the gateway's median of three next to its peer's, from runs interleaved in one pass. */
export interface Row {
  path: string;
  metric: string;
  unit: string;
  gateway: Aggregate | null;
  /** What the gateway is compared to (a peer server, a baseline, or an ideal). */
  peerName: string | null;
  peer: Aggregate | null;
  /** gateway median / peer median. */
  ratio: number | null;
  /** 1-minute load average before each run of the row (min and max). */
  loadAverage: [number, number] | null;
  goal: Goal | null;
  /** Left for maintainers: what a CPU profile of this path shows. */
  profile?: string;
  detail?: string;
}

export interface ScenarioResult {
  scenario: string;
  title: string;
  mode: "quick" | "full";
  command: string;
  commit: Commit;
  machine: Machine;
  startedAt: string;
  finishedAt: string;
  /** Set when the scenario could not run here (a missing service): the reason. */
  skipped: string | null;
  /** Set when the scenario failed while running. */
  error: string | null;
  notes: string[];
  rows: Row[];
  /** Every run's raw numbers. */
  runs: unknown[];
}

export function row(fields: Omit<Row, "gateway" | "peer" | "ratio" | "loadAverage"> & { gateway: number[]; peer?: number[]; loads: number[] }): Row {
  const gateway = aggregate(fields.gateway);
  const peer = fields.peer ? aggregate(fields.peer) : null;
  const ratio = gateway && peer && peer.median !== 0 ? gateway.median / peer.median : null;
  const loads = fields.loads.filter((l) => Number.isFinite(l));
  const { loads: _loads, ...rest } = fields;
  return { ...rest, gateway, peer, ratio, loadAverage: loads.length ? [Math.min(...loads), Math.max(...loads)] : null };
}

/**
 * Writes bench/results/<scenario>.json formatted as the repository's Prettier settings format it. A skipped
 * or failed scenario does not replace numbers measured before (its file is written only if there is none).
 */
/** Full passes write bench/results/<scenario>.json, quick passes bench/results/quick/<scenario>.json: a quick pass never replaces the full table. */
function resultsDirOf(mode: ScenarioResult["mode"]): string {
  return mode === "full" ? resultsDir : path.join(resultsDir, "quick");
}

export async function writeResult(result: ScenarioResult): Promise<string> {
  const dir = resultsDirOf(result.mode);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${result.scenario}.json`);
  if ((result.skipped || result.error) && existsSync(file)) return file;
  const options = (await prettier.resolveConfig(file)) ?? {};
  writeFileSync(file, await prettier.format(JSON.stringify(result), { ...options, filepath: file }));
  return file;
}

export function readResults(mode: ScenarioResult["mode"]): ScenarioResult[] {
  const dir = resultsDirOf(mode);
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
  return files.map((f) => JSON.parse(readFileSync(path.join(dir, f), "utf8")) as ScenarioResult);
}
