/**
 * The load generator, a process of its own on core 1. Open model: requests leave at a fixed rate and each
 * latency runs from the time the request was due, so a stalled server cannot hide queued requests
 * (coordinated omission). Closed model (autocannon, N connections) for the maximum-throughput rows.
 */
import autocannon from "autocannon";
import http from "node:http";
import { performance } from "node:perf_hooks";
import { cpuSeconds } from "../lib/proc.js";
import { serveRpc } from "../lib/rpc.js";
import { percentiles, type Percentiles } from "../lib/util.js";

export interface LoadRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface OpenLoopJob {
  /** e.g. http://127.0.0.1:4000 */
  origin: string;
  /** Sent in turn, round-robin. */
  requests: LoadRequest[];
  rate: number;
  durationSec: number;
  timeoutMs: number;
  /** graphql: 200 with no `errors`; status: any 200. */
  check: "graphql" | "status";
  /** Processes whose CPU time is measured over the run (the system under test). */
  cpuPids: number[];
}

export interface OpenLoopResult {
  offered: number;
  ok: number;
  failed: number;
  timeouts: number;
  statuses: Record<string, number>;
  firstFailure: string | null;
  /** Every request from its due time, failures included and timeouts counted as the timeout. */
  latencyMs: Percentiles;
  /** The latest any request left after its due time (the generator's own lag). */
  maxSendLagMs: number;
  cpuSeconds: number;
  wallSeconds: number;
}

function graphqlOk(text: string): boolean {
  try {
    const body = JSON.parse(text) as { errors?: unknown; data?: unknown };
    return body.errors === undefined && body.data !== undefined;
  } catch {
    return false;
  }
}

function openLoop(job: OpenLoopJob): Promise<OpenLoopResult> {
  const origin = new URL(job.origin);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4096 });
  const total = Math.max(1, Math.round(job.rate * job.durationSec));
  const interval = 1000 / job.rate;
  const latencies = new Float64Array(total);
  const statuses: Record<string, number> = {};
  let ok = 0;
  let failed = 0;
  let timeouts = 0;
  let done = 0;
  let maxSendLagMs = 0;
  let firstFailure: string | null = null;
  const cpuStart = cpuSeconds(job.cpuPids);
  const start = performance.now() + 20;

  return new Promise((resolve) => {
    const finish = () => {
      agent.destroy();
      resolve({
        offered: total,
        ok,
        failed,
        timeouts,
        statuses,
        firstFailure,
        latencyMs: percentiles(latencies),
        maxSendLagMs,
        cpuSeconds: cpuSeconds(job.cpuPids) - cpuStart,
        wallSeconds: (performance.now() - start) / 1000,
      });
    };
    const record = (index: number, due: number, outcome: { status: number | "timeout" | "error"; ok: boolean; detail?: string }) => {
      const latency = outcome.status === "timeout" ? job.timeoutMs : performance.now() - due;
      latencies[index] = latency;
      statuses[String(outcome.status)] = (statuses[String(outcome.status)] ?? 0) + 1;
      if (outcome.status === "timeout") timeouts += 1;
      else if (outcome.ok) ok += 1;
      else {
        failed += 1;
        firstFailure ??= `${outcome.status}: ${(outcome.detail ?? "").slice(0, 300)}`;
      }
      if (++done === total) finish();
    };
    const send = (index: number, due: number) => {
      const spec = job.requests[index % job.requests.length]!;
      let settled = false;
      const settle = (outcome: { status: number | "timeout" | "error"; ok: boolean; detail?: string }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        record(index, due, outcome);
      };
      const request = http.request(
        { agent, host: origin.hostname, port: origin.port, method: "POST", path: spec.path, headers: { ...spec.headers, "content-length": Buffer.byteLength(spec.body) } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () => {
            const status = response.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString("utf8");
            let good = status === 200;
            if (good && job.check === "graphql") good = graphqlOk(text);
            settle({ status, ok: good, detail: good ? undefined : text });
          });
          response.on("error", (error) => settle({ status: "error", ok: false, detail: error.message }));
        },
      );
      const timer = setTimeout(() => {
        settle({ status: "timeout", ok: false });
        request.destroy();
      }, job.timeoutMs);
      request.on("error", (error) => settle({ status: "error", ok: false, detail: error.message }));
      request.end(spec.body);
    };
    let next = 0;
    const pump = () => {
      const now = performance.now();
      while (next < total && start + next * interval <= now) {
        const due = start + next * interval;
        maxSendLagMs = Math.max(maxSendLagMs, now - due);
        send(next, due);
        next += 1;
      }
      if (next < total) setTimeout(pump, Math.max(0, start + next * interval - performance.now()));
    };
    setTimeout(pump, 20);
  });
}

export interface ClosedLoopJob {
  url: string;
  connections: number;
  durationSec: number;
  warmupSec: number;
  headers: Record<string, string>;
  body: string;
  cpuPids: number[];
}

export interface ClosedLoopResult {
  requests: number;
  rps: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  latencyMs: { p50: number; p99: number; mean: number; max: number };
  cpuSeconds: number;
  wallSeconds: number;
}

async function closedLoop(job: ClosedLoopJob): Promise<ClosedLoopResult> {
  const options = { url: job.url, method: "POST" as const, connections: job.connections, headers: job.headers, body: job.body, timeout: 10 };
  if (job.warmupSec > 0) await autocannon({ ...options, duration: job.warmupSec });
  const cpuStart = cpuSeconds(job.cpuPids);
  const started = performance.now();
  const result = await autocannon({ ...options, duration: job.durationSec });
  const wallSeconds = (performance.now() - started) / 1000;
  return {
    requests: result.requests.total,
    rps: result.requests.total / result.duration,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, mean: result.latency.mean, max: result.latency.max },
    cpuSeconds: cpuSeconds(job.cpuPids) - cpuStart,
    wallSeconds,
  };
}

serveRpc({ openLoop, closedLoop });
