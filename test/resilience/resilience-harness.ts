/**
 * startTestGateway's twin that also takes gateway options (Plaid timeouts, retries, circuit breakers,
 * cool-downs): a real gateway with the in-process simulator, every Plaid exchange checked against
 * Plaid's OpenAPI spec, logs and responses captured for expectCleanRun.
 */
import { print } from "graphql";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig } from "../../src/config.js";
import type { PlaidCallRecord } from "../../src/datasources/plaid/plaid-datasource.js";
import { openStore } from "../../src/datasources/store/store.js";
import type { StaleDataEntry } from "../../src/datasources/stale-data.js";
import { createLogger } from "../../src/logger.js";
import { startGateway, type GatewayOptions } from "../../src/server.js";
import type { SimulatorExchange } from "../../src/simulator/index.js";
import { waitUntil, type GraphQLResult, type TestGateway } from "../support/gateway-harness.js";
import { loadPlaidSpec, type FidelityViolation } from "../support/plaid-openapi.js";

export interface ResilienceGatewayOptions {
  env?: Record<string, string>;
  plaidResilience?: GatewayOptions["plaidResilience"];
  /** Point the gateway at this URL instead of starting a simulator (e.g. a server that never answers). */
  plaidUrl?: string;
}

/** A GraphQL answer with its response-level extensions. */
export type ResultWithExtensions<T> = GraphQLResult<T> & { extensions?: { staleData?: StaleDataEntry[] } & Record<string, unknown> };

export interface ResilienceGateway extends TestGateway {
  query<T = any>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<ResultWithExtensions<T>>;
  /** Queues a simulator fault: the next `count` calls to `path` fail and/or wait. */
  fault(input: { path: string; status?: number; error_type?: string; error_code?: string; latency_ms?: number; count?: number }): Promise<void>;
  clearFaults(): Promise<void>;
}

export async function startResilienceGateway(options: ResilienceGatewayOptions = {}): Promise<ResilienceGateway> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "gateway-resilience-"));
  const jwtSecret = randomBytes(32).toString("hex");
  const plaidClientId = `cid${randomBytes(8).toString("hex")}`;
  const plaidSecret = `sec${randomBytes(12).toString("hex")}`;
  const tokenKey = randomBytes(32).toString("hex");
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    SIMULATOR_PORT: "0",
    DATA_DIR: dataDir,
    PLAID_ENV: "simulator",
    PLAID_CLIENT_ID: plaidClientId,
    PLAID_SECRET: plaidSecret,
    AUTH_JWT_SECRET: jwtSecret,
    TOKEN_ENCRYPTION_KEY: tokenKey,
    LOG_LEVEL: "debug",
    ...(options.plaidUrl ? { SIMULATOR_URL: options.plaidUrl } : {}),
    ...options.env,
  });

  const logs: string[] = [];
  const logger = createLogger({ level: "debug", destination: { write: (line: string) => void logs.push(line) } });
  const spec = await loadPlaidSpec();
  const exchanges: SimulatorExchange[] = [];
  const violations: FidelityViolation[] = [];
  const plaidCalls: PlaidCallRecord[] = [];
  const responses: string[] = [];
  const issued: string[] = [];
  const store = await openStore({});

  const gateway = await startGateway(config, {
    logger,
    store,
    simulator: {
      timeScale: 0.001,
      onExchange: (exchange) => {
        exchanges.push(exchange);
        violations.push(...spec.check(exchange));
      },
    },
    onPlaidCall: (record) => plaidCalls.push(record),
    plaidResilience: options.plaidResilience,
  });
  const simulatorUrl = gateway.simulator?.url ?? "";

  const post = async (query: string, variables: Record<string, unknown> | undefined, token: string | null | undefined, headers: Record<string, string> = {}) => {
    const response = await fetch(gateway.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    responses.push(text);
    return { status: response.status, ...(JSON.parse(text) as object) };
  };

  const control = async <T>(pathname: string, body: unknown, method = "POST"): Promise<T> => {
    const response = await fetch(`${simulatorUrl}${pathname}`, {
      method,
      headers: { "content-type": "application/json" },
      body: method === "DELETE" ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`Simulator ${pathname} answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  };

  return {
    gateway,
    simulatorUrl,
    async token(user, tokenOptions) {
      const jwt = await gateway.issueToken!(user, tokenOptions);
      issued.push(jwt);
      return jwt;
    },
    async graphql(document, variables, token, headers) {
      const query = typeof document === "string" ? document : print(document);
      return (await post(query, variables, token, headers)) as never;
    },
    async query(query, variables, token) {
      return (await post(query, variables, token)) as never;
    },
    async plaid(pathname, body) {
      const response = await fetch(`${simulatorUrl}${pathname}`, {
        method: "POST",
        headers: { "content-type": "application/json", "PLAID-CLIENT-ID": plaidClientId, "PLAID-SECRET": plaidSecret },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as never };
    },
    control: (pathname, body) => control(pathname, body),
    async fault(input) {
      await control("/simulator/faults", input);
    },
    async clearFaults() {
      await control("/simulator/faults", undefined, "DELETE");
    },
    exchanges,
    violations,
    plaidCalls,
    logs,
    responses,
    configuredSecrets: [jwtSecret, plaidSecret, tokenKey],
    issuedTokens: issued,
    async settle() {
      if (simulatorUrl) {
        await waitUntil(async () => {
          const { deliveries } = (await (await fetch(`${simulatorUrl}/simulator/webhooks/deliveries`)).json()) as { deliveries: Array<{ state: string }> };
          return deliveries.every((delivery) => ["delivered", "failed", "abandoned", "cancelled", "held"].includes(delivery.state));
        });
      }
      await gateway.idle();
    },
    callsTo(endpoint, since = 0, itemId) {
      return exchanges.slice(since).filter((e) => e.path === endpoint && (itemId === undefined || e.itemId === itemId)).length;
    },
    async close() {
      await gateway.stop();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
