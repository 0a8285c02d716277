import path from "node:path";
import { describe, expect, it } from "vitest";
import { configFailure } from "../support/config-failure.js";
import { loadConfig } from "../../src/config.js";

const failure = configFailure;

describe("configuration", () => {
  it("starts with no configuration at all: the embedded default", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 4000,
      host: "127.0.0.1",
      dataDir: path.resolve(".data"),
      databaseUrl: undefined,
      databaseStatementTimeoutMs: 2000,
      redisUrl: undefined,
      plaid: { env: "simulator", simulatorPort: 4010, snapshotMaxAgeSeconds: 300 },
      logLevel: "info",
    });
    expect(config.publicUrl).toBeUndefined();
  });

  it("derives DATA_DIR's files, the embedded default and the simulator's credentials once", () => {
    const embedded = loadConfig({ DATA_DIR: "/srv/gateway" });
    expect(embedded.paths).toEqual({
      pgliteDir: "/srv/gateway/pglite",
      authSecretFile: "/srv/gateway/auth-hs256.key",
      simulatorStateFile: "/srv/gateway/simulator-state.json",
      keptAccessTokensDir: "/srv/gateway/access-token-rotations",
    });
    expect(embedded).toMatchObject({ embeddedDefault: true, offersDevelopmentToken: true, auth: { configured: false } });
    // The simulator without credentials gets ones made up for this run; given ones are kept.
    expect(embedded.plaid.credentials).toMatchObject({ clientId: expect.stringMatching(/^[0-9a-f]{24}$/), secret: expect.stringMatching(/^[0-9a-f]{30}$/), generated: true });
    expect(loadConfig({ PLAID_CLIENT_ID: "cid", PLAID_SECRET: "sec" }).plaid.credentials).toEqual({ clientId: "cid", secret: "sec", generated: false });

    const configured = loadConfig({ AUTH_JWT_SECRET: "x".repeat(32) });
    expect(configured).toMatchObject({ embeddedDefault: false, offersDevelopmentToken: false, auth: { configured: true } });
    expect(loadConfig({ REDIS_URL: "redis://cache:6379" }).embeddedDefault).toBe(false);
    expect(loadConfig({ PUBLIC_URL: "https://gateway.example.com" }).offersDevelopmentToken).toBe(false);
    expect(loadConfig({ HOST: "0.0.0.0" }).offersDevelopmentToken).toBe(false);
  });

  it("reads every variable it documents", () => {
    const config = loadConfig({
      PORT: "8080",
      HOST: "0.0.0.0",
      PUBLIC_URL: "https://gateway.example.com/",
      DATA_DIR: "/var/lib/gateway",
      DATABASE_URL: "postgres://u:p@db:5432/app",
      DATABASE_STATEMENT_TIMEOUT_MS: "4000",
      REDIS_URL: "redis://cache:6379",
      PLAID_ENV: "sandbox",
      PLAID_CLIENT_ID: "client",
      PLAID_SECRET: "secret",
      SIMULATOR_PORT: "4011",
      AUTH_JWKS_URL: "https://id.example.com/.well-known/jwks.json",
      AUTH_ISSUER: "https://id.example.com/",
      AUTH_AUDIENCE: "gateway",
      TOKEN_ENCRYPTION_KEY: "ab".repeat(32),
      LOG_LEVEL: "debug",
    });
    expect(config).toMatchObject({
      port: 8080,
      host: "0.0.0.0",
      publicUrl: "https://gateway.example.com",
      dataDir: "/var/lib/gateway",
      databaseUrl: "postgres://u:p@db:5432/app",
      databaseStatementTimeoutMs: 4000,
      redisUrl: "redis://cache:6379",
      plaid: { env: "sandbox", credentials: { clientId: "client", secret: "secret", generated: false }, simulatorPort: 4011 },
      auth: { jwksUrl: "https://id.example.com/.well-known/jwks.json", issuer: "https://id.example.com/", audience: "gateway" },
      logLevel: "debug",
    });
  });

  it.each([
    [{ PLAID_ENV: "production" }, "PLAID_CLIENT_ID", /required when PLAID_ENV=production/],
    [{ PLAID_ENV: "production", PLAID_CLIENT_ID: "c" }, "PLAID_SECRET", /required when PLAID_ENV=production/],
    [{ PLAID_ENV: "sandbox", PLAID_SECRET: "s" }, "PLAID_CLIENT_ID", /required/],
    [{ PLAID_ENV: "live" }, "PLAID_ENV", /simulator, sandbox, production/],
    [{ PORT: "80a" }, "PORT", /whole number/],
    [{ PORT: "70000" }, "PORT", /between 0 and 65535/],
    [{ PORT: "-1" }, "PORT", /whole number/],
    [{ SIMULATOR_PORT: "4000" }, "SIMULATOR_PORT", /must differ from PORT/],
    [{ DATABASE_URL: "mysql://db/app" }, "DATABASE_URL", /postgres or postgresql/],
    [{ DATABASE_URL: "not a url" }, "DATABASE_URL", /not a valid URL/],
    [{ REDIS_URL: "http://cache" }, "REDIS_URL", /redis or rediss/],
    [{ PUBLIC_URL: "ftp://x" }, "PUBLIC_URL", /http or https/],
    [{ AUTH_JWT_SECRET: "short" }, "AUTH_JWT_SECRET", /at least 32 bytes/],
    [{ AUTH_JWT_SECRET: "x".repeat(40), AUTH_JWKS_URL: "https://id/jwks" }, "AUTH_JWT_SECRET", /not both/],
    [{ AUTH_JWKS_URL: "jwks.json" }, "AUTH_JWKS_URL", /not a valid URL/],
    [{ TOKEN_ENCRYPTION_KEY: "abc" }, "TOKEN_ENCRYPTION_KEY", /32 bytes/],
    [{ PLAID_ENV: "production", PLAID_CLIENT_ID: "c", PLAID_SECRET: "s", TOKEN_ENCRYPTION_KEY: "ab".repeat(32) }, "AUTH_JWKS_URL", /production needs/],
    [{ PLAID_ENV: "production", PLAID_CLIENT_ID: "c", PLAID_SECRET: "s", AUTH_JWKS_URL: "https://id/jwks" }, "TOKEN_ENCRYPTION_KEY", /required when PLAID_ENV=production/],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL", /one of/],
    [{ SIMULATOR_URL: "http://127.0.0.1:4010" }, "PLAID_CLIENT_ID", /required with SIMULATOR_URL/],
    [{ SIMULATOR_URL: "http://127.0.0.1:4010", PLAID_CLIENT_ID: "c" }, "PLAID_SECRET", /required with SIMULATOR_URL/],
    [{ SIMULATOR_URL: "http://x", PLAID_ENV: "sandbox", PLAID_CLIENT_ID: "c", PLAID_SECRET: "s" }, "SIMULATOR_URL", /only to PLAID_ENV=simulator/],
    [{ WEBHOOK_VERIFICATION: "maybe" }, "WEBHOOK_VERIFICATION", /on or off/],
    [{ PUBLIC_TOKEN_BINDING: "maybe" }, "PUBLIC_TOKEN_BINDING", /must be on or off \(got "maybe"\)/],
    [{ PUBLIC_TOKEN_BINDING: "false" }, "PUBLIC_TOKEN_BINDING", /on or off/],
    [{ PUBLIC_TOKEN_BINDING: "0" }, "PUBLIC_TOKEN_BINDING", /on or off/],
    [
      { PUBLIC_TOKEN_BINDING: "off", PLAID_ENV: "production", PLAID_CLIENT_ID: "c", PLAID_SECRET: "s", AUTH_JWKS_URL: "https://id/jwks", TOKEN_ENCRYPTION_KEY: "ab".repeat(32) },
      "PUBLIC_TOKEN_BINDING",
      /cannot be off when PLAID_ENV=production/,
    ],
    [{ REDIS_CHANNEL_PREFIX: "has spaces" }, "REDIS_CHANNEL_PREFIX", /letters, digits/],
    [{ GRAPHQL_INTROSPECTION: "sometimes" }, "GRAPHQL_INTROSPECTION", /on or off/],
    [{ GRAPHQL_MAX_DEPTH: "0" }, "GRAPHQL_MAX_DEPTH", /between 1 and 100/],
    [{ GRAPHQL_MAX_COST: "lots" }, "GRAPHQL_MAX_COST", /whole number/],
    [{ CORS_ORIGINS: "https://app.example.com/path" }, "CORS_ORIGINS", /not an origin/],
    [{ CORS_ORIGINS: "*" }, "CORS_ORIGINS", /not an origin/],
    [{ PLAID_TIMEOUT_MS: "5" }, "PLAID_TIMEOUT_MS", /between 100 and 120000/],
    [{ DATABASE_STATEMENT_TIMEOUT_MS: "50" }, "DATABASE_STATEMENT_TIMEOUT_MS", /between 100 and 600000/],
    [{ DATABASE_STATEMENT_TIMEOUT_MS: "2s" }, "DATABASE_STATEMENT_TIMEOUT_MS", /whole number/],
    [
      { WEBHOOK_VERIFICATION: "off", PLAID_ENV: "production", PLAID_CLIENT_ID: "c", PLAID_SECRET: "s", AUTH_JWKS_URL: "https://id/jwks", TOKEN_ENCRYPTION_KEY: "ab".repeat(32) },
      "WEBHOOK_VERIFICATION",
      /cannot be off/,
    ],
    [{ ITEM_SNAPSHOT_MAX_AGE_SECONDS: "999999" }, "ITEM_SNAPSHOT_MAX_AGE_SECONDS", /between/],
    [{ GRAPHQL_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: "0" }, "GRAPHQL_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION", /between 1 and 10000 \(got 0\)/],
    [{ GRAPHQL_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: "unlimited" }, "GRAPHQL_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION", /whole number/],
    [{ GRAPHQL_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: "1e3" }, "GRAPHQL_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION", /whole number/],
    [{ GRAPHQL_WS_MAX_CONNECTIONS_PER_USER: "0" }, "GRAPHQL_WS_MAX_CONNECTIONS_PER_USER", /between 1 and 1000000 \(got 0\)/],
    [{ GRAPHQL_WS_MAX_CONNECTIONS_PER_USER: "-1" }, "GRAPHQL_WS_MAX_CONNECTIONS_PER_USER", /whole number/],
    [{ GRAPHQL_WS_MAX_CONNECTIONS_PER_USER: "2.5" }, "GRAPHQL_WS_MAX_CONNECTIONS_PER_USER", /whole number/],
  ])("refuses %j naming %s", (env, variable, message) => {
    const error = failure(env as Record<string, string>);
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}: `)).toBe(true);
    expect(error.message).toMatch(message);
    expect(error.message.split("\n")).toHaveLength(1);
  });

  it("never repeats a URL's password in its error", () => {
    const error = failure({ DATABASE_URL: "mysql://user:hunter2@db/app" });
    expect(error.message).not.toContain("hunter2");
  });

  it("turns introspection off by default in production, on elsewhere, and reads the limits", () => {
    expect(loadConfig({}).graphql).toEqual({ introspection: true, maxDepth: 10, maxAliases: 15, maxDirectives: 50, maxTokens: 1000, maxDocumentBytes: 15000, maxCost: 5000 });
    expect(loadConfig({ NODE_ENV: "production" }).graphql.introspection).toBe(false);
    expect(loadConfig({ NODE_ENV: "production", GRAPHQL_INTROSPECTION: "on" }).graphql.introspection).toBe(true);
    expect(loadConfig({ CORS_ORIGINS: "https://app.example.com, http://localhost:3000" }).corsOrigins).toEqual(["https://app.example.com", "http://localhost:3000"]);
  });

  it("caps WebSocket subscriptions per connection at 100 and connections per user at 20 unless told otherwise", () => {
    expect(loadConfig({}).websocket).toEqual({ maxSubscriptionsPerConnection: 100, maxConnectionsPerUser: 20 });
    expect(loadConfig({ GRAPHQL_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: "250", GRAPHQL_WS_MAX_CONNECTIONS_PER_USER: " 12000 " }).websocket).toEqual({
      maxSubscriptionsPerConnection: 250,
      maxConnectionsPerUser: 12000,
    });
  });

  it("binds public tokens to their user unless PUBLIC_TOKEN_BINDING=off, which only outside production is allowed", () => {
    expect(loadConfig({}).publicTokenBinding).toBe(true);
    expect(loadConfig({ PUBLIC_TOKEN_BINDING: "ON" }).publicTokenBinding).toBe(true);
    expect(loadConfig({ PUBLIC_TOKEN_BINDING: "off" }).publicTokenBinding).toBe(false);
    expect(loadConfig({ PUBLIC_TOKEN_BINDING: "off", PLAID_ENV: "sandbox", PLAID_CLIENT_ID: "c", PLAID_SECRET: "s" }).publicTokenBinding).toBe(false);
    const production = { PLAID_ENV: "production", PLAID_CLIENT_ID: "c", PLAID_SECRET: "s", AUTH_JWKS_URL: "https://id/jwks", TOKEN_ENCRYPTION_KEY: "ab".repeat(32) };
    expect(loadConfig(production).publicTokenBinding).toBe(true);
  });

  it("treats blank values as unset", () => {
    expect(loadConfig({ PORT: "  ", PLAID_ENV: "" }).port).toBe(4000);
  });

  it("accepts a base64 encryption key as well as hex", () => {
    expect(loadConfig({ TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64") }).tokenEncryptionKey).toBeDefined();
  });
});
