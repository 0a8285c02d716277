import { randomBytes } from "node:crypto";
import path from "node:path";
import { ConfigError, decodeKey, readInt, readList, readPort, readSwitch, readUrl, type EnvReader } from "./config-values.js";

/** Where Plaid calls go: the built-in simulator, or Plaid's own sandbox or production. */
export type PlaidEnv = "simulator" | "sandbox" | "production";
export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
/** One JSON object per line, or human-readable lines for a terminal. */
export type LogFormat = "json" | "pretty";

/** Limits every GraphQL operation must stay within, over HTTP and WebSocket alike. */
export interface GraphqlLimits {
  introspection: boolean;
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  maxDocumentBytes: number;
  maxCost: number;
}

/** What one client may hold open over graphql-ws on one instance. */
export interface WebsocketLimits {
  /** Operations one connection may run at once: subscriptions, and queries or mutations until they answer. */
  maxSubscriptionsPerConnection: number;
  /** Connections one user (by clientUserId, admins alike) may hold open on this instance. */
  maxConnectionsPerUser: number;
}

const PLAID_ENVS: readonly PlaidEnv[] = ["simulator", "sandbox", "production"];
const LOG_LEVELS: readonly LogLevel[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

/** Where the gateway listens and what it shares with other instances. */
export function readServer(read: EnvReader) {
  const port = readPort(read, "PORT", 4000);
  const host = read("HOST") ?? "127.0.0.1";
  const simulatorPort = readPort(read, "SIMULATOR_PORT", 4010);
  const publicUrl = readUrl(read, "PUBLIC_URL", ["http:", "https:"]);
  const dataDir = path.resolve(read("DATA_DIR") ?? ".data");
  const databaseUrl = readUrl(read, "DATABASE_URL", ["postgres:", "postgresql:"]);
  // How long a PostgreSQL statement or connection may take before the store counts as unavailable (webhooks are then answered 503 within Plaid's 10 s).
  const databaseStatementTimeoutMs = readInt(read, "DATABASE_STATEMENT_TIMEOUT_MS", 2000, 100, 600_000);
  const redisUrl = readUrl(read, "REDIS_URL", ["redis:", "rediss:"]);
  const redisChannelPrefix = read("REDIS_CHANNEL_PREFIX") ?? "item-events";
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(redisChannelPrefix)) {
    throw new ConfigError("REDIS_CHANNEL_PREFIX", "must be 1-64 letters, digits, or _ . : -");
  }
  return { port, host, simulatorPort, publicUrl: publicUrl?.replace(/\/+$/, ""), dataDir, databaseUrl, databaseStatementTimeoutMs, redisUrl, redisChannelPrefix };
}

/** PLAID_ENV and what it needs: credentials for Plaid, or a simulator (built in, or shared at SIMULATOR_URL). */
export function readPlaid(read: EnvReader, ports: { port: number; simulatorPort: number }) {
  const env = (read("PLAID_ENV") ?? "simulator").toLowerCase();
  if (!PLAID_ENVS.includes(env as PlaidEnv)) {
    throw new ConfigError("PLAID_ENV", `must be one of ${PLAID_ENVS.join(", ")} (got "${env}")`);
  }
  const clientId = read("PLAID_CLIENT_ID");
  const secret = read("PLAID_SECRET");
  if (env !== "simulator") {
    if (!clientId) throw new ConfigError("PLAID_CLIENT_ID", `is required when PLAID_ENV=${env}`);
    if (!secret) throw new ConfigError("PLAID_SECRET", `is required when PLAID_ENV=${env}`);
  }
  const simulatorUrl = readUrl(read, "SIMULATOR_URL", ["http:", "https:"]);
  if (simulatorUrl && env !== "simulator") throw new ConfigError("SIMULATOR_URL", `applies only to PLAID_ENV=simulator (PLAID_ENV is ${env})`);
  if (simulatorUrl && (!clientId || !secret)) {
    throw new ConfigError(clientId ? "PLAID_SECRET" : "PLAID_CLIENT_ID", "is required with SIMULATOR_URL: use the credentials that simulator accepts");
  }
  if (!simulatorUrl && ports.port !== 0 && ports.port === ports.simulatorPort && env === "simulator") {
    throw new ConfigError("SIMULATOR_PORT", `must differ from PORT (both are ${ports.port})`);
  }
  return {
    env: env as PlaidEnv,
    credentials: plaidCredentials(clientId, secret),
    simulatorPort: ports.simulatorPort,
    simulatorUrl: simulatorUrl?.replace(/\/+$/, ""),
    clientName: read("PLAID_CLIENT_NAME") ?? "Plaid Item Gateway",
    snapshotMaxAgeSeconds: readInt(read, "ITEM_SNAPSHOT_MAX_AGE_SECONDS", 300, 0, 86_400),
    timeoutMs: readInt(read, "PLAID_TIMEOUT_MS", 10_000, 100, 120_000),
  };
}

/** Sandbox and production always have both (checked above); the simulator makes up what is missing for this run. */
function plaidCredentials(clientId: string | undefined, secret: string | undefined) {
  return {
    clientId: clientId ?? randomBytes(12).toString("hex"),
    secret: secret ?? randomBytes(15).toString("hex"),
    generated: !clientId || !secret,
  };
}

/** Bearer token verification: a shared HS256 secret or an identity provider's key set (neither: the embedded default's generated secret). */
export function readAuth(read: EnvReader, plaidEnv: PlaidEnv) {
  const jwtSecret = read("AUTH_JWT_SECRET");
  const jwksUrl = readUrl(read, "AUTH_JWKS_URL", ["http:", "https:"]);
  if (jwtSecret && jwksUrl) {
    throw new ConfigError("AUTH_JWT_SECRET", "set either AUTH_JWT_SECRET or AUTH_JWKS_URL, not both");
  }
  if (jwtSecret && Buffer.byteLength(jwtSecret) < 32) {
    throw new ConfigError("AUTH_JWT_SECRET", "must be at least 32 bytes long for HS256");
  }
  if (plaidEnv === "production" && !jwtSecret && !jwksUrl) {
    throw new ConfigError("AUTH_JWKS_URL", "PLAID_ENV=production needs AUTH_JWKS_URL or AUTH_JWT_SECRET; the generated development secret is not for production");
  }
  return { jwtSecret, jwksUrl, issuer: read("AUTH_ISSUER"), audience: read("AUTH_AUDIENCE"), configured: Boolean(jwtSecret || jwksUrl) };
}

/** The keys access tokens are sealed with at rest (DATA_DIR's generated key ring when none is configured). */
export function readTokenKeys(read: EnvReader, plaidEnv: PlaidEnv) {
  const tokenEncryptionKey = read("TOKEN_ENCRYPTION_KEY");
  if (tokenEncryptionKey !== undefined && decodeKey(tokenEncryptionKey) === undefined) {
    throw new ConfigError("TOKEN_ENCRYPTION_KEY", "must be 32 bytes, as 64 hex characters or base64");
  }
  if (plaidEnv === "production" && !tokenEncryptionKey) {
    throw new ConfigError("TOKEN_ENCRYPTION_KEY", "is required when PLAID_ENV=production");
  }
  const tokenEncryptionPreviousKeys = readList(read, "TOKEN_ENCRYPTION_PREVIOUS_KEYS");
  tokenEncryptionPreviousKeys.forEach((key, index) => {
    // The message names the entry's position, never its value.
    if (decodeKey(key) === undefined) {
      throw new ConfigError("TOKEN_ENCRYPTION_PREVIOUS_KEYS", `entry ${index + 1} must be 32 bytes, as 64 hex characters or base64`);
    }
  });
  if (tokenEncryptionPreviousKeys.length > 0 && !tokenEncryptionKey) {
    throw new ConfigError("TOKEN_ENCRYPTION_PREVIOUS_KEYS", "needs TOKEN_ENCRYPTION_KEY (the active key); without it the keys live in DATA_DIR's key ring");
  }
  return { tokenEncryptionKey, tokenEncryptionPreviousKeys };
}

/** A safeguard (WEBHOOK_VERIFICATION, PUBLIC_TOKEN_BINDING): on unless explicitly turned off, and never off with PLAID_ENV=production. */
export function readSafeguard(read: EnvReader, name: string, plaidEnv: PlaidEnv): boolean {
  const value = (read(name) ?? "on").toLowerCase();
  if (value !== "on" && value !== "off") {
    throw new ConfigError(name, `must be on or off (got "${value.slice(0, 20)}")`);
  }
  if (value === "off" && plaidEnv === "production") {
    throw new ConfigError(name, "cannot be off when PLAID_ENV=production");
  }
  return value === "on";
}

/** The GraphQL surface: limits, introspection, GraphiQL and the browser origins allowed to call. */
export function readGraphql(read: EnvReader, nodeEnv: string): { graphql: GraphqlLimits; graphiql: boolean; corsOrigins: string[] } {
  const graphql: GraphqlLimits = {
    introspection: readSwitch(read, "GRAPHQL_INTROSPECTION", nodeEnv !== "production"),
    maxDepth: readInt(read, "GRAPHQL_MAX_DEPTH", 10, 1, 100),
    maxAliases: readInt(read, "GRAPHQL_MAX_ALIASES", 15, 0, 1000),
    maxDirectives: readInt(read, "GRAPHQL_MAX_DIRECTIVES", 50, 0, 1000),
    maxTokens: readInt(read, "GRAPHQL_MAX_TOKENS", 1000, 10, 100_000),
    maxDocumentBytes: readInt(read, "GRAPHQL_MAX_DOCUMENT_BYTES", 15_000, 100, 1_000_000),
    maxCost: readInt(read, "GRAPHQL_MAX_COST", 5000, 1, 10_000_000),
  };
  const graphiql = readSwitch(read, "GRAPHIQL", nodeEnv !== "production");
  const corsOrigins = readList(read, "CORS_ORIGINS");
  for (const origin of corsOrigins) {
    if (!isOrigin(origin)) throw new ConfigError("CORS_ORIGINS", `"${origin.slice(0, 80)}" is not an origin (scheme://host[:port], no path)`);
  }
  return { graphql, graphiql, corsOrigins };
}

/** GRAPHQL_WS_*: caps on what one user or one connection holds open over graphql-ws. */
export function readWebsocketLimits(read: EnvReader): WebsocketLimits {
  return {
    maxSubscriptionsPerConnection: readInt(read, "GRAPHQL_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION", 100, 1, 10_000),
    maxConnectionsPerUser: readInt(read, "GRAPHQL_WS_MAX_CONNECTIONS_PER_USER", 20, 1, 1_000_000),
  };
}

function isOrigin(text: string): boolean {
  try {
    const url = new URL(text);
    return ["http:", "https:"].includes(url.protocol) && url.origin === text;
  } catch {
    return false;
  }
}

/** LOG_LEVEL and LOG_FORMAT (pretty by default for the embedded default, JSON otherwise). */
export function readLogging(read: EnvReader, embeddedDefault: boolean): { logLevel: LogLevel; logFormat: LogFormat } {
  const logLevel = (read("LOG_LEVEL") ?? "info").toLowerCase();
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) {
    throw new ConfigError("LOG_LEVEL", `must be one of ${LOG_LEVELS.join(", ")} (got "${logLevel}")`);
  }
  const logFormat = (read("LOG_FORMAT") ?? (embeddedDefault ? "pretty" : "json")).toLowerCase();
  if (logFormat !== "json" && logFormat !== "pretty") {
    throw new ConfigError("LOG_FORMAT", `must be json or pretty (got "${logFormat.slice(0, 20)}")`);
  }
  return { logLevel: logLevel as LogLevel, logFormat };
}
