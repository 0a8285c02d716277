import path from "node:path";

/** Where Plaid calls go: the built-in simulator, or Plaid's own sandbox or production. */
export type PlaidEnv = "simulator" | "sandbox" | "production";
export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
/** One JSON object per line, or human-readable lines for a terminal. */
export type LogFormat = "json" | "pretty";

export interface Config {
  port: number;
  host: string;
  /** Base URL the gateway is reached at from outside (webhook URL); the listening address when unset. */
  publicUrl?: string;
  dataDir: string;
  databaseUrl?: string;
  redisUrl?: string;
  /** Prefix of this deployment's Redis channels, so deployments sharing one Redis stay apart. */
  redisChannelPrefix: string;
  plaid: {
    env: PlaidEnv;
    clientId?: string;
    secret?: string;
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
  auth: {
    jwtSecret?: string;
    jwksUrl?: string;
    issuer?: string;
    audience?: string;
  };
  /** NODE_ENV: "production" turns introspection and field suggestions off by default. */
  nodeEnv: string;
  graphql: GraphqlLimits;
  /** Browser origins allowed to call the gateway (CORS); none by default. */
  corsOrigins: string[];
  /** GRAPHIQL: the GraphiQL page at GET / and GET /graphql (browsers); on unless NODE_ENV=production. */
  graphiql: boolean;
  /** Webhook signature verification; only an explicit WEBHOOK_VERIFICATION=off turns it off, never in production. */
  webhookVerification: boolean;
  /** 32-byte key (hex or base64) for access tokens at rest; generated into DATA_DIR's key ring when unset. */
  tokenEncryptionKey?: string;
  /** Older keys (same forms) that still open rows sealed before a rotation; only with tokenEncryptionKey. */
  tokenEncryptionPreviousKeys: string[];
  logLevel: LogLevel;
  /** LOG_FORMAT; by default pretty for the embedded default (no DATABASE_URL, REDIS_URL or auth configured), JSON otherwise. */
  logFormat: LogFormat;
}

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

/** A configuration value that cannot be used; the message names the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = "ConfigError";
  }
}

const PLAID_ENVS: readonly PlaidEnv[] = ["simulator", "sandbox", "production"];
const LOG_LEVELS: readonly LogLevel[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

type Env = Record<string, string | undefined>;

/** Parses and checks every setting once; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const read = (name: string): string | undefined => {
    const value = env[name];
    if (value === undefined) return undefined;
    const trimmed = value.trim();
    return trimmed === "" ? undefined : trimmed;
  };

  const port = readPort(read, "PORT", 4000);
  const host = read("HOST") ?? "127.0.0.1";
  const simulatorPort = readPort(read, "SIMULATOR_PORT", 4010);
  const publicUrl = readUrl(read, "PUBLIC_URL", ["http:", "https:"]);
  const dataDir = path.resolve(read("DATA_DIR") ?? ".data");
  const databaseUrl = readUrl(read, "DATABASE_URL", ["postgres:", "postgresql:"]);
  const redisUrl = readUrl(read, "REDIS_URL", ["redis:", "rediss:"]);
  const redisChannelPrefix = read("REDIS_CHANNEL_PREFIX") ?? "item-events";
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(redisChannelPrefix)) {
    throw new ConfigError("REDIS_CHANNEL_PREFIX", "must be 1-64 letters, digits, or _ . : -");
  }

  const plaidEnv = (read("PLAID_ENV") ?? "simulator").toLowerCase();
  if (!PLAID_ENVS.includes(plaidEnv as PlaidEnv)) {
    throw new ConfigError("PLAID_ENV", `must be one of ${PLAID_ENVS.join(", ")} (got "${plaidEnv}")`);
  }
  const clientId = read("PLAID_CLIENT_ID");
  const secret = read("PLAID_SECRET");
  if (plaidEnv !== "simulator") {
    if (!clientId) throw new ConfigError("PLAID_CLIENT_ID", `is required when PLAID_ENV=${plaidEnv}`);
    if (!secret) throw new ConfigError("PLAID_SECRET", `is required when PLAID_ENV=${plaidEnv}`);
  }
  const simulatorUrl = readUrl(read, "SIMULATOR_URL", ["http:", "https:"]);
  if (simulatorUrl && plaidEnv !== "simulator") throw new ConfigError("SIMULATOR_URL", `applies only to PLAID_ENV=simulator (PLAID_ENV is ${plaidEnv})`);
  if (simulatorUrl && (!clientId || !secret)) {
    throw new ConfigError(clientId ? "PLAID_SECRET" : "PLAID_CLIENT_ID", "is required with SIMULATOR_URL: use the credentials that simulator accepts");
  }
  if (!simulatorUrl && port !== 0 && port === simulatorPort && plaidEnv === "simulator") {
    throw new ConfigError("SIMULATOR_PORT", `must differ from PORT (both are ${port})`);
  }

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

  const tokenEncryptionKey = read("TOKEN_ENCRYPTION_KEY");
  if (tokenEncryptionKey !== undefined && decodeKey(tokenEncryptionKey) === undefined) {
    throw new ConfigError("TOKEN_ENCRYPTION_KEY", "must be 32 bytes, as 64 hex characters or base64");
  }
  if (plaidEnv === "production" && !tokenEncryptionKey) {
    throw new ConfigError("TOKEN_ENCRYPTION_KEY", "is required when PLAID_ENV=production");
  }
  const tokenEncryptionPreviousKeys = (read("TOKEN_ENCRYPTION_PREVIOUS_KEYS") ?? "")
    .split(",")
    .map((key) => key.trim())
    .filter(Boolean);
  tokenEncryptionPreviousKeys.forEach((key, index) => {
    // The message names the entry's position, never its value.
    if (decodeKey(key) === undefined) {
      throw new ConfigError("TOKEN_ENCRYPTION_PREVIOUS_KEYS", `entry ${index + 1} must be 32 bytes, as 64 hex characters or base64`);
    }
  });
  if (tokenEncryptionPreviousKeys.length > 0 && !tokenEncryptionKey) {
    throw new ConfigError("TOKEN_ENCRYPTION_PREVIOUS_KEYS", "needs TOKEN_ENCRYPTION_KEY (the active key); without it the keys live in DATA_DIR's key ring");
  }

  const verification = (read("WEBHOOK_VERIFICATION") ?? "on").toLowerCase();
  if (verification !== "on" && verification !== "off") {
    throw new ConfigError("WEBHOOK_VERIFICATION", `must be on or off (got "${verification}")`);
  }
  if (verification === "off" && plaidEnv === "production") {
    throw new ConfigError("WEBHOOK_VERIFICATION", "cannot be off when PLAID_ENV=production");
  }

  const nodeEnv = read("NODE_ENV") ?? "development";
  const introspection = readSwitch(read, "GRAPHQL_INTROSPECTION", nodeEnv !== "production");
  const graphql: GraphqlLimits = {
    introspection,
    maxDepth: readInt(read, "GRAPHQL_MAX_DEPTH", 10, 1, 100),
    maxAliases: readInt(read, "GRAPHQL_MAX_ALIASES", 15, 0, 1000),
    maxDirectives: readInt(read, "GRAPHQL_MAX_DIRECTIVES", 50, 0, 1000),
    maxTokens: readInt(read, "GRAPHQL_MAX_TOKENS", 1000, 10, 100_000),
    maxDocumentBytes: readInt(read, "GRAPHQL_MAX_DOCUMENT_BYTES", 15_000, 100, 1_000_000),
    maxCost: readInt(read, "GRAPHQL_MAX_COST", 5000, 1, 10_000_000),
  };
  const graphiql = readSwitch(read, "GRAPHIQL", nodeEnv !== "production");
  const corsOrigins = (read("CORS_ORIGINS") ?? "")
    .split(",")
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of corsOrigins) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = null;
    }
    if (!parsed || !["http:", "https:"].includes(parsed.protocol) || parsed.origin !== origin) {
      throw new ConfigError("CORS_ORIGINS", `"${origin.slice(0, 80)}" is not an origin (scheme://host[:port], no path)`);
    }
  }

  const logLevel = (read("LOG_LEVEL") ?? "info").toLowerCase();
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) {
    throw new ConfigError("LOG_LEVEL", `must be one of ${LOG_LEVELS.join(", ")} (got "${logLevel}")`);
  }
  const embeddedDefault = !databaseUrl && !redisUrl && !jwtSecret && !jwksUrl;
  const logFormat = (read("LOG_FORMAT") ?? (embeddedDefault ? "pretty" : "json")).toLowerCase();
  if (logFormat !== "json" && logFormat !== "pretty") {
    throw new ConfigError("LOG_FORMAT", `must be json or pretty (got "${logFormat.slice(0, 20)}")`);
  }

  return {
    port,
    host,
    publicUrl: publicUrl?.replace(/\/+$/, ""),
    dataDir,
    databaseUrl,
    redisUrl,
    redisChannelPrefix,
    plaid: {
      env: plaidEnv as PlaidEnv,
      clientId,
      secret,
      simulatorPort,
      simulatorUrl: simulatorUrl?.replace(/\/+$/, ""),
      clientName: read("PLAID_CLIENT_NAME") ?? "Plaid Item Gateway",
      snapshotMaxAgeSeconds: readInt(read, "ITEM_SNAPSHOT_MAX_AGE_SECONDS", 300, 0, 86_400),
      timeoutMs: readInt(read, "PLAID_TIMEOUT_MS", 10_000, 100, 120_000),
    },
    auth: {
      jwtSecret,
      jwksUrl,
      issuer: read("AUTH_ISSUER"),
      audience: read("AUTH_AUDIENCE"),
    },
    nodeEnv,
    graphql,
    corsOrigins,
    graphiql,
    webhookVerification: verification === "on",
    tokenEncryptionKey,
    tokenEncryptionPreviousKeys,
    logLevel: logLevel as LogLevel,
    logFormat,
  };
}

/** A 32-byte key from 64 hex characters or base64; undefined when it is neither. */
export function decodeKey(text: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, "hex");
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) {
    const key = Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    if (key.length === 32) return key;
  }
  return undefined;
}

function readSwitch(read: (n: string) => string | undefined, name: string, fallback: boolean): boolean {
  const text = read(name)?.toLowerCase();
  if (text === undefined) return fallback;
  if (["on", "true", "1"].includes(text)) return true;
  if (["off", "false", "0"].includes(text)) return false;
  throw new ConfigError(name, `must be on or off (got "${text.slice(0, 20)}")`);
}

function readPort(read: (n: string) => string | undefined, name: string, fallback: number): number {
  return readInt(read, name, fallback, 0, 65_535);
}

function readInt(read: (n: string) => string | undefined, name: string, fallback: number, min: number, max: number): number {
  const text = read(name);
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) throw new ConfigError(name, `must be a whole number (got "${text}")`);
  const value = Number(text);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max} (got ${value})`);
  return value;
}

function readUrl(read: (n: string) => string | undefined, name: string, protocols: string[]): string | undefined {
  const text = read(name);
  if (text === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(name, "is not a valid URL");
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(name, `must use ${protocols.map((p) => p.replace(/:$/, "")).join(" or ")} (got ${url.protocol.replace(/:$/, "")})`);
  }
  return text;
}
