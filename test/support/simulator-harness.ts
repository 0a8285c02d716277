/**
 * Starts the Plaid simulator for a test file: random port, random credentials, compressed webhook retry
 * delays, and every answered Plaid call checked against Plaid's OpenAPI spec.
 */
import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { startPlaidSimulator, type PlaidSimulator, type PlaidSimulatorOptions, type SimulatorExchange } from "../../src/simulator/index.js";
import { loadPlaidSpec, type FidelityViolation } from "./plaid-openapi.js";

export interface SimulatorCallResult {
  status: number;
  // Plaid's answers, inspected field by field across ~200 assertions of the simulator suites.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test's view of arbitrary JSON
  body: any;
}

export interface SimulatorHarness {
  simulator: PlaidSimulator;
  url: string;
  clientId: string;
  secret: string;
  /** Every Plaid call the simulator answered, in order. */
  exchanges: SimulatorExchange[];
  /** Spec violations found in those exchanges. */
  violations: FidelityViolation[];
  /** The exchanges for one Plaid path, optionally only those addressing one Item. */
  callsTo(path: string, itemId?: string): SimulatorExchange[];
  /** POSTs a Plaid call with the credentials in headers (default), in the body, or not at all. */
  plaid(path: string, body: object, opts?: { credentials?: "headers" | "body" | "none"; headers?: Record<string, string> }): Promise<SimulatorCallResult>;
  /** Calls the simulator's control API (`/simulator/...`). */
  control(method: "GET" | "POST" | "DELETE", path: string, body?: object): Promise<SimulatorCallResult>;
  close(): Promise<void>;
}

export type TestSimulatorOptions = Partial<Omit<PlaidSimulatorOptions, "onExchange">>;

export async function startTestSimulator(opts: TestSimulatorOptions = {}): Promise<SimulatorHarness> {
  const spec = await loadPlaidSpec();
  const clientId = opts.clientId ?? randomBytes(12).toString("hex");
  const secret = opts.secret ?? randomBytes(15).toString("hex");
  const exchanges: SimulatorExchange[] = [];
  const violations: FidelityViolation[] = [];
  const simulator = await startPlaidSimulator({
    timeScale: 0.001,
    ...opts,
    clientId,
    secret,
    onExchange(exchange) {
      exchanges.push(exchange);
      // A path Plaid does not define is correctly refused with 404 NOT_FOUND; there is nothing in the spec to compare.
      if (!spec.hasPath(exchange.path) && exchange.status === 404) return;
      violations.push(...spec.check(exchange));
    },
  });

  const post = async (path: string, init: RequestInit): Promise<SimulatorCallResult> => {
    const res = await fetch(simulator.url + path, init);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  return {
    simulator,
    url: simulator.url,
    clientId,
    secret,
    exchanges,
    violations,
    callsTo: (path, itemId) => exchanges.filter((e) => e.path === path && (itemId === undefined || e.itemId === itemId)),
    plaid(path, body, { credentials = "headers", headers = {} } = {}) {
      const auth: Record<string, string> = credentials === "headers" ? { "PLAID-CLIENT-ID": clientId, "PLAID-SECRET": secret } : {};
      const payload = credentials === "body" ? { client_id: clientId, secret, ...body } : body;
      return post(path, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...auth, ...headers },
        body: JSON.stringify(payload),
      });
    },
    control(method, path, body) {
      return post(`/simulator${path}`, {
        method,
        headers: body ? { "Content-Type": "application/json" } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
    },
    close: () => simulator.close(),
  };
}

/** For afterAll: nothing the simulator answered in this file broke Plaid's spec. */
export function expectNoFidelityViolations(harness: Pick<SimulatorHarness, "violations" | "exchanges">): void {
  expect(harness.exchanges.length).toBeGreaterThan(0);
  expect(harness.violations).toEqual([]);
}
