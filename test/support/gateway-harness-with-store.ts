/**
 * startTestGateway's twin for a store the test opened itself (e.g. PostgreSQL reached through a proxy
 * the test can cut). Everything else is the same: in-process simulator on a compressed time scale,
 * every Plaid exchange checked against Plaid's OpenAPI spec, logs and responses captured.
 */
import { print } from "graphql";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig } from "../../src/config.js";
import type { PlaidCallRecord } from "../../src/datasources/plaid/plaid-datasource.js";
import type { Store } from "../../src/datasources/store/store.js";
import { createLogger } from "../../src/logger.js";
import { startGateway } from "../../src/server.js";
import type { SimulatorExchange } from "../../src/simulator/index.js";
import type { WebhookResult } from "../../src/webhooks/webhook-route.js";
import { openLogCapture, plaidSecretsSeen, waitUntil, type GraphQLResult, type TestGateway } from "./gateway-harness.js";
import { loadPlaidSpec, type FidelityViolation } from "./plaid-openapi.js";

export interface TestGatewayWithStoreOptions {
  /** The store the gateway uses; closed by close(). */
  store: Store;
  env?: Record<string, string>;
  /** Runs after the gateway and the store are closed (e.g. dropping the test's schema). */
  cleanup?: () => Promise<void>;
}

export interface TestGatewayWithStore extends TestGateway {
  /** What the webhook route answered, request by request (accepted, rejected or failed). */
  webhookResults: WebhookResult[];
}

export async function startTestGatewayWithStore(options: TestGatewayWithStoreOptions): Promise<TestGatewayWithStore> {
  const { store } = options;
  const dataDir = mkdtempSync(path.join(tmpdir(), "gateway-test-"));
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
    ...options.env,
  });

  const logs: string[] = [];
  // Like startTestGateway: every line is also kept on disk for the secrets scan after the whole run.
  const capture = openLogCapture();
  capture.registerSecrets([jwtSecret, plaidSecret, tokenKey]);
  const logger = createLogger({
    level: "debug",
    destination: {
      write: (line: string) => {
        logs.push(line);
        capture.write(line);
      },
    },
  });
  const spec = await loadPlaidSpec();
  const exchanges: SimulatorExchange[] = [];
  const violations: FidelityViolation[] = [];
  const plaidCalls: PlaidCallRecord[] = [];
  const webhookResults: WebhookResult[] = [];
  const responses: string[] = [];
  const issued: string[] = [];

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
    onWebhook: (result) => webhookResults.push(result),
  });
  const simulatorUrl = gateway.simulator?.url ?? "";

  const harness: TestGatewayWithStore = {
    gateway,
    simulatorUrl,
    webhookResults,
    async token(user, tokenOptions) {
      const jwt = await gateway.issueToken!(user, tokenOptions);
      issued.push(jwt);
      capture.registerSecrets([jwt]);
      return jwt;
    },
    async graphql(document, variables, token, headers = {}) {
      const query = typeof document === "string" ? document : print(document);
      const response = await fetch(gateway.graphqlUrl, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.text();
      responses.push(text);
      const body = JSON.parse(text) as Omit<GraphQLResult<never>, "status">;
      return { status: response.status, ...body };
    },
    async plaid(pathname, body) {
      const response = await fetch(`${simulatorUrl}${pathname}`, {
        method: "POST",
        headers: { "content-type": "application/json", "PLAID-CLIENT-ID": plaidClientId, "PLAID-SECRET": plaidSecret },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as never };
    },
    async control(pathname, body) {
      const response = await fetch(`${simulatorUrl}${pathname}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`Simulator ${pathname} answered ${response.status}: ${text}`);
      return JSON.parse(text);
    },
    exchanges,
    violations,
    plaidCalls,
    logs,
    responses,
    configuredSecrets: [jwtSecret, plaidSecret, tokenKey],
    issuedTokens: issued,
    async settle() {
      await waitUntil(async () => {
        const { deliveries } = (await (await fetch(`${simulatorUrl}/simulator/webhooks/deliveries`)).json()) as { deliveries: Array<{ state: string }> };
        return deliveries.every((delivery) => ["delivered", "failed", "abandoned", "cancelled", "held"].includes(delivery.state));
      });
      await gateway.idle();
    },
    callsTo(endpoint, since = 0, itemId) {
      return exchanges.slice(since).filter((e) => e.path === endpoint && (itemId === undefined || e.itemId === itemId)).length;
    },
    async close() {
      try {
        await gateway.stop();
        const { anywhere, logsOnly } = plaidSecretsSeen(harness);
        capture.registerSecrets([...anywhere, ...logsOnly]);
        capture.close();
        await store.close();
      } finally {
        await options.cleanup?.();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
  return harness;
}
