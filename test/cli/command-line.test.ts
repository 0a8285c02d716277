import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxCreateItemDocument, ViewerItemsDocument } from "../../generated/graphql.js";
import { postGraphQL } from "../support/gateway-harness.js";

const root = path.resolve(import.meta.dirname, "../..");
const dataDir = mkdtempSync(path.join(tmpdir(), "gateway-cli-"));
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) => !/^(PORT|HOST|PUBLIC_URL|DATA_DIR|DATABASE_URL|REDIS_URL|PLAID_|SIMULATOR_PORT|AUTH_|TOKEN_ENCRYPTION_KEY|LOG_LEVEL|PERSISTED_)/.test(key),
  ),
);

function run(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "src/main.ts", ...args], {
    cwd: root,
    env: { ...cleanEnv, DATA_DIR: dataDir, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("the command line", () => {
  it("prints a token for a user, signed with the secret kept in DATA_DIR", async () => {
    const { code, stdout } = run(["token", "--user", "alice"]);
    expect(code).toBe(0);
    const secret = Buffer.from(readFileSync(path.join(dataDir, "auth-hs256.key"), "utf8").trim(), "hex");
    const { payload } = await jwtVerify(stdout.trim(), secret, { algorithms: ["HS256"] });
    expect(payload).toMatchObject({ sub: "alice", roles: [] });
    const admin = run(["token", "--user", "root", "--admin", "--expires-in", "30m"]);
    const adminPayload = (await jwtVerify(admin.stdout.trim(), secret)).payload;
    expect(adminPayload.roles).toEqual(["admin"]);
    expect(adminPayload.exp! - adminPayload.iat!).toBe(1800);
  });

  it.each([
    [["token"], /--user/],
    [["token", "--user"], /argument missing|--user/],
    [["token", "--user", "alice", "--colour", "red"], /Unknown option/],
    [["token", "--user", "alice", "--expires-in", "forever"], /--expires-in/],
    [["frobnicate"], /Unknown command "frobnicate"/],
    [["serve", "now"], /takes no arguments/],
  ])("refuses %j with a clear message, the usage and exit code 2", (args, message) => {
    const { code, stderr } = run(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toContain("Usage:");
  });

  it("refuses bad configuration with one line naming the variable and exit code 1", () => {
    const { code, stderr } = run(["serve"], { PLAID_ENV: "production" });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe("Configuration error: PLAID_CLIENT_ID: is required when PLAID_ENV=production");
    const badPort = run(["serve"], { PORT: "http" });
    expect(badPort.stderr.trim()).toBe('Configuration error: PORT: must be a whole number (got "http")');
    const manifest = path.join(dataDir, "missing-manifest.json");
    const badManifest = run(["serve"], { PERSISTED_DOCUMENTS: manifest });
    expect(badManifest.code).toBe(1);
    expect(badManifest.stderr.trim()).toBe(`Configuration error: PERSISTED_DOCUMENTS: ${manifest}: no such file`);
  });

  it("refuses to mint tokens when an identity provider issues them", () => {
    const { code, stderr } = run(["token", "--user", "alice"], { AUTH_JWKS_URL: "https://id.example/jwks.json" });
    expect(code).toBe(2);
    expect(stderr).toMatch(/identity provider/);
  });

  it("emits the schema without starting a server", () => {
    const out = path.join(dataDir, "schema.graphql");
    const { code } = run(["emit-schema", "--out", out]);
    expect(code).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(readFileSync(path.join(root, "schema.graphql"), "utf8"));
  });
});

describe("a start that cannot succeed", () => {
  const held = createServer();
  let heldPort = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => held.listen(0, "127.0.0.1", resolve));
    heldPort = (held.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => held.close(resolve)));

  /** One line naming the setting, exit code 1, and no library's stack trace. */
  function expectOneLineRefusal(result: ReturnType<typeof run>, line: string): void {
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`Cannot start: ${line}`);
    expect(result.stdout + result.stderr).not.toMatch(/Internal error emitted|\n\s+at |"stack"/);
  }

  it("a taken PORT is named, before the store is opened", () => {
    const ownDir = mkdtempSync(path.join(tmpdir(), "gateway-port-"));
    try {
      const result = run(["serve"], { DATA_DIR: ownDir, PORT: String(heldPort), SIMULATOR_PORT: "0" });
      expectOneLineRefusal(result, `PORT=${heldPort} is already in use on 127.0.0.1: stop what listens there or choose another PORT`);
      expect(existsSync(path.join(ownDir, "pglite"))).toBe(false);
    } finally {
      rmSync(ownDir, { recursive: true, force: true });
    }
  });

  it("a taken SIMULATOR_PORT is named, for the gateway's built-in simulator and for `npm run simulator`", () => {
    const line = `SIMULATOR_PORT=${heldPort} is already in use on 127.0.0.1: stop what listens there or choose another SIMULATOR_PORT`;
    expectOneLineRefusal(run(["serve"], { PORT: "0", SIMULATOR_PORT: String(heldPort) }), line);
    expectOneLineRefusal(run(["simulator"], { SIMULATOR_PORT: String(heldPort) }), line);
  });

  it("a database that refuses connections is named by DATABASE_URL, without its password", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = run(["serve"], { PORT: "0", SIMULATOR_PORT: "0", DATABASE_URL: `postgres://gateway:hunter2-db-pw@127.0.0.1:${port}/gateway` });
    expectOneLineRefusal(result, `cannot reach the database at DATABASE_URL=postgres://gateway:***@127.0.0.1:${port}/gateway (connection refused)`);
    expect(result.stdout + result.stderr).not.toContain("hunter2-db-pw");
  });
});

describe("serve on the embedded default", () => {
  it("built as `npm start` builds it: starts, prints a working development token, answers the first queries, and stops on SIGTERM", async () => {
    const serveDir = mkdtempSync(path.join(tmpdir(), "gateway-serve-"));
    // What `npm start` runs: the tsc build of src/ (here into test-output/, beside the project's node_modules), then node.
    const outDir = path.join(root, "test-output", `build-${process.pid}`);
    const build = spawnSync(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", outDir], {
      cwd: root,
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(build.status, build.stdout + build.stderr).toBe(0);
    const child = spawn(process.execPath, [path.join(outDir, "main.js"), "serve"], {
      cwd: root,
      env: { ...cleanEnv, DATA_DIR: serveDir, PORT: "0", SIMULATOR_PORT: "0", LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    try {
      const banner = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no banner: ${stdout}`)), 60_000);
        child.stdout.on("data", () => {
          if (/\n\S+\.\S+\.\S+\n/.test(stdout) && stdout.includes("Try:")) {
            clearTimeout(timer);
            resolve(stdout);
          }
        });
        child.once("exit", (code) => reject(new Error(`exited with ${code}`)));
      });
      const url = /GraphQL\s+(\S+)/.exec(banner)![1]!;
      const token = /\n(eyJ[\w-]+\.[\w-]+\.[\w-]+)\n/.exec(banner)![1]!;
      // What the README has a newcomer do first: create an Item, then list the viewer's Items.
      const { result: created } = await postGraphQL(url, SandboxCreateItemDocument, {}, token);
      expect(created.errors).toBeUndefined();
      const { result: listed } = await postGraphQL(url, ViewerItemsDocument, {}, token);
      expect(listed.errors).toBeUndefined();
      expect(listed.data?.viewer.items.edges.map((e) => e.node)).toEqual([
        expect.objectContaining({
          id: created.data?.sandboxCreateItem.id,
          status: "HEALTHY",
          institution: { name: "First Platypus Bank" },
          consentEvents: expect.objectContaining({ totalCount: 4 }),
        }),
      ]);
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      child.kill("SIGKILL");
      rmSync(serveDir, { recursive: true, force: true });
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 90_000);
});
