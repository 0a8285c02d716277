#!/usr/bin/env node
import "reflect-metadata";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { parseArgs } from "node:util";
import { signDevToken } from "./auth/dev-token.js";
import { ConfigError, loadConfig, storeOptionsOf, type Config } from "./config.js";
import { openStore } from "./datasources/store/store.js";
import { StoreUnavailableError } from "./domain/errors.js";
import { isClientUserId } from "./domain/viewer.js";
import { createLogger } from "./logger.js";
import { printSchemaInReadingOrder } from "./graphql/print-schema.js";
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
  rotate-access-tokens [ITEM_ID...]
                              rotate the access tokens of every live Item (or of those named) at Plaid
`;

/** A command-line mistake: printed with the usage, exit code 2. */
class UsageError extends Error {}

/** A start that cannot succeed, in one line naming the setting to look at: exit code 1. */
class StartError extends Error {}

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
    case "rotate-access-tokens":
      return rotateAccessTokens(loadConfig(), parseArgs({ args: rest, options: {}, strict: true, allowPositionals: true }).positionals);
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
  const builtInSimulator = config.plaid.env === "simulator" && !config.plaid.simulatorUrl;
  await ensurePortsFree([
    { variable: "PORT", port: config.port, host: config.host },
    ...(builtInSimulator ? [{ variable: "SIMULATOR_PORT", port: config.plaid.simulatorPort, host: "127.0.0.1" }] : []),
  ]);
  const { startGateway } = await import("./server.js");
  const gateway = await startGateway(config).catch((error: unknown) => {
    throw explainStartFailure(error, config);
  });
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
  const stateFile = path.resolve(config.paths.simulatorStateFile);
  await ensurePortsFree([{ variable: "SIMULATOR_PORT", port: config.plaid.simulatorPort, host: config.host }]);
  const running = await startPlaidSimulator({
    host: config.host,
    port: config.plaid.simulatorPort,
    // Without PLAID_CLIENT_ID and PLAID_SECRET, the credentials kept in the state file (or new ones kept there).
    ...(generated ? {} : { clientId, secret }),
    stateFile,
    logger,
  });
  const lines = [
    `Plaid simulator listening at ${running.url}`,
    `Credentials are kept in ${stateFile} ("credentials"), with the Items and keys: the same after a restart.`,
    `  PLAID_CLIENT_ID=${running.credentials.clientId}`,
    generated
      ? `  PLAID_SECRET="$(node -p 'require(${JSON.stringify(stateFile)}).credentials.secret')"  (or set both variables to choose your own)`
      : "  PLAID_SECRET as configured",
  ];
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
  writeFileSync(out, header + printSchemaInReadingOrder(schema) + "\n");
  process.stdout.write(`Wrote ${path.relative(process.cwd(), out) || out}\n`);
  return 0;
}

async function migrateOnly(config: Config): Promise<number> {
  const store = await openStore(storeOptionsOf(config));
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
  const store = await openStore(storeOptionsOf(config));
  try {
    const report = await rotateTokenKey(source, store.db, {
      say: (line) => process.stdout.write(line + "\n"),
      warn: (line) => process.stderr.write(line + "\n"),
    });
    return report.failed.length + report.linkTokens.failed.length > 0 ? 1 : 0;
  } finally {
    await store.close();
  }
}

/** Rotates access tokens at Plaid; the built-in simulator, when it is Plaid, is started from DATA_DIR's state for the run. */
async function rotateAccessTokens(config: Config, itemIds: string[]): Promise<number> {
  const { rotateAccessTokens: run } = await import("./rotate-access-tokens.js");
  const builtIn = config.plaid.env === "simulator" && !config.plaid.simulatorUrl;
  const simulator = builtIn ? await (await import("./simulator/index.js")).startPlaidSimulator({ ...config.plaid.credentials, stateFile: config.paths.simulatorStateFile }) : null;
  const output = { say: (line: string) => process.stdout.write(line + "\n"), warn: (line: string) => process.stderr.write(line + "\n") };
  return run(config, itemIds, simulator?.url ?? null, output).finally(() => simulator?.close());
}

/** Checks, before the slow part of a start, that each port a command listens on is free, naming its variable when not. */
async function ensurePortsFree(ports: Array<{ variable: string; port: number; host: string }>): Promise<void> {
  for (const { variable, port, host } of ports) {
    if (port === 0) continue;
    const failure = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
      const probe = createServer();
      probe.once("error", resolve);
      probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(null)));
    });
    if (failure) throw new StartError(portProblem(variable, port, host, failure));
  }
}

function portProblem(variable: string, port: number, host: string, error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case "EADDRINUSE":
      return `${variable}=${port} is already in use on ${host}: stop what listens there or choose another ${variable}`;
    case "EACCES":
      return `${variable}=${port} needs privileges on ${host}: choose a port above 1023`;
    case "EADDRNOTAVAIL":
      return `HOST=${host} is not an address of this machine`;
    default:
      return `${variable}=${port} on ${host} cannot be listened on: ${error.message}`;
  }
}

/** A database that cannot be reached is named by its variable and address (never its password); other failures pass as they are. */
function explainStartFailure(error: unknown, config: Config): unknown {
  const store = causesOf(error).find((link): link is StoreUnavailableError => link instanceof StoreUnavailableError);
  if (!config.databaseUrl || !store) return error;
  const code = causesOf(store.cause)
    .flatMap((link) => (link instanceof AggregateError ? [link, ...(link.errors as unknown[])] : [link]))
    .map((link) => (link as { code?: unknown }).code)
    .find((value): value is string => typeof value === "string" && /^E[A-Z]+$/.test(value));
  const why = code === "ECONNREFUSED" ? "connection refused" : (code ?? store.reason);
  return new StartError(`cannot reach the database at DATABASE_URL=${withoutPassword(config.databaseUrl)} (${why})`);
}

/** An error and the causes behind it. */
function causesOf(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let link = error; link && chain.length < 10; link = (link as { cause?: unknown }).cause) chain.push(link);
  return chain;
}

function withoutPassword(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    return "(unparsable)";
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
    if (error instanceof StartError) {
      process.stderr.write(`Cannot start: ${error.message}\n`);
      process.exit(1);
    }
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
