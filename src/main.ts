#!/usr/bin/env node
import "reflect-metadata";
import { printSchema } from "graphql";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { signDevToken } from "./auth/dev-token.js";
import { ConfigError, loadConfig, type Config } from "./config.js";
import { openStore } from "./datasources/store/store.js";
import { isClientUserId } from "./domain/viewer.js";
import { createLogger } from "./logger.js";
import { buildGatewaySchema } from "./graphql/schema.js";
import { readOrCreateSecretFile } from "./secret-file.js";

const USAGE = `Usage: plaid-item-gateway <command> [options]

Commands:
  serve                       start the gateway (default)
  simulator                   start the Plaid simulator on its own (SIMULATOR_PORT)
  emit-schema [--out FILE]    write the GraphQL schema (default: schema.graphql)
  migrate                     apply database migrations and exit
  token --user ID [--admin] [--expires-in 12h]
                              print a bearer token signed with the gateway's HS256 secret
  rotate-key                  make a new token encryption key active (DATA_DIR's key ring) or use the
                              configured TOKEN_ENCRYPTION_KEY, and re-seal every access token with it
`;

/** A command-line mistake: printed with the usage, exit code 2. */
class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command = "serve", ...rest] = argv;
  switch (command) {
    case "serve":
      noArguments(command, rest);
      return serve(loadConfig());
    case "simulator":
      noArguments(command, rest);
      return simulator(loadConfig());
    case "emit-schema":
      return emitSchema(rest);
    case "migrate":
      noArguments(command, rest);
      return migrateOnly(loadConfig());
    case "token":
      return token(loadConfig(), rest);
    case "rotate-key":
      parseArgs({ args: rest, options: {}, strict: true, allowPositionals: false });
      return rotateKey(loadConfig());
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(USAGE);
      return 0;
    default:
      throw new UsageError(`Unknown command "${command}"`);
  }
}

function noArguments(command: string, rest: string[]): void {
  if (rest.length > 0) throw new UsageError(`${command} takes no arguments (got ${rest.join(" ")})`);
}

async function serve(config: Config): Promise<number> {
  const { startGateway } = await import("./server.js");
  const gateway = await startGateway(config);
  const lines = [
    "",
    "Plaid Item Gateway is running",
    `  GraphQL   ${gateway.graphqlUrl}`,
    ...(config.graphiql ? [`  GraphiQL  ${gateway.url}/`] : []),
    `  Dashboard ${gateway.url}/dashboard`,
    `  Plaid     ${gateway.simulator ? `built-in simulator at ${gateway.simulator.url}` : config.plaid.simulatorUrl ? `simulator at ${config.plaid.simulatorUrl}` : config.plaid.env}`,
    `  Store     ${gateway.store.db.kind === "pglite" ? `PGlite in ${config.paths.pgliteDir}` : "PostgreSQL"}`,
  ];
  if (!config.auth.configured && gateway.issueToken) {
    const devToken = await gateway.issueToken("developer", { admin: true, expiresIn: "12h" });
    gateway.showDevelopmentToken(devToken);
    lines.push(
      "",
      'Development token (user "developer", admin, valid 12 hours; `npm run token -- --user alice` makes others):',
      devToken,
      "",
      "Try:",
      `  curl -s ${gateway.graphqlUrl} -H 'content-type: application/json' -H "authorization: Bearer <token>" \\`,
      `    -d '{"query":"mutation { sandboxCreateItem { id status } }"}'`,
    );
  }
  process.stdout.write(lines.join("\n") + "\n\n");
  await waitForSignal();
  await gateway.stop();
  return 0;
}

async function simulator(config: Config): Promise<number> {
  const { clientId, secret, generated } = config.plaid.credentials;
  const { startPlaidSimulator } = await import("./simulator/index.js");
  const logger = createLogger({ level: config.logLevel, name: "plaid-simulator" });
  const running = await startPlaidSimulator({
    host: config.host,
    port: config.plaid.simulatorPort,
    clientId,
    secret,
    stateFile: config.paths.simulatorStateFile,
    logger,
  });
  const lines = [`Plaid simulator listening at ${running.url}`];
  if (generated) {
    lines.push("Credentials for this run (set PLAID_CLIENT_ID and PLAID_SECRET to choose your own):", `  PLAID_CLIENT_ID=${clientId}`, `  PLAID_SECRET=${secret}`);
  }
  process.stdout.write(lines.join("\n") + "\n");
  await waitForSignal();
  await running.close();
  return 0;
}

async function emitSchema(rest: string[]): Promise<number> {
  const { values } = parseArgs({ args: rest, options: { out: { type: "string" } }, strict: true, allowPositionals: false });
  const out = path.resolve(values.out ?? "schema.graphql");
  const schema = await buildGatewaySchema();
  const header = "# The gateway's GraphQL schema, emitted from the code by `npm run emit-schema`. Do not edit by hand.\n\n";
  writeFileSync(out, header + printSchema(schema) + "\n");
  process.stdout.write(`Wrote ${path.relative(process.cwd(), out) || out}\n`);
  return 0;
}

async function migrateOnly(config: Config): Promise<number> {
  const store = await openStore({ databaseUrl: config.databaseUrl, pgliteDir: config.paths.pgliteDir });
  await store.close();
  process.stdout.write(`Migrations are up to date (${store.db.kind}).\n`);
  return 0;
}

async function token(config: Config, rest: string[]): Promise<number> {
  const { values } = parseArgs({
    args: rest,
    options: { user: { type: "string" }, admin: { type: "boolean", default: false }, "expires-in": { type: "string", default: "12h" } },
    strict: true,
    allowPositionals: false,
  });
  if (!values.user) throw new UsageError("token needs --user <id> (the application's user id, used as the token subject)");
  if (!isClientUserId(values.user)) throw new UsageError("--user must be 1-128 printable characters");
  if (!/^\d+\s?(s|m|h|d)$/.test(values["expires-in"]!)) throw new UsageError("--expires-in must look like 30m, 12h or 7d");
  if (config.auth.jwksUrl) throw new UsageError("AUTH_JWKS_URL is set: tokens come from your identity provider, not from this command");
  const secret = config.auth.jwtSecret ? new TextEncoder().encode(config.auth.jwtSecret) : readOrCreateSecretFile(config.paths.authSecretFile);
  const jwt = await signDevToken(secret, { user: values.user, admin: values.admin, expiresIn: values["expires-in"], issuer: config.auth.issuer, audience: config.auth.audience });
  process.stdout.write(jwt + "\n");
  return 0;
}

async function rotateKey(config: Config): Promise<number> {
  const { loadTokenKeys } = await import("./datasources/store/token-keys.js");
  const { rotateTokenKey } = await import("./datasources/store/key-rotation.js");
  const source = loadTokenKeys(config);
  if (!config.databaseUrl) {
    process.stdout.write(`Store: PGlite in ${config.paths.pgliteDir} (serves one process at a time: stop the gateway using it first).\n`);
  }
  const store = await openStore({ databaseUrl: config.databaseUrl, pgliteDir: config.paths.pgliteDir });
  try {
    const report = await rotateTokenKey(source, store.db, {
      say: (line) => process.stdout.write(line + "\n"),
      warn: (line) => process.stderr.write(line + "\n"),
    });
    return report.failed.length > 0 ? 1 : 0;
  } finally {
    await store.close();
  }
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      resolve();
    };
    process.once("SIGINT", done);
    process.once("SIGTERM", done);
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(1);
    }
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
      process.exit(2);
    }
    process.stderr.write(`Failed: ${(error as Error)?.message ?? String(error)}\n`);
    process.exit(1);
  },
);
