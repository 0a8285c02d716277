/**
 * A gateway run as an operator runs it: `node --import tsx src/main.ts serve` in its own process, with
 * its configuration in the environment. The GraphQL URL is read from the banner it prints at start.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openLogCapture, postGraphQL, type GraphQLDocument, type GraphQLResult } from "./gateway-harness.js";

const root = path.resolve(import.meta.dirname, "../..");

/** The test runner's environment without anything that configures a gateway. */
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) => !/^(PORT|HOST|PUBLIC_URL|DATA_DIR|DATABASE_URL|REDIS_URL|PLAID_|SIMULATOR_|AUTH_|TOKEN_ENCRYPTION_KEY|LOG_LEVEL|WEBHOOK_|PERSISTED_)/.test(key),
  ),
);

export interface GatewayProcess {
  name: string;
  graphqlUrl: string;
  /** What the process wrote to stdout and stderr so far (for failure messages). */
  output(): string;
  graphql<T, V extends Record<string, unknown> = Record<string, unknown>>(document: GraphQLDocument<T, V>, variables?: V, token?: string): Promise<GraphQLResult<T>>;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`; `signal` SIGKILL ends it at once, as a crash would. */
  stop(graceMs?: number, signal?: NodeJS.Signals): Promise<void>;
}

/** Starts a gateway process and resolves once it printed where it listens. */
export async function spawnGateway(name: string, env: Record<string, string>, startTimeoutMs = 60_000): Promise<GatewayProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `gateway-${name}-`));
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "serve"], {
    cwd: root,
    env: { ...cleanEnv, PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  // The process's log lines join the suite-wide scan for secrets, with the secrets it was given.
  const capture = openLogCapture();
  capture.registerSecrets(["AUTH_JWT_SECRET", "TOKEN_ENCRYPTION_KEY", "PLAID_SECRET"].map((key) => env[key] ?? ""));
  const record = (chunk: Buffer | string) => {
    output += chunk;
    capture.write(String(chunk));
  };
  child.stdout!.on("data", record);
  child.stderr!.on("data", record);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const stop = async (graceMs = 10_000, signal: NodeJS.Signals = "SIGTERM") => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    }
    capture.close();
    rmSync(dataDir, { recursive: true, force: true });
  };

  let graphqlUrl: string;
  try {
    graphqlUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gateway ${name} printed no GraphQL URL within ${startTimeoutMs} ms:\n${output}`)), startTimeoutMs);
      const check = () => {
        const match = /GraphQL\s+(http:\/\/\S+)\n/.exec(output);
        if (!match) return;
        clearTimeout(timer);
        resolve(match[1]!);
      };
      child.stdout!.on("data", check);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`gateway ${name} exited with ${code} before listening:\n${output}`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    name,
    graphqlUrl,
    output: () => output,
    async graphql(document, variables, token) {
      return (await postGraphQL(graphqlUrl, document, variables, token)).result;
    },
    stop,
  };
}
