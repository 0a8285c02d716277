import path from "node:path";
import { readAuth, readGraphql, readLogging, readPlaid, readSafeguard, readServer, readTokenKeys, readWebsocketLimits } from "./config-sections.js";
import { readPersistedOperations, type PersistedDocumentsConfig } from "./config-persisted.js";
import { readReconcile, type ReconcileConfig } from "./config-reconcile.js";
import { envReader } from "./config-values.js";

export { ConfigError, decodeKey } from "./config-values.js";
export type { GraphqlLimits, LogFormat, LogLevel, PlaidEnv, WebsocketLimits } from "./config-sections.js";
export type { PersistedDocumentsConfig } from "./config-persisted.js";
export type { ReconcileConfig } from "./config-reconcile.js";
import type { GraphqlLimits, LogFormat, LogLevel, PlaidEnv, WebsocketLimits } from "./config-sections.js";

export interface Config {
  port: number;
  host: string;
  /** Base URL the gateway is reached at from outside (webhook URL); the listening address when unset. */
  publicUrl?: string;
  dataDir: string;
  /** Files and folders in DATA_DIR, derived once. */
  paths: DataPaths;
  /** No DATABASE_URL, REDIS_URL or auth configured: the zero-configuration start (`npm start`). */
  embeddedDefault: boolean;
  /**
   * The embedded default's development token may be handed to browsers on this machine (GraphiQL and
   * the dashboard pre-fill it): no auth configured, no PUBLIC_URL, and listening on loopback only.
   */
  offersDevelopmentToken: boolean;
  databaseUrl?: string;
  /** DATABASE_STATEMENT_TIMEOUT_MS: the deadline of each PostgreSQL statement and connection (lock waits get half), and of each PGlite operation's wait for its turn. */
  databaseStatementTimeoutMs: number;
  redisUrl?: string;
  /** Prefix of this deployment's Redis channels, so deployments sharing one Redis stay apart. */
  redisChannelPrefix: string;
  plaid: {
    env: PlaidEnv;
    /** What the gateway (or `npm run simulator`) uses: the configured credentials, or ones generated for this run of the simulator. */
    credentials: PlaidCredentials;
    simulatorPort: number;
    /** A simulator already running elsewhere (`npm run simulator`), shared by several gateways; none is started then. */
    simulatorUrl?: string;
    /** Name shown in Link. */
    clientName: string;
    /** Item fields are re-read from /item/get when the stored snapshot is older than this. */
    snapshotMaxAgeSeconds: number;
    /** How long one Plaid call may take (cached endpoints; slower endpoints get more). */
    timeoutMs: number;
  };
  /** ITEM_RECONCILE_*, WEBHOOK_URL_REPAIR: every live Item confirmed with Plaid in the background, webhooks kept pointed here. */
  reconcile: ReconcileConfig;
  auth: {
    jwtSecret?: string;
    jwksUrl?: string;
    issuer?: string;
    audience?: string;
    /** AUTH_JWT_SECRET or AUTH_JWKS_URL is set; otherwise tokens are signed with a secret generated in DATA_DIR. */
    configured: boolean;
  };
  /** NODE_ENV: "production" turns introspection and field suggestions off by default. */
  nodeEnv: string;
  graphql: GraphqlLimits;
  /** PERSISTED_QUERIES_TTL_SECONDS: how long a query registered through automatic persisted queries stays known. */
  persistedQueriesTtlSeconds: number;
  /** PERSISTED_DOCUMENTS: the operations of the clients' manifests, read at start; null when unset. */
  persistedDocuments: PersistedDocumentsConfig | null;
  /** GRAPHQL_WS_*: operations per graphql-ws connection and connections per user on this instance. */
  websocket: WebsocketLimits;
  /** Browser origins allowed to call the gateway (CORS); none by default. */
  corsOrigins: string[];
  /** GRAPHIQL: the GraphiQL page at GET / and GET /graphql (browsers); on unless NODE_ENV=production. */
  graphiql: boolean;
  /** Webhook signature verification; only an explicit WEBHOOK_VERIFICATION=off turns it off, never in production. */
  webhookVerification: boolean;
  /**
   * PUBLIC_TOKEN_BINDING: a public token is exchanged only for the user one of whose link tokens produced
   * it (asked of Plaid's /link/token/get). Only an explicit off turns it off, never in production.
   */
  publicTokenBinding: boolean;
  /** 32-byte key (hex or base64) for access tokens at rest; generated into DATA_DIR's key ring when unset. */
  tokenEncryptionKey?: string;
  /** Older keys (same forms) that still open rows sealed before a rotation; only with tokenEncryptionKey. */
  tokenEncryptionPreviousKeys: string[];
  logLevel: LogLevel;
  /** LOG_FORMAT; by default pretty for the embedded default (no DATABASE_URL, REDIS_URL or auth configured), JSON otherwise. */
  logFormat: LogFormat;
}

export interface DataPaths {
  /** The PGlite store (without DATABASE_URL). */
  pgliteDir: string;
  /** The generated HS256 secret (without AUTH_JWT_SECRET or AUTH_JWKS_URL). */
  authSecretFile: string;
  /** The built-in simulator's Items, users and keys, kept across restarts. */
  simulatorStateFile: string;
  /** New access tokens Plaid issued that the store could not save yet, kept sealed until a later rotation stores them. */
  keptAccessTokensDir: string;
}

export interface PlaidCredentials {
  clientId: string;
  secret: string;
  /** Made up for this run (the simulator without PLAID_CLIENT_ID and PLAID_SECRET). */
  generated: boolean;
}

/** Parses and checks every setting once, and derives what follows from them; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const read = envReader(env);
  const { simulatorPort, ...server } = readServer(read);
  const plaid = readPlaid(read, { port: server.port, simulatorPort });
  const auth = readAuth(read, plaid.env);
  const tokenKeys = readTokenKeys(read, plaid.env);
  const webhookVerification = readSafeguard(read, "WEBHOOK_VERIFICATION", plaid.env);
  const publicTokenBinding = readSafeguard(read, "PUBLIC_TOKEN_BINDING", plaid.env);
  const nodeEnv = read("NODE_ENV") ?? "development";
  const surface = readGraphql(read, nodeEnv);
  const embeddedDefault = !server.databaseUrl && !server.redisUrl && !auth.configured;
  return {
    ...server,
    paths: dataPaths(server.dataDir),
    embeddedDefault,
    offersDevelopmentToken: !auth.configured && !server.publicUrl && ["127.0.0.1", "localhost", "::1"].includes(server.host),
    plaid,
    reconcile: readReconcile(read, plaid.env, server.publicUrl),
    auth,
    nodeEnv,
    ...surface,
    ...readPersistedOperations(read),
    websocket: readWebsocketLimits(read),
    webhookVerification,
    publicTokenBinding,
    ...tokenKeys,
    ...readLogging(read, embeddedDefault),
  };
}

function dataPaths(dataDir: string): DataPaths {
  return {
    pgliteDir: path.join(dataDir, "pglite"),
    authSecretFile: path.join(dataDir, "auth-hs256.key"),
    simulatorStateFile: path.join(dataDir, "simulator-state.json"),
    keptAccessTokensDir: path.join(dataDir, "access-token-rotations"),
  };
}

/** Where and how the store is opened (the serve, migrate and rotate-key commands alike). */
export function storeOptionsOf(config: Config) {
  const statementTimeoutMs = config.databaseStatementTimeoutMs;
  return { databaseUrl: config.databaseUrl, pgliteDir: config.paths.pgliteDir, postgres: { statementTimeoutMs }, pglite: { statementTimeoutMs } };
}
