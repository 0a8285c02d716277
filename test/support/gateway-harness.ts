import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print, type DocumentNode } from "graphql";
import { randomBytes } from "node:crypto";
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, inject } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { PlaidCallRecord } from "../../src/datasources/plaid/plaid-datasource.js";
import { openStore, type Store } from "../../src/datasources/store/store.js";
import { createLogger } from "../../src/logger.js";
import type { StaleDataEntry } from "../../src/services/stale-data.js";
import { startGateway, type Gateway, type GatewayOptions } from "../../src/server.js";
import type { SimulatorExchange } from "../../src/simulator/index.js";
import type { ApiFaultInput } from "../../src/simulator/faults.js";
import type { WebhookResult } from "../../src/webhooks/webhook-route.js";
import { dropSchema, POSTGRES_URL, uniqueSchema } from "./databases.js";
import { LOG_CAPTURE_DIR, SECRETS_CAPTURE_DIR, type CapturedSecrets } from "./log-scan.js";
import { loadPlaidSpec, type FidelityViolation } from "./plaid-openapi.js";
import { lateBound, useInSuite } from "./suite-fixture.js";
import { waitUntil } from "./wait-until.js";

export interface GraphQLResult<T> {
  status: number;
  data?: T | null;
  /** Response-level extensions (e.g. staleData). */
  extensions?: Record<string, unknown> & { staleData?: StaleDataEntry[] };
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> & { code?: string } }>;
}

export interface TestGatewayOptions {
  /** Extra environment, as an operator would set it. */
  env?: Record<string, string>;
  /**
   * Which store: in-memory PGlite (default), a fresh schema in the machine's PostgreSQL, or one the
   * test opened itself (closed by close(), then its cleanup runs).
   */
  store?: "pglite" | "postgres" | { store: Store; cleanup?: () => Promise<void> };
  /** Gateway options beyond the environment (Plaid retries, timeouts, breakers, cool-downs). */
  gateway?: Pick<GatewayOptions, "plaidResilience">;
}

/** A document to send: generated (typed), parsed, or the text of one. */
export type GraphQLDocument<T, V> = TypedDocumentNode<T, V> | DocumentNode | string;

/** POSTs one GraphQL operation as a client does (JSON, the bearer token when given); `body` is the answer as sent. */
export async function postGraphQL<T, V extends Record<string, unknown> = Record<string, unknown>>(
  url: string,
  document: GraphQLDocument<T, V>,
  variables?: V,
  token?: string | null,
  headers: Record<string, string> = {},
): Promise<{ result: GraphQLResult<T>; body: string }> {
  const query = typeof document === "string" ? document : print(document);
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.text();
  return { result: { status: response.status, ...(JSON.parse(body) as Omit<GraphQLResult<T>, "status">) }, body };
}

/** A fault the simulator injects into the next calls of one Plaid path. */
type PlaidFault = ApiFaultInput;

/** A real gateway (HTTP, store, in-process simulator) on random ports, with everything it says captured. */
export interface TestGateway {
  gateway: Gateway;
  /** Base URL of the simulator's HTTP API (empty when PLAID_ENV is not simulator). */
  simulatorUrl: string;
  token(user: string, options?: { admin?: boolean; expiresIn?: string }): Promise<string>;
  graphql<T, V extends Record<string, unknown> = Record<string, unknown>>(
    document: GraphQLDocument<T, V>,
    variables?: V,
    token?: string | null,
    headers?: Record<string, string>,
  ): Promise<GraphQLResult<T>>;
  /** POST a Plaid API call straight to the simulator with the gateway's credentials (to check what Plaid holds). */
  plaid<T = unknown>(pathname: string, body: unknown): Promise<{ status: number; body: T }>;
  /** Queues a simulator fault: the next `count` calls to `path` fail and/or wait. */
  fault(input: PlaidFault): Promise<void>;
  clearFaults(): Promise<void>;
  /** What the webhook route answered, request by request (accepted, rejected or failed). */
  webhookResults: WebhookResult[];
  /** POST to one of the simulator's /simulator/… control endpoints. */
  control<T = unknown>(pathname: string, body: unknown): Promise<T>;
  exchanges: SimulatorExchange[];
  violations: FidelityViolation[];
  plaidCalls: PlaidCallRecord[];
  logs: string[];
  responses: string[];
  /** Secrets this gateway was configured with (JWT secret, Plaid secret, token encryption key). */
  configuredSecrets: string[];
  /** Bearer tokens handed to the tests. */
  issuedTokens: string[];
  /** Waits until the simulator has no webhook left to deliver and the gateway has confirmed what they changed. */
  settle(): Promise<void>;
  /** Plaid calls of one endpoint, optionally for one Item, since the given index of `exchanges`. */
  callsTo(endpoint: string, since?: number, itemId?: string): number;
  close(): Promise<void>;
}

/** The access token Plaid issued for an Item (the simulator reports every exchange; the gateway never shows it). */
export function accessTokenOf(harness: TestGateway, itemId: string): string {
  const exchange = harness.exchanges.find((e) => e.path === "/item/public_token/exchange" && (e.response as { item_id?: string } | null)?.item_id === itemId);
  const token = (exchange?.response as { access_token?: string } | undefined)?.access_token;
  if (!token) throw new Error(`no access token seen for ${itemId}`);
  return token;
}

/** Plaid tokens and secrets the simulator saw: access and public tokens must appear nowhere, link tokens only in responses. */
function plaidSecretsSeen(harness: TestGateway): { anywhere: string[]; logsOnly: string[] } {
  const anywhere = new Set(harness.configuredSecrets);
  const logsOnly = new Set<string>();
  const collect = (value: unknown) => {
    if (!value || typeof value !== "object") return;
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      if (typeof inner === "string" && ["access_token", "new_access_token", "public_token", "secret"].includes(key)) anywhere.add(inner);
      else if (typeof inner === "string" && key === "link_token") logsOnly.add(inner);
      else collect(inner);
    }
  };
  for (const exchange of harness.exchanges) {
    collect(exchange.request);
    collect(exchange.response);
  }
  return { anywhere: [...anywhere].filter(Boolean), logsOnly: [...logsOnly] };
}

/** A gateway's log lines and secrets, kept on disk for the scan after the whole run (log-capture-setup.ts). */
export interface LogCapture {
  write(line: string): void;
  /** Values that must never appear in a log line (configured secrets, issued tokens, Plaid tokens). */
  registerSecrets(values: Iterable<string>): void;
  close(): void;
}

/** Appends to test-output/logs/<run>-<random>.log; the secrets go to test-output/secrets/ under the same name. */
export function openLogCapture(): LogCapture {
  let runId = "adhoc";
  try {
    runId = inject("logCaptureRun") ?? runId;
  } catch {
    // Outside a vitest worker: the files are still written, under "adhoc-".
  }
  const name = `${runId}-${randomBytes(8).toString("hex")}`;
  mkdirSync(LOG_CAPTURE_DIR, { recursive: true });
  mkdirSync(SECRETS_CAPTURE_DIR, { recursive: true });
  const fd = openSync(path.join(LOG_CAPTURE_DIR, `${name}.log`), "a", 0o600);
  const secretsFile = path.join(SECRETS_CAPTURE_DIR, `${name}.json`);
  const secrets = new Set<string>();
  let open = true;
  return {
    write(line) {
      if (open) writeSync(fd, line.endsWith("\n") ? line : `${line}\n`);
    },
    registerSecrets(values) {
      const before = secrets.size;
      for (const value of values) if (value) secrets.add(value);
      if (secrets.size !== before) writeFileSync(secretsFile, JSON.stringify({ secrets: [...secrets] } satisfies CapturedSecrets), { mode: 0o600 });
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}

export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "gateway-test-"));
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    SIMULATOR_PORT: "0",
    DATA_DIR: dataDir,
    PLAID_ENV: "simulator",
    PLAID_CLIENT_ID: `cid${randomBytes(8).toString("hex")}`,
    PLAID_SECRET: `sec${randomBytes(12).toString("hex")}`,
    AUTH_JWT_SECRET: randomBytes(32).toString("hex"),
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("hex"),
    LOG_LEVEL: "debug",
    ...options.env,
  });

  // What the gateway was given, the suite's own overrides included (the JWT secret first).
  const configuredSecrets = [config.auth.jwtSecret, config.plaid.credentials.secret, config.tokenEncryptionKey, ...config.tokenEncryptionPreviousKeys].filter(
    (value): value is string => Boolean(value),
  );
  const logs: string[] = [];
  const capture = openLogCapture();
  capture.registerSecrets(configuredSecrets);
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
  const responses: string[] = [];
  const issued: string[] = [];

  let store: Store;
  let cleanup: (() => Promise<void>) | undefined;
  if (options.store === "postgres") {
    const schema = uniqueSchema();
    store = await openStore({ databaseUrl: POSTGRES_URL, postgres: { schema } });
    cleanup = () => dropSchema(schema);
  } else if (typeof options.store === "object") {
    store = options.store.store;
    cleanup = options.store.cleanup;
  } else {
    store = await openStore({});
  }
  const webhookResults: WebhookResult[] = [];

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
    ...options.gateway,
  }).catch(async (error: unknown) => {
    // A gateway that did not start leaves nothing behind: its store, its log file and its data folder.
    capture.close();
    await store.close();
    await cleanup?.();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });
  const simulatorUrl = gateway.simulator?.url ?? "";

  const harness: TestGateway = {
    gateway,
    simulatorUrl,
    async token(user, tokenOptions) {
      const jwt = await gateway.issueToken!(user, tokenOptions);
      issued.push(jwt);
      capture.registerSecrets([jwt]);
      return jwt;
    },
    async graphql(document, variables, token, headers) {
      const { result, body } = await postGraphQL(gateway.graphqlUrl, document, variables, token, headers);
      responses.push(body);
      return result;
    },
    async plaid(pathname, body) {
      const response = await fetch(`${simulatorUrl}${pathname}`, {
        method: "POST",
        headers: { "content-type": "application/json", "PLAID-CLIENT-ID": config.plaid.credentials.clientId, "PLAID-SECRET": config.plaid.credentials.secret },
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
    async fault(input) {
      await harness.control("/simulator/faults", input);
    },
    async clearFaults() {
      await fetch(`${simulatorUrl}/simulator/faults`, { method: "DELETE" });
    },
    webhookResults,
    exchanges,
    violations,
    plaidCalls,
    logs,
    responses,
    configuredSecrets,
    issuedTokens: issued,
    async settle() {
      if (simulatorUrl) {
        await waitUntil(
          async () => {
            const { deliveries } = (await (await fetch(`${simulatorUrl}/simulator/webhooks/deliveries`)).json()) as { deliveries: Array<{ state: string }> };
            return deliveries.every((delivery) => ["delivered", "failed", "abandoned", "cancelled", "held"].includes(delivery.state));
          },
          { what: "the simulator's webhook deliveries to finish" },
        );
      }
      await gateway.idle();
    },
    callsTo(endpoint, since = 0, itemId) {
      return exchanges.slice(since).filter((e) => e.path === endpoint && (itemId === undefined || e.itemId === itemId)).length;
    },
    async close() {
      await gateway.stop();
      const { anywhere, logsOnly } = plaidSecretsSeen(harness);
      capture.registerSecrets([...anywhere, ...logsOnly]);
      capture.close();
      await store.close();
      await cleanup?.();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

/**
 * What every gateway test file checks at the end: the simulator saw only traffic valid under Plaid's
 * OpenAPI spec, and no token or secret reached a log line or a GraphQL response.
 */
export function expectCleanRun(harness: TestGateway): void {
  expect(harness.violations, "Plaid traffic that violates Plaid's OpenAPI spec").toEqual([]);
  const { anywhere, logsOnly } = plaidSecretsSeen(harness);
  const logText = harness.logs.join("");
  const responseText = harness.responses.join("");
  for (const secret of [...anywhere, ...logsOnly, ...harness.issuedTokens]) {
    expect(logText.includes(secret), `a secret (${secret.slice(0, 10)}…) appears in the log`).toBe(false);
  }
  for (const secret of anywhere) {
    expect(responseText.includes(secret), `a secret (${secret.slice(0, 10)}…) appears in a GraphQL response`).toBe(false);
  }
}

/** A suite's users by clientUserId, each a plain user or an admin. */
export type SuiteUsers<U extends string> = Record<U, "user" | "admin">;

export interface GatewayFixtureOptions<U extends string> extends TestGatewayOptions {
  /** Signed in when the gateway starts: `tokens` holds a bearer token for each. */
  users?: SuiteUsers<U>;
}

export interface GatewayFixture<U extends string> {
  /** The gateway of the enclosing describe, started in its beforeAll. */
  harness: TestGateway;
  /** A bearer token for each of the suite's users. */
  tokens: Readonly<Record<U, string>>;
}

/**
 * Starts a gateway for the enclosing describe with its users signed in; at the end checks the run was
 * clean (see expectCleanRun) and closes it. Options that exist only once an earlier beforeAll has run
 * (a port, a store) are given as a function.
 */
export function useTestGateway<U extends string = never>(
  options: GatewayFixtureOptions<U> | (() => GatewayFixtureOptions<U> | Promise<GatewayFixtureOptions<U>>) = {},
): GatewayFixture<U> {
  let tokens: Record<U, string> | undefined;
  const harness = useInSuite(
    "the test gateway",
    async () => {
      const { users, ...gatewayOptions } = typeof options === "function" ? await options() : options;
      const started = await startTestGateway(gatewayOptions);
      try {
        const issued = {} as Record<U, string>;
        for (const [user, role] of Object.entries(users ?? {}) as Array<[U, "user" | "admin"]>) issued[user] = await started.token(user, { admin: role === "admin" });
        tokens = issued;
        return started;
      } catch (error) {
        await started.close();
        throw error;
      }
    },
    async (started) => {
      try {
        expectCleanRun(started);
      } finally {
        await started.close();
      }
    },
  );
  return { harness, tokens: lateBound("the suite's tokens", () => tokens) };
}

/** A gateway of its own for part of one test (another configuration): `use` runs against it, then the run is checked clean and it closes. */
export async function withTestGateway<T>(options: TestGatewayOptions, use: (harness: TestGateway) => Promise<T>): Promise<T> {
  const harness = await startTestGateway(options);
  try {
    const result = await use(harness);
    expectCleanRun(harness);
    return result;
  } finally {
    await harness.close();
  }
}
