import { spawnSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { countRowsByKeyId, resealTokens, rotateTokenKey } from "../../src/datasources/store/key-rotation.js";
import { openStore, type Store } from "../../src/datasources/store/store.js";
import { keyIdFor, TokenCipher } from "../../src/datasources/store/token-cipher.js";
import { keyRingPath, loadTokenKeys, openTokenCipher, readKeyRing, readOrCreateKeyRing } from "../../src/datasources/store/token-keys.js";
import { dropSchema, POSTGRES_URL, storeBackends, uniqueSchema } from "../support/databases.js";
import { makeSnapshot } from "../support/factories.js";
import { rotationKeys, useEmptiedStore } from "../support/key-rotation-fixture.js";
import { sleep } from "../support/wait-until.js";

const backends = await storeBackends();
const root = path.resolve(import.meta.dirname, "../..");

const plaidToken = () => `access-sandbox-${randomUUID()}`;

interface Row {
  itemId: string;
  token: string;
}

/** Items whose tokens are sealed with the given cipher; ids sort in creation order (a…, b…, …). */
async function seedItems(store: Store, cipher: TokenCipher, count: number, prefix = ""): Promise<Row[]> {
  const user = await store.users.ensure(`user-${randomBytes(4).toString("hex")}`);
  const rows: Row[] = [];
  for (let i = 0; i < count; i += 1) {
    const itemId = `${prefix}${String.fromCharCode(97 + i)}${randomBytes(8).toString("hex")}`;
    const token = plaidToken();
    await store.items.insert(makeSnapshot({ userId: user.id, itemId }), cipher.seal(token, itemId));
    rows.push({ itemId, token });
  }
  return rows;
}

async function sealedRow(store: Store, itemId: string): Promise<{ ciphertext: string; keyId: string }> {
  const stored = await store.items.findById(itemId);
  return stored!.accessToken!;
}

async function writeSealed(store: Store, itemId: string, ciphertext: string, keyId: string): Promise<void> {
  await store.db.query("UPDATE items SET access_token_ciphertext = $2, access_token_key_id = $3 WHERE item_id = $1", [itemId, ciphertext, keyId]);
}

/** Changes one base64url character of part `index` of a `v1:kid:iv:ct:tag` ciphertext. */
function tamper(ciphertext: string, index: 3 | 4): string {
  const parts = ciphertext.split(":");
  const part = parts[index]!;
  parts[index] = (part[0] === "A" ? "B" : "A") + part.slice(1);
  return parts.join(":");
}

describe.each(backends)("re-sealing access tokens on $name", (backend) => {
  const store = useEmptiedStore(backend);
  const { oldKey, newKey, oldCipher, rotated } = rotationKeys();

  it("re-seals every row under the new key id; the tokens are unchanged and the old key can be retired", async () => {
    const rows = await seedItems(store, oldCipher, 4);
    const removed = await seedItems(store, oldCipher, 1, "z");
    await store.items.clearAccessToken(removed[0]!.itemId);

    const report = await resealTokens(store.db, rotated);

    expect(report).toMatchObject({ activeKeyId: keyIdFor(newKey), resealed: 4, skipped: 0, failed: [], retirableKeyIds: [keyIdFor(oldKey)] });
    expect(report.rowsByKeyId).toEqual({ [keyIdFor(newKey)]: 4 });
    const onlyNew = new TokenCipher([newKey]);
    for (const { itemId, token } of rows) {
      const sealed = await sealedRow(store, itemId);
      expect(sealed.keyId).toBe(keyIdFor(newKey));
      expect(sealed.ciphertext.split(":")[1]).toBe(keyIdFor(newKey));
      expect(onlyNew.open(sealed, itemId)).toBe(token);
    }
    expect((await store.items.findById(removed[0]!.itemId))!.accessToken).toBeNull();
  });

  it("keeps old and new rows readable while the rotation runs", async () => {
    const rows = await seedItems(store, oldCipher, 4);
    const keyIdsAfterEachRow: string[][] = [];
    await resealTokens(store.db, rotated, {
      pageSize: 2,
      onRow: async () => {
        // What a gateway holding the new and the old key reads between two rows of the rotation.
        const ids: string[] = [];
        for (const { itemId, token } of rows) {
          const sealed = await sealedRow(store, itemId);
          expect(rotated.open(sealed, itemId)).toBe(token);
          ids.push(sealed.keyId);
        }
        keyIdsAfterEachRow.push(ids);
      },
    });
    const [n, o] = [keyIdFor(newKey), keyIdFor(oldKey)];
    expect(keyIdsAfterEachRow).toEqual([
      [n, o, o, o],
      [n, n, o, o],
      [n, n, n, o],
      [n, n, n, n],
    ]);
  });

  it("opens a half-rotated table with the gateway's key set", async () => {
    const rows = await seedItems(store, oldCipher, 4);
    // Re-seal only the first two rows, as a rotation stopped midway leaves them.
    for (const { itemId } of rows.slice(0, 2)) {
      const sealed = await sealedRow(store, itemId);
      const next = rotated.reseal(sealed, itemId);
      await writeSealed(store, itemId, next.ciphertext, next.keyId);
    }
    expect(await countRowsByKeyId(store.db)).toEqual({ [keyIdFor(newKey)]: 2, [keyIdFor(oldKey)]: 2 });
    for (const { itemId, token } of rows) expect(rotated.open(await sealedRow(store, itemId), itemId)).toBe(token);
    const report = await resealTokens(store.db, rotated);
    expect(report.resealed).toBe(2);
  });

  it("is safe next to a running gateway: a row the gateway seals with the active key meanwhile is skipped, not overwritten", async () => {
    const rows = await seedItems(store, oldCipher, 4);
    const last = rows[3]!;
    const relinked = plaidToken();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // A gateway updating the last row (e.g. a relink) holds its lock while the rotation starts.
    const gateway = store.db.transaction(async (tx) => {
      await tx.query("SELECT item_id FROM items WHERE item_id = $1 FOR UPDATE", [last.itemId]);
      await gate;
      const sealed = rotated.seal(relinked, last.itemId);
      await tx.query("UPDATE items SET access_token_ciphertext = $2, access_token_key_id = $3 WHERE item_id = $1", [last.itemId, sealed.ciphertext, sealed.keyId]);
    });
    const rotation = resealTokens(store.db, rotated);
    await sleep(300);
    release();
    await gateway;
    const report = await rotation;

    expect(report.failed).toEqual([]);
    expect(report.resealed + report.skipped).toBe(backend.name === "postgres" ? 4 : 3);
    // PostgreSQL lets the rotation list the row before the gateway commits; its lock then shows the new seal.
    if (backend.name === "postgres") expect(report.skipped).toBe(1);
    expect(rotated.open(await sealedRow(store, last.itemId), last.itemId)).toBe(relinked);
    for (const { itemId, token } of rows.slice(0, 3)) expect(rotated.open(await sealedRow(store, itemId), itemId)).toBe(token);
  });

  it.each([
    ["ciphertext", 3],
    ["tag", 4],
  ] as const)("fails closed on a tampered %s: reported by item id, left untouched, the rest re-sealed", async (_what, part) => {
    const rows = await seedItems(store, oldCipher, 3);
    const victim = rows[1]!;
    const original = await sealedRow(store, victim.itemId);
    const altered = tamper(original.ciphertext, part);
    await writeSealed(store, victim.itemId, altered, original.keyId);

    const report = await resealTokens(store.db, rotated);

    expect(report.resealed).toBe(2);
    expect(report.failed).toEqual([{ itemId: victim.itemId, keyId: keyIdFor(oldKey), reason: expect.stringMatching(/authentication failed/) }]);
    expect(JSON.stringify(report)).not.toContain(victim.token);
    expect(await sealedRow(store, victim.itemId)).toEqual({ ciphertext: altered, keyId: original.keyId });
    // The key the failed row names stays in use, so it is not offered for retirement.
    expect(report.retirableKeyIds).toEqual([]);
    expect(report.rowsByKeyId).toEqual({ [keyIdFor(newKey)]: 2, [keyIdFor(oldKey)]: 1 });
  });

  it("fails closed on ciphertexts swapped between two items (the item id is authenticated)", async () => {
    const rows = await seedItems(store, oldCipher, 3);
    const [first, second] = [rows[0]!, rows[2]!];
    const a = await sealedRow(store, first.itemId);
    const b = await sealedRow(store, second.itemId);
    await writeSealed(store, first.itemId, b.ciphertext, b.keyId);
    await writeSealed(store, second.itemId, a.ciphertext, a.keyId);

    const report = await resealTokens(store.db, rotated);

    expect(report.resealed).toBe(1);
    expect(report.failed.map((f) => f.itemId).sort()).toEqual([first.itemId, second.itemId].sort());
    expect(await sealedRow(store, first.itemId)).toEqual(b);
    expect(await sealedRow(store, second.itemId)).toEqual(a);
  });

  it("reports a row sealed with a key it does not hold, by item id", async () => {
    const stranger = new TokenCipher([randomBytes(32)]);
    const [row] = await seedItems(store, stranger, 1);
    const report = await resealTokens(store.db, rotated);
    expect(report.failed).toEqual([{ itemId: row!.itemId, keyId: stranger.activeKeyId, reason: expect.stringMatching(/not configured/) }]);
  });

  it("is idempotent: a second run changes nothing and reports the same failures", async () => {
    const rows = await seedItems(store, oldCipher, 3);
    const victim = rows[0]!;
    const original = await sealedRow(store, victim.itemId);
    await writeSealed(store, victim.itemId, tamper(original.ciphertext, 4), original.keyId);

    const first = await resealTokens(store.db, rotated);
    const after = await Promise.all(rows.map((row) => sealedRow(store, row.itemId)));
    const second = await resealTokens(store.db, rotated);

    expect(first.resealed).toBe(2);
    expect(second).toMatchObject({ resealed: 0, skipped: 0, rowsByKeyId: first.rowsByKeyId });
    expect(second.failed).toEqual(first.failed);
    expect(await Promise.all(rows.map((row) => sealedRow(store, row.itemId)))).toEqual(after);
  });
});

describe.each(backends)("rotate-key with DATA_DIR's key ring on $name", (backend) => {
  const store = useEmptiedStore(backend);
  let dataDir: string;
  const output = () => {
    const lines: string[] = [];
    const problems: string[] = [];
    return { lines, problems, say: (line: string) => lines.push(line), warn: (line: string) => problems.push(line) };
  };

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), "gateway-keys-"));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const settings = () => ({ dataDir, tokenEncryptionKey: undefined, tokenEncryptionPreviousKeys: [] });

  it("makes a new key active, re-seals every row and drops the key no row uses", async () => {
    const [oldKey] = readOrCreateKeyRing(keyRingPath(dataDir));
    const rows = await seedItems(store, new TokenCipher([oldKey!]), 3);
    const out = output();

    const report = await rotateTokenKey(loadTokenKeys(settings()), store.db, out);

    const ring = readKeyRing(keyRingPath(dataDir));
    expect(ring).toHaveLength(1);
    expect(keyIdFor(ring[0]!)).toBe(report.activeKeyId);
    expect(report.activeKeyId).not.toBe(keyIdFor(oldKey!));
    expect(statSync(keyRingPath(dataDir)).mode & 0o777).toBe(0o600);
    const cipher = new TokenCipher(ring);
    for (const { itemId, token } of rows) expect(cipher.open(await sealedRow(store, itemId), itemId)).toBe(token);
    expect(out.lines.join("\n")).toContain(`Generated key ${report.activeKeyId}`);
    expect(out.lines.join("\n")).toContain(`Dropped from the key ring (no row uses them): ${keyIdFor(oldKey!)}.`);
    expect(out.problems).toEqual([]);
  });

  it("reads a single-key file written by earlier versions and keeps a key a failed row still names", async () => {
    const legacy = randomBytes(32);
    writeFileSync(keyRingPath(dataDir), legacy.toString("hex") + "\n", { mode: 0o600 });
    const rows = await seedItems(store, new TokenCipher([legacy]), 2);
    const original = await sealedRow(store, rows[0]!.itemId);
    await writeSealed(store, rows[0]!.itemId, tamper(original.ciphertext, 3), original.keyId);
    const out = output();

    const report = await rotateTokenKey(loadTokenKeys(settings()), store.db, out);

    expect(report.failed.map((f) => f.itemId)).toEqual([rows[0]!.itemId]);
    expect(readKeyRing(keyRingPath(dataDir)).map(keyIdFor)).toEqual([report.activeKeyId, keyIdFor(legacy)]);
    expect(out.problems[0]).toContain(`Item ${rows[0]!.itemId} (sealed with key ${keyIdFor(legacy)}) fails closed`);
    expect(out.problems.join("\n")).not.toContain(rows[0]!.token);
  });

  it("a running gateway follows the rotated key ring: it opens re-sealed rows and seals with the new key", async () => {
    const gatewayCipher = openTokenCipher(settings());
    const rows = await seedItems(store, gatewayCipher, 2);
    const before = gatewayCipher.activeKeyId;

    const report = await rotateTokenKey(loadTokenKeys(settings()), store.db, output());

    for (const { itemId, token } of rows) expect(gatewayCipher.open(await sealedRow(store, itemId), itemId)).toBe(token);
    expect(gatewayCipher.seal(plaidToken(), "item-new").keyId).toBe(report.activeKeyId);
    expect(report.activeKeyId).not.toBe(before);
  });

  it("with configured keys, uses TOKEN_ENCRYPTION_KEY as the active key and names the previous keys no row uses", async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const rows = await seedItems(store, new TokenCipher([oldKey]), 2);
    const out = output();
    const source = loadTokenKeys({ dataDir, tokenEncryptionKey: newKey.toString("base64"), tokenEncryptionPreviousKeys: [oldKey.toString("hex")] });

    const report = await rotateTokenKey(source, store.db, out);

    expect(report).toMatchObject({ activeKeyId: keyIdFor(newKey), resealed: 2, retirableKeyIds: [keyIdFor(oldKey)] });
    const text = out.lines.join("\n");
    expect(text).toContain(`Using the configured TOKEN_ENCRYPTION_KEY (key ${keyIdFor(newKey)})`);
    expect(text).toContain(`No row uses ${keyIdFor(oldKey)} any more`);
    for (const { itemId, token } of rows) expect(new TokenCipher([newKey]).open(await sealedRow(store, itemId), itemId)).toBe(token);
    // Nothing was written to DATA_DIR.
    expect(() => statSync(keyRingPath(dataDir))).toThrow();
  });
});

describe("the key ring file", () => {
  it("refuses a damaged file with the line number, never its content", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "gateway-ring-"));
    try {
      const file = keyRingPath(dir);
      const secretish = "z".repeat(64);
      writeFileSync(file, `${randomBytes(32).toString("hex")}\n${secretish}\n`, { mode: 0o644 });
      expect(() => readKeyRing(file)).toThrow(/line 2 is not a 32-byte hex key/);
      expect(() => readKeyRing(file)).not.toThrow(new RegExp(secretish));
      expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("npm run rotate-key", () => {
  const cleanEnv = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(PORT|HOST|PUBLIC_URL|DATA_DIR|DATABASE_URL|REDIS_URL|PLAID_|SIMULATOR_PORT|AUTH_|TOKEN_ENCRYPTION_|LOG_LEVEL|NODE_ENV)/.test(key),
    ),
  );
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const dataDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), "gateway-rotate-"));
    dirs.push(dir);
    return dir;
  };
  function run(args: string[], env: Record<string, string>) {
    const result = spawnSync(process.execPath, ["--import", "tsx", "src/main.ts", "rotate-key", ...args], {
      cwd: root,
      env: { ...cleanEnv, ...env },
      encoding: "utf8",
      timeout: 90_000,
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it.each([
    [["--force"], /^Unknown option '--force'/],
    [["now"], /^Unexpected argument 'now'/],
  ])("refuses %j with one clear line, the usage and exit code 2", (args, message) => {
    const { code, stderr } = run(args, { DATA_DIR: dataDir() });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toContain("Usage:");
  });

  it("refuses a bad key with one line naming the variable, never the value, and exit code 1", () => {
    const bad = "0123456789abcdef".repeat(3);
    const active = run([], { DATA_DIR: dataDir(), TOKEN_ENCRYPTION_KEY: bad });
    expect(active.code).toBe(1);
    expect(active.stderr.trim()).toBe("Configuration error: TOKEN_ENCRYPTION_KEY: must be 32 bytes, as 64 hex characters or base64");

    const previous = run([], {
      DATA_DIR: dataDir(),
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("hex"),
      TOKEN_ENCRYPTION_PREVIOUS_KEYS: `${randomBytes(32).toString("hex")},${bad}`,
    });
    expect(previous.code).toBe(1);
    expect(previous.stderr.trim()).toBe("Configuration error: TOKEN_ENCRYPTION_PREVIOUS_KEYS: entry 2 must be 32 bytes, as 64 hex characters or base64");
    expect(previous.stderr).not.toContain(bad);

    const orphan = run([], { DATA_DIR: dataDir(), TOKEN_ENCRYPTION_PREVIOUS_KEYS: randomBytes(32).toString("hex") });
    expect(orphan.code).toBe(1);
    expect(orphan.stderr.trim()).toMatch(/^Configuration error: TOKEN_ENCRYPTION_PREVIOUS_KEYS: needs TOKEN_ENCRYPTION_KEY/);
  });

  it("on the embedded default: rotates DATA_DIR's key ring and the PGlite store, then fails closed on a tampered row (exit 1)", async () => {
    const dir = dataDir();
    const pgliteDir = path.join(dir, "pglite");
    const [oldKey] = readOrCreateKeyRing(keyRingPath(dir));
    let store = await openStore({ pgliteDir });
    const rows = await seedItems(store, new TokenCipher([oldKey!]), 3);
    await store.close();

    const first = run([], { DATA_DIR: dir });
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Generated key k[0-9a-f]{12} in .*token-encryption\.key; it is now the active key\./);
    expect(first.stdout).toContain("Re-sealed 3 rows under key");
    expect(first.stdout).toContain(`Dropped from the key ring (no row uses them): ${keyIdFor(oldKey!)}.`);
    const [newKey] = readKeyRing(keyRingPath(dir));

    store = await openStore({ pgliteDir });
    const cipher = new TokenCipher([newKey!]);
    for (const { itemId, token } of rows) expect(cipher.open(await sealedRow(store, itemId), itemId)).toBe(token);
    const victim = rows[2]!;
    const sealed = await sealedRow(store, victim.itemId);
    await writeSealed(store, victim.itemId, tamper(sealed.ciphertext, 4), sealed.keyId);
    await store.close();

    const second = run([], { DATA_DIR: dir });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`Item ${victim.itemId} (sealed with key ${keyIdFor(newKey!)}) fails closed`);
    expect(second.stdout).toContain("Re-sealed 2 rows under key");
    for (const { token } of rows) expect(second.stdout + second.stderr).not.toContain(token);
    // The key the tampered row names stays in the ring.
    expect(readKeyRing(keyRingPath(dir)).map(keyIdFor)).toContain(keyIdFor(newKey!));
  }, 120_000);

  it.runIf(backends.some((b) => b.name === "postgres"))(
    "on PostgreSQL with configured keys: re-seals under TOKEN_ENCRYPTION_KEY and names the previous key to retire",
    async () => {
      const schema = uniqueSchema();
      const store = await openStore({ databaseUrl: POSTGRES_URL, postgres: { schema } });
      try {
        const oldKey = randomBytes(32);
        const newKey = randomBytes(32);
        const rows = await seedItems(store, new TokenCipher([oldKey]), 2);
        const databaseUrl = `${POSTGRES_URL}${POSTGRES_URL.includes("?") ? "&" : "?"}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
        const env = { DATA_DIR: dataDir(), DATABASE_URL: databaseUrl, TOKEN_ENCRYPTION_KEY: newKey.toString("hex"), TOKEN_ENCRYPTION_PREVIOUS_KEYS: oldKey.toString("base64") };

        const first = run([], env);
        expect(first.code).toBe(0);
        expect(first.stdout).toContain(`Using the configured TOKEN_ENCRYPTION_KEY (key ${keyIdFor(newKey)}) as the active key.`);
        expect(first.stdout).toContain(`No row uses ${keyIdFor(oldKey)} any more`);
        for (const { itemId, token } of rows) expect(new TokenCipher([newKey]).open(await sealedRow(store, itemId), itemId)).toBe(token);

        const again = run([], env);
        expect(again.code).toBe(0);
        expect(again.stdout).toContain("Re-sealed 0 rows");
      } finally {
        await store.close();
        await dropSchema(schema);
      }
    },
    120_000,
  );
});
