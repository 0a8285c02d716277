/**
 * `npm run rotate-access-tokens`: every live Item, or the Items named, get a new access token at Plaid;
 * the command says per Item what happened, exits 1 naming the Items that need attention and how to
 * recover, and a second run finishes what the first left undone.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ItemAccountsDocument, RemoveItemDocument } from "../../generated/graphql.js";
import { openStore, type Store } from "../../src/datasources/store/store.js";
import { dropSchema, postgresAvailable, POSTGRES_URL, uniqueSchema } from "../support/databases.js";
import { useTestGateway, withTestGateway, type TestGateway } from "../support/gateway-harness.js";
import { createSandboxItem, createSettledItem } from "../support/link-helpers.js";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy.js";
import { issuedAccessTokens, storedAccessToken, tokenKey, whenSimulatorAnswers } from "../support/token-rotation.js";

const root = path.resolve(import.meta.dirname, "../..");
const INVALIDATE = "/item/access_token/invalidate";
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) => !/^(PORT|HOST|PUBLIC_URL|DATA_DIR|DATABASE_|REDIS_|PLAID_|SIMULATOR_|AUTH_|TOKEN_ENCRYPTION_|LOG_LEVEL|PERSISTED_|NODE_ENV)/.test(key),
  ),
);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the command as `npm run rotate-access-tokens -- …` does, without blocking this process (which may serve its Plaid). */
function rotateAccessTokens(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "rotate-access-tokens", ...args], {
      cwd: root,
      env: { ...cleanEnv, ...env },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 150_000,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** No token, old or new, in what the command printed. */
function expectNoTokens(run: Run, tokens: Array<string | null | undefined>): void {
  for (const token of tokens.filter((t): t is string => Boolean(t))) expect(run.stdout + run.stderr).not.toContain(token);
}

async function plaidAnswer(harness: TestGateway, endpoint: string, accessToken: string): Promise<string | number> {
  const answer = await harness.plaid<{ error_code?: string }>(endpoint, { access_token: accessToken });
  return answer.status === 200 ? 200 : (answer.body.error_code ?? answer.status);
}

describe("npm run rotate-access-tokens on the embedded default (PGlite and the built-in simulator in DATA_DIR)", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "rotate-tokens-cli-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const { key, cipher } = tokenKey();
  const env = {
    DATA_DIR: dataDir,
    PLAID_ENV: "simulator",
    PLAID_CLIENT_ID: `cid${randomBytes(8).toString("hex")}`,
    PLAID_SECRET: `sec${randomBytes(12).toString("hex")}`,
    TOKEN_ENCRYPTION_KEY: key,
  };
  const pgliteDir = path.join(dataDir, "pglite");
  /** A gateway on DATA_DIR, as `npm start` would run between two runs of the command. */
  const withGateway = async <T>(use: (harness: TestGateway) => Promise<T>) => withTestGateway({ env, store: { store: await openStore({ pgliteDir }) } }, use);
  /** The tokens the store holds now, with no gateway running (PGlite serves one process at a time). */
  const storedTokens = async (itemIds: string[]) => {
    const store = await openStore({ pgliteDir });
    try {
      return await Promise.all(itemIds.map((itemId) => storedAccessToken(store, cipher, itemId)));
    } finally {
      await store.close();
    }
  };
  let live: string[] = [];
  let removed = "";
  let before: Array<string | null> = [];

  it("rotates the Items named, then every live Item; each keeps working with its new token and Plaid refuses the old ones", async () => {
    ({ live, removed } = await withGateway(async (harness) => {
      const [alice, bob] = [await harness.token("alice"), await harness.token("bob")];
      const items = [await createSettledItem(harness, alice), await createSettledItem(harness, alice), await createSettledItem(harness, bob)];
      const gone = await createSandboxItem(harness, bob);
      expect((await harness.graphql(RemoveItemDocument, { itemId: gone }, bob)).errors).toBeUndefined();
      return { live: items, removed: gone };
    }));
    before = await storedTokens(live);

    const named = await rotateAccessTokens([live[0]!], env);
    expect(named.stderr).toBe("");
    expect(named.code).toBe(0);
    expect(named.stdout).toContain("Rotating the access tokens of 1 Item at the simulator at http://127.0.0.1:");
    expect(named.stdout).toMatch(new RegExp(`\\n  ${live[0]}  rotated: The access token was rotated at Plaid \\(request \\w+\\)`));
    expect(named.stdout).toContain("Done: 1 rotated, 0 finished from kept tokens, 0 need attention.");
    const afterNamed = await storedTokens(live);
    expect(afterNamed[0]).not.toBe(before[0]);
    expect(afterNamed.slice(1)).toEqual(before.slice(1));

    const all = await rotateAccessTokens([], env);
    expect(all.stderr).toBe("");
    expect(all.code).toBe(0);
    expect(all.stdout).toContain("Rotating the access tokens of 3 Items");
    for (const itemId of live) expect(all.stdout).toContain(`  ${itemId}  rotated: `);
    expect(all.stdout).not.toContain(removed);
    expect(all.stdout).toContain("Done: 3 rotated, 0 finished from kept tokens, 0 need attention.");
    const after = await storedTokens(live);
    expectNoTokens(named, [...before, ...afterNamed, ...after]);
    expectNoTokens(all, [...before, ...afterNamed, ...after]);

    await withGateway(async (harness) => {
      for (const index of live.keys()) {
        expect(after[index]).not.toBe(before[index]);
        expect(await plaidAnswer(harness, "/accounts/get", after[index]!)).toBe(200);
        expect(await plaidAnswer(harness, "/accounts/get", before[index]!)).toBe("INVALID_ACCESS_TOKEN");
      }
      expect(await plaidAnswer(harness, "/item/get", afterNamed[0]!)).toBe("INVALID_ACCESS_TOKEN");
      const since = harness.exchanges.length;
      const accounts = await harness.graphql(ItemAccountsDocument, { itemId: live[0]! }, await harness.token("alice"));
      expect(accounts.errors).toBeUndefined();
      expect(accounts.extensions?.staleData).toBeUndefined();
      expect(
        harness.exchanges
          .slice(since)
          .filter((e) => e.path === "/accounts/get")
          .map((e) => e.status),
      ).toEqual([200]);
    });
  }, 300_000);

  it("refuses an argument that is not an Item id (exit 2, nothing rotated), and names unknown and removed Items as needing attention (exit 1)", async () => {
    const current = await storedTokens(live);
    const malformed = await rotateAccessTokens([live[0]!, "'; DROP TABLE items;--"], env);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/^Not an Item id: "'; DROP TABLE items;--" .*Nothing was rotated\.\n$/);
    expect(malformed.stdout).toBe("");
    expect(await storedTokens(live)).toEqual(current);

    const unknown = await rotateAccessTokens(["NoSuchItem0000000000", removed], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain("  NoSuchItem0000000000  REFUSED: Item not found");
    expect(unknown.stdout).toContain(`  ${removed}  REFUSED: The Item is removed`);
    expect(unknown.stdout).toContain("Done: 0 rotated, 0 finished from kept tokens, 2 need attention.");
    expect(unknown.stderr).toContain("2 Items need attention:\n  NoSuchItem0000000000  REFUSED: Check the id");
    expect(unknown.stderr).toContain(`  ${removed}  REFUSED`);
    expect(await storedTokens(live)).toEqual(current);
  }, 200_000);
});

const withPostgres = await postgresAvailable();

describe.skipIf(!withPostgres)("npm run rotate-access-tokens when the database goes away after Plaid issued the new token (PostgreSQL)", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "rotate-tokens-cut-"));
  const schema = uniqueSchema();
  const { key, cipher } = tokenKey();
  const credentials = { PLAID_CLIENT_ID: `cid${randomBytes(8).toString("hex")}`, PLAID_SECRET: `sec${randomBytes(12).toString("hex")}` };
  let proxy: TcpProxy | undefined;
  let store: Store | undefined;
  // The gateway reaches PostgreSQL directly; the command goes through the proxy the test cuts.
  const { harness, tokens } = useTestGateway(async () => {
    const target = new URL(POSTGRES_URL);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    store = await openStore({ databaseUrl: POSTGRES_URL, postgres: { schema } });
    return { env: { ...credentials, TOKEN_ENCRYPTION_KEY: key }, store: { store, cleanup: () => dropSchema(schema) }, users: { alice: "user" } };
  });
  afterAll(async () => {
    await proxy?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const commandEnv = () => {
    const url = new URL(POSTGRES_URL);
    url.hostname = "127.0.0.1";
    url.port = String(proxy!.port);
    url.searchParams.set("options", `-c search_path=${schema}`);
    return {
      ...credentials,
      DATA_DIR: dataDir,
      DATABASE_URL: url.toString(),
      DATABASE_STATEMENT_TIMEOUT_MS: "1000",
      PLAID_ENV: "simulator",
      SIMULATOR_URL: harness.simulatorUrl,
      TOKEN_ENCRYPTION_KEY: key,
    };
  };

  it("reports the new token kept, names the Item and how to finish; the second run stores it without asking Plaid again", async () => {
    const itemId = await createSettledItem(harness, tokens.alice);
    const oldToken = (await storedAccessToken(store!, cipher, itemId))!;
    whenSimulatorAnswers(harness, INVALIDATE, itemId, () => proxy!.cut());
    let first: Run;
    try {
      first = await rotateAccessTokens([itemId], commandEnv());
    } finally {
      proxy!.restore();
    }
    const [issued] = issuedAccessTokens(harness, itemId);
    const keptFile = path.join(dataDir, "access-token-rotations", `${itemId}.json`);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain(`  ${itemId}  NEW TOKEN KEPT, NOT STORED: Plaid issued a new access token and no longer accepts the old one, but the store could not save it`);
    expect(first.stdout).toContain(`      kept in ${keptFile}`);
    expect(first.stdout).toContain("Done: 0 rotated, 0 finished from kept tokens, 1 need attention.");
    expect(first.stderr).toContain(`1 Item needs attention:\n  ${itemId}  NEW TOKEN KEPT, NOT STORED: Once the store is reachable: call rotateAccessToken for this Item again`);
    expect(first.stderr).toContain(`To finish, run again: npm run rotate-access-tokens -- ${itemId}`);
    expect(existsSync(keptFile)).toBe(true);
    expect(await storedAccessToken(store!, cipher, itemId)).toBe(oldToken);
    expect(await plaidAnswer(harness, "/item/get", oldToken)).toBe("INVALID_ACCESS_TOKEN");

    const second = await rotateAccessTokens([itemId], commandEnv());
    expect(second.stderr).toBe("");
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`  ${itemId}  finished: The access token Plaid issued in an earlier rotation`);
    expect(second.stdout).toContain("Done: 0 rotated, 1 finished from kept tokens, 0 need attention.");
    expect(await storedAccessToken(store!, cipher, itemId)).toBe(issued);
    expect(harness.callsTo(INVALIDATE, 0, itemId)).toBe(1);
    expect(await plaidAnswer(harness, "/accounts/get", issued!)).toBe(200);
    expect(existsSync(keptFile)).toBe(false);
    expectNoTokens(first, [oldToken, issued]);
    expectNoTokens(second, [oldToken, issued]);
  }, 200_000);
});
