import { readFileSync } from "node:fs";
import path from "node:path";
import { SignJWT } from "jose";
import type { BenchContext } from "./context.js";
import { spawnProc, type Proc } from "./proc.js";
import { summarizeProfiles } from "./profile.js";
import { repoRoot } from "./rpc.js";
import { waitFor } from "./util.js";

export interface GraphqlAnswer<T> {
  status: number;
  text: string;
  data?: T;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

export interface Gateway {
  name: string;
  /** http://127.0.0.1:port */
  origin: string;
  wsUrl: string;
  proc: Proc;
  graphql<T>(query: string, variables: Record<string, unknown> | undefined, token: string): Promise<GraphqlAnswer<T>>;
  metricsText(): Promise<string>;
  /** Sum of a metric's samples whose labels include the given ones. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** Log lines at warn level or above written from the byte offset on. */
  warningLines(fromOffset: number): number;
  stop(): Promise<void>;
}

export interface GatewayOptions {
  databaseUrl?: string;
  redisUrl?: string;
  redisChannelPrefix?: string;
  env?: Record<string, string>;
}

/** Variables of the bench's own environment that would configure a gateway by accident. */
const GATEWAY_VARIABLES =
  /^(PORT|HOST|PUBLIC_URL|DATA_DIR|DATABASE_URL|REDIS_|PLAID_|SIMULATOR_|AUTH_|TOKEN_ENCRYPTION|LOG_|WEBHOOK_|GRAPHQL_|GRAPHIQL|ITEM_SNAPSHOT|CORS_|NODE_ENV)/;

function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const labelText = match[3] ?? "";
    if (Object.entries(labels).every(([key, value]) => labelText.includes(`${key}="${value}"`))) sum += Number(match[4]);
  }
  return sum;
}

/**
 * The built gateway (`node dist/main.js serve`) as an operator runs it, pinned to core 0, against the
 * bench's simulator (SIMULATOR_URL), with production settings and its log (JSON) in a file.
 */
export async function startGateway(ctx: BenchContext, name: string, options: GatewayOptions = {}): Promise<Gateway> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !GATEWAY_VARIABLES.test(key)));
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: "0",
    DATA_DIR: path.join(ctx.runDir, `${name}-data`),
    PLAID_ENV: "simulator",
    SIMULATOR_URL: ctx.simulator.info.url,
    PLAID_CLIENT_ID: ctx.simulator.info.clientId,
    PLAID_SECRET: ctx.simulator.info.secret,
    AUTH_JWT_SECRET: ctx.authSecret,
    TOKEN_ENCRYPTION_KEY: ctx.tokenEncryptionKey,
    LOG_FORMAT: "json",
    // The fan-out and storm scenarios connect thousands of dashboards of one user.
    GRAPHQL_WS_MAX_CONNECTIONS_PER_USER: "1000000",
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl, REDIS_CHANNEL_PREFIX: options.redisChannelPrefix ?? "bench" } : {}),
    ...options.env,
  };
  const profileDir = ctx.profileDir ? path.join(ctx.profileDir, name) : null;
  const profiling = profileDir ? ["--cpu-prof", "--cpu-prof-dir", profileDir] : [];
  const proc = spawnProc({
    name,
    core: 0,
    command: process.execPath,
    args: [...profiling, path.join(ctx.gatewayDir, "dist", "main.js"), "serve"],
    env,
    cwd: repoRoot,
    logDir: ctx.logDir,
  });
  let origin: string;
  try {
    const match = await proc.waitForOutput(/GraphQL\s+(http:\/\/\S+)\/graphql\s*\n/, 90_000);
    origin = match[1]!;
    await waitFor(
      `${name} to be ready`,
      async () => {
        const response = await fetch(`${origin}/readyz`).catch(() => null);
        return response?.status === 200;
      },
      30_000,
      200,
    );
  } catch (error) {
    await proc.stop();
    throw error;
  }
  // One retry: a kept-alive connection the server has just closed fails the first attempt.
  const metricsText = async () => (await fetch(`${origin}/metrics`).catch(() => fetch(`${origin}/metrics`))).text();
  return {
    name,
    origin,
    wsUrl: `${origin.replace(/^http/, "ws")}/graphql`,
    proc,
    async graphql<T>(query: string, variables: Record<string, unknown> | undefined, token: string) {
      const response = await fetch(`${origin}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.text();
      const body = JSON.parse(text) as Omit<GraphqlAnswer<T>, "status" | "text">;
      return { status: response.status, text, ...body };
    },
    metricsText,
    metric: async (metric, labels) => metricSum(await metricsText(), metric, labels),
    warningLines(fromOffset) {
      const text = readFileSync(proc.logPath).subarray(fromOffset).toString("utf8");
      return text.split("\n").filter((line) => /^\{"level":(4|5|6)\d/.test(line)).length;
    },
    async stop() {
      await proc.stop();
      const summary = profileDir ? summarizeProfiles(profileDir) : null;
      if (summary) ctx.notes.push(`CPU profile of ${name} over its whole life (self time): ${summary}`);
    },
  };
}

/** An HS256 bearer token for a user, signed with the secret every bench gateway is given. */
export function signToken(ctx: BenchContext, user: string, admin = false): Promise<string> {
  return new SignJWT({ roles: admin ? ["admin"] : [] })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(user)
    .setIssuedAt()
    .setExpirationTime("12h")
    .sign(new TextEncoder().encode(ctx.authSecret));
}

const CREATE_ITEM = "mutation Seed($institutionId: String) { sandboxCreateItem(institutionId: $institutionId) { id } }";
const INSTITUTIONS = ["ins_109508", "ins_109509", "ins_109510", "ins_109511", "ins_109512"];

/** Links n Items for the token's user through the gateway (as the Sandbox would), a few at a time. */
export async function createItems(gateway: Gateway, token: string, n: number): Promise<string[]> {
  const ids: string[] = new Array<string>(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const index = next++;
      const answer = await gateway.graphql<{ sandboxCreateItem: { id: string } }>(CREATE_ITEM, { institutionId: INSTITUTIONS[index % INSTITUTIONS.length] }, token);
      if (!answer.data) throw new Error(`sandboxCreateItem failed on ${gateway.name}: ${answer.text.slice(0, 500)}`);
      ids[index] = answer.data.sandboxCreateItem.id;
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, n) }, worker));
  return ids;
}
