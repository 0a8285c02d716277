import { spawnSync } from "node:child_process";
import os from "node:os";
import { Redis } from "ioredis";
import pg from "pg";
import { repoRoot } from "./rpc.js";

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  kernel: string;
  /** Whether the system under test ran on core 0 and everything else on core 1. */
  pinned: boolean;
}

export interface Commit {
  sha: string;
  short: string;
  /** What was built: the commit itself (--head, --commit) or the working tree. */
  built: "commit" | "working tree";
  /** Files under src/ that differed from the commit in the working tree that was built. */
  dirtySrc: string[];
}

export function machineInfo(pinned: boolean): Machine {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: os.release(),
    pinned,
  };
}

function git(args: string[]): string {
  const result = spawnSync("git", args, { cwd: repoRoot, encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : "";
}

/** The commit measured: `ref` built apart, or (null) HEAD with the working tree's changes. */
export function commitInfo(ref: string | null): Commit {
  const sha = git(["rev-parse", "--verify", `${ref ?? "HEAD"}^{commit}`]) || "unknown";
  const dirtySrc = ref
    ? []
    : git(["status", "--porcelain", "--", "src"])
        .split("\n")
        .filter(Boolean)
        .map((line) => line.slice(3));
  return { sha, short: sha.slice(0, 7), built: ref ? "commit" : "working tree", dirtySrc };
}

/** The 1-minute load average. */
export const loadAverage = (): number => Math.round(os.loadavg()[0]! * 100) / 100;

export const inCi = Boolean(process.env.CI) && process.env.CI !== "false" && process.env.CI !== "0";

export const POSTGRES_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export async function postgresReachable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return null;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function redisReachable(): Promise<string | null> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on("error", () => {});
  try {
    await redis.connect();
    await redis.ping();
    return null;
  } catch (error) {
    return (error as Error).message;
  } finally {
    redis.disconnect();
  }
}
