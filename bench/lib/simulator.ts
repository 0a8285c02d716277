import type { SimulatorCounts, SimulatorInfo } from "../peers/simulator.js";
import { startAgent, type Agent } from "./rpc.js";

export interface Simulator {
  agent: Agent;
  info: SimulatorInfo;
  /** A call to the simulator's control API (/simulator/...). */
  control(method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<unknown>;
  /** Every /accounts/get waits this long (until cleared). */
  setAccountsLatency(ms: number): Promise<void>;
  clearFaults(): Promise<void>;
  /** Per-Item per-minute limits by path; null lifts one. */
  setRateLimits(limits: Record<string, number | null>): Promise<void>;
  counts(): Promise<SimulatorCounts>;
  resetCounts(): Promise<void>;
  accessTokens(itemIds: string[]): Promise<Array<string | null>>;
  /** POST to one of the simulator's Plaid endpoints with the credentials. */
  plaid(path: string, body: Record<string, unknown>): Promise<{ status: number; body: unknown }>;
}

/** Plaid's Sandbox per-Item limits, as the simulator starts with them. */
export const DEFAULT_RATE_LIMITS = { "/item/get": 40, "/accounts/get": 100, "/item/remove": 100 };

export async function startSimulator(logDir: string): Promise<Simulator> {
  const agent = await startAgent("peers/simulator.ts", { name: "simulator", core: 1, logDir });
  const info = await agent.call<SimulatorInfo>("info");
  const control = async (method: "GET" | "POST" | "DELETE", path: string, body?: unknown) => {
    const response = await fetch(`${info.url}/simulator${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`simulator ${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as unknown;
  };
  return {
    agent,
    info,
    control,
    async setAccountsLatency(ms) {
      await control("DELETE", "/faults");
      await control("POST", "/faults", { path: "/accounts/get", latency_ms: ms, count: 1_000_000_000 });
    },
    async clearFaults() {
      await control("DELETE", "/faults");
    },
    async setRateLimits(limits) {
      await control("POST", "/settings", { rate_limits: limits });
    },
    counts: () => agent.call<SimulatorCounts>("counts"),
    async resetCounts() {
      await agent.call("resetCounts");
    },
    accessTokens: (itemIds) => agent.call<Array<string | null>>("accessTokens", itemIds),
    async plaid(path, body) {
      const response = await fetch(`${info.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", "plaid-client-id": info.clientId, "plaid-secret": info.secret },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as unknown };
    },
  };
}

export function callsOf(counts: SimulatorCounts, path: string): { total: number; byStatus: Record<string, number>; perItem: number[] } {
  const byStatus = counts.byStatus[path] ?? {};
  return { total: Object.values(byStatus).reduce((a, b) => a + b, 0), byStatus, perItem: Object.values(counts.byItem[path] ?? {}) };
}
