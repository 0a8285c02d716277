import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../src/datasources/store/migrate.js";
import type { Store } from "../../src/datasources/store/store.js";
import { LinkSessionsRepository, openLinkToken } from "../../src/datasources/store/link-sessions-repository.js";
import { sql as initialSql } from "../../src/datasources/store/migrations/001-initial.js";
import { sql as itemReadsSql } from "../../src/datasources/store/migrations/002-item-reads.js";
import { openPgliteDatabase } from "../../src/datasources/store/pglite-database.js";
import { TokenCipher, TokenDecryptionError } from "../../src/datasources/store/token-cipher.js";
import { createHash, randomBytes } from "node:crypto";
import { makeSnapshot } from "../support/factories.js";
import { storeBackends } from "../support/databases.js";
import { sleep } from "../support/wait-until.js";

const backends = await storeBackends();
const cipher = new TokenCipher([randomBytes(32)]);

describe.each(backends)("store on $name", (backend) => {
  let store: Store;

  beforeAll(async () => {
    store = await backend.open();
  });
  afterAll(async () => {
    await store?.close();
    await backend.cleanup();
  });

  it("runs migrations once: a second run applies nothing", async () => {
    expect(await migrate(store.db)).toEqual([]);
  });

  it("creates a user on first use and returns the same row afterwards", async () => {
    const first = await store.users.ensure("alice");
    const again = await store.users.ensure("alice");
    expect(again).toEqual(first);
    expect(first.clientUserId).toBe("alice");
    expect(first.plaidUserId).toBeNull();
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => store.users.ensure("carol")));
    expect(new Set(concurrent.map((u) => u.id)).size).toBe(1);
  });

  it("keeps the first Plaid user id recorded", async () => {
    const user = await store.users.ensure("bob");
    await store.users.setPlaidUserId(user.id, "usr_first");
    const after = await store.users.setPlaidUserId(user.id, "usr_second");
    expect(after.plaidUserId).toBe("usr_first");
  });

  it("stores an Item with its sealed access token and reads back the same snapshot", async () => {
    const user = await store.users.ensure("dora");
    const snapshot = makeSnapshot({
      userId: user.id,
      error: { errorType: "ITEM_ERROR", errorCode: "ITEM_LOGIN_REQUIRED", errorCodeReason: null, message: "login required", displayMessage: null },
      status: "LOGIN_REQUIRED",
      consentedDataScopes: ["account_balance_info", "transactions"],
      consentExpiresAt: new Date("2027-01-01T00:00:00.000Z"),
    });
    const sealed = cipher.seal("token-value-for-dora", snapshot.itemId);
    await store.items.insert(snapshot, sealed);
    const stored = await store.items.findById(snapshot.itemId);
    expect(stored?.snapshot).toEqual(snapshot);
    expect(stored?.accessToken).toEqual(sealed);
    expect(cipher.open(stored!.accessToken!, snapshot.itemId)).toBe("token-value-for-dora");
    const raw = await store.db.query<{ access_token_ciphertext: string }>("SELECT access_token_ciphertext FROM items WHERE item_id = $1", [snapshot.itemId]);
    expect(raw[0]!.access_token_ciphertext).not.toContain("token-value-for-dora");
  });

  it("saves a changed snapshot", async () => {
    const user = await store.users.ensure("erin");
    const snapshot = makeSnapshot({ userId: user.id });
    await store.items.insert(snapshot, cipher.seal("t", snapshot.itemId));
    const changed = {
      ...snapshot,
      status: "PENDING_DISCONNECT" as const,
      disconnectAt: new Date("2030-02-03T04:05:06.000Z"),
      disconnectReason: "INSTITUTION_MIGRATION",
      newAccountsAvailable: true,
    };
    await store.items.saveSnapshot(changed);
    expect((await store.items.findById(snapshot.itemId))?.snapshot).toEqual(changed);
  });

  it("lists a user's Items without removed ones unless asked, and filters by status", async () => {
    const user = await store.users.ensure("frank");
    const healthy = makeSnapshot({ userId: user.id });
    const broken = makeSnapshot({ userId: user.id, status: "LOGIN_REQUIRED" });
    const removed = makeSnapshot({ userId: user.id, status: "REMOVED", removedAt: new Date() });
    for (const s of [healthy, broken, removed]) await store.items.insert(s, cipher.seal("t", s.itemId));
    const all = await store.items.listByUser(user.id);
    expect(all.map((i) => i.snapshot.itemId).sort()).toEqual([healthy.itemId, broken.itemId].sort());
    const onlyBroken = await store.items.listByUser(user.id, { statuses: ["LOGIN_REQUIRED"] });
    expect(onlyBroken.map((i) => i.snapshot.itemId)).toEqual([broken.itemId]);
    const onlyRemoved = await store.items.listByUser(user.id, { statuses: ["REMOVED"] });
    expect(onlyRemoved.map((i) => i.snapshot.itemId)).toEqual([removed.itemId]);
  });

  it("pages through all Items newest status change first without gaps or repeats", async () => {
    const user = await store.users.ensure("gina");
    const base = Date.parse("2031-01-01T00:00:00Z");
    const made = Array.from({ length: 7 }, (_, i) => makeSnapshot({ userId: user.id, statusChangedAt: new Date(base + (i % 3) * 1000) }));
    for (const s of made) await store.items.insert(s, cipher.seal("t", s.itemId));
    const seen: string[] = [];
    let after: { statusChangedAt: Date; itemId: string } | undefined;
    for (;;) {
      const page = await store.items.listAll({}, 3, after);
      if (page.length === 0) break;
      seen.push(...page.map((i) => i.snapshot.itemId));
      const last = page[page.length - 1]!.snapshot;
      after = { statusChangedAt: last.statusChangedAt, itemId: last.itemId };
    }
    const ours = seen.filter((id) => made.some((m) => m.itemId === id));
    expect(ours).toHaveLength(7);
    expect(new Set(seen).size).toBe(seen.length);
    const expected = [...made].sort((a, b) => b.statusChangedAt.getTime() - a.statusChangedAt.getTime() || (a.itemId < b.itemId ? 1 : -1)).map((m) => m.itemId);
    expect(ours).toEqual(expected);
    expect(await store.items.countAll({})).toBe(seen.length);
  });

  it("appends events with a monotonic sequence and refuses to change them", async () => {
    const user = await store.users.ensure("hank");
    const snapshot = makeSnapshot({ userId: user.id });
    await store.items.insert(snapshot, cipher.seal("t", snapshot.itemId));
    const appended = [];
    for (const status of ["HEALTHY", "LOGIN_REQUIRED", "HEALTHY"] as const) {
      appended.push(
        await store.db.transaction((tx) =>
          store.events.append(tx, { itemId: snapshot.itemId, userId: user.id, previousStatus: null, status, cause: "TEST", error: null, occurredAt: new Date() }),
        ),
      );
    }
    const sequences = appended.map((e) => e.sequence);
    expect([...sequences].sort((a, b) => a - b)).toEqual(sequences);
    expect(new Set(sequences).size).toBe(3);
    const newestFirst = await store.events.listForItem(snapshot.itemId, 10);
    expect(newestFirst.map((e) => e.sequence)).toEqual([...sequences].reverse());
    const page2 = await store.events.listForItem(snapshot.itemId, 10, sequences[2]);
    expect(page2.map((e) => e.sequence)).toEqual([sequences[1], sequences[0]]);
    const replay = await store.events.listAfter(sequences[0]!, { userId: user.id }, 10);
    expect(replay.map((e) => e.sequence)).toEqual([sequences[1], sequences[2]]);
    await expect(store.db.query("UPDATE item_events SET cause = 'X' WHERE item_id = $1", [snapshot.itemId])).rejects.toThrow(/append-only/);
    await expect(store.db.query("DELETE FROM item_events WHERE item_id = $1", [snapshot.itemId])).rejects.toThrow(/append-only/);
  });

  it("saves several changed snapshots in one statement and reads each back as it was saved", async () => {
    const user = await store.users.ensure("gwen");
    const [first, second] = [makeSnapshot({ userId: user.id }), makeSnapshot({ userId: user.id })];
    for (const snapshot of [first, second]) await store.items.insert(snapshot, cipher.seal("t", snapshot.itemId));
    const changedFirst = {
      ...first,
      status: "LOGIN_REQUIRED" as const,
      error: { errorType: "ITEM_ERROR", errorCode: "ITEM_LOGIN_REQUIRED", errorCodeReason: null, message: 'a "quoted" \\ {brace}, é', displayMessage: null },
      revokedAccountIds: ["with,comma", 'with"quote', "NULL", ""],
      consentExpiresAt: new Date("2031-04-05T06:07:08.009Z"),
    };
    const changedSecond = { ...second, products: [], disconnectAt: new Date("2030-01-01T00:00:00.000Z"), disconnectReason: "INSTITUTION_MIGRATION", newAccountsAvailable: true };
    await store.items.saveSnapshots([changedFirst, changedSecond]);
    expect((await store.items.findById(first.itemId))?.snapshot).toEqual(changedFirst);
    expect((await store.items.findById(second.itemId))?.snapshot).toEqual(changedSecond);
  });

  it("appends several events in one statement, in the order given, with increasing sequences", async () => {
    const user = await store.users.ensure("hugo");
    const [first, second] = [makeSnapshot({ userId: user.id }), makeSnapshot({ userId: user.id })];
    for (const snapshot of [first, second]) await store.items.insert(snapshot, cipher.seal("t", snapshot.itemId));
    const error = { errorType: "ITEM_ERROR", errorCode: "ITEM_LOGIN_REQUIRED", errorCodeReason: null, message: 'say "hi" \\', displayMessage: null };
    const given = [
      { itemId: second.itemId, previousStatus: "HEALTHY" as const, status: "LOGIN_REQUIRED" as const, cause: "ERROR", error },
      { itemId: first.itemId, previousStatus: null, status: "HEALTHY" as const, cause: "ONE", error: null },
      { itemId: second.itemId, previousStatus: "LOGIN_REQUIRED" as const, status: "HEALTHY" as const, cause: "LOGIN_REPAIRED", error: null },
    ].map((event, i) => ({ ...event, userId: user.id, occurredAt: new Date(Date.UTC(2030, 0, 1, 0, 0, i)) }));
    const appended = await store.db.transaction((tx) => store.events.appendAll(tx, given));
    expect(appended.map(({ sequence: _sequence, ...event }) => event)).toEqual(given);
    const sequences = appended.map((event) => event.sequence);
    expect(sequences).toEqual([sequences[0], sequences[0]! + 1, sequences[0]! + 2]);
    expect((await store.events.listForItem(second.itemId, 10)).reverse()).toEqual([appended[0], appended[2]]);
  });

  it("records receipts in one statement and tells which bodies it had not received before", async () => {
    const receipt = (bodySha256: string) => ({ bodySha256, itemId: "item-r", webhookType: "ITEM", webhookCode: "ERROR", outcome: "unchanged" as const });
    expect([...(await store.webhookReceipts.recordAll([receipt("r-b"), receipt("r-a")]))].sort()).toEqual(["r-a", "r-b"]);
    expect([...(await store.webhookReceipts.recordAll([receipt("r-a"), receipt("r-c")]))]).toEqual(["r-c"]);
    await store.webhookReceipts.setOutcomes([
      { bodySha256: "r-a", outcome: "applied" },
      { bodySha256: "r-c", outcome: "unknown_item" },
    ]);
    const rows = await store.db.query<{ body_sha256: string; outcome: string }>("SELECT body_sha256, outcome FROM webhook_receipts WHERE item_id = 'item-r' ORDER BY body_sha256");
    expect(rows).toEqual([
      { body_sha256: "r-a", outcome: "applied" },
      { body_sha256: "r-b", outcome: "unchanged" },
      { body_sha256: "r-c", outcome: "unknown_item" },
    ]);
  });

  it("rolls back every write of a failed transaction", async () => {
    const user = await store.users.ensure("ivan");
    const snapshot = makeSnapshot({ userId: user.id });
    await expect(
      store.db.transaction(async (tx) => {
        await store.items.insert(snapshot, cipher.seal("t", snapshot.itemId), tx);
        await store.events.append(tx, { itemId: snapshot.itemId, userId: user.id, previousStatus: null, status: "HEALTHY", cause: "LINKED", error: null, occurredAt: new Date() });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await store.items.findById(snapshot.itemId)).toBeNull();
    expect(await store.events.listForItem(snapshot.itemId, 10)).toEqual([]);
  });

  it("remembers link sessions by hash, their link token sealed, and finds the latest unexpired one", async () => {
    const user = await store.users.ensure("jane");
    const now = new Date();
    await store.linkSessions.record("link-one", { userId: user.id, itemId: null, countryCodes: ["US"], expiresAt: new Date(now.getTime() + 60_000) }, cipher);
    await sleep(5);
    await store.linkSessions.record("link-two", { userId: user.id, itemId: null, countryCodes: ["GB"], expiresAt: new Date(now.getTime() + 60_000) }, cipher);
    expect((await store.linkSessions.latestNewItemSession(user.id, now))?.countryCodes).toEqual(["GB"]);
    expect(await store.linkSessions.latestNewItemSession(user.id, new Date(now.getTime() + 120_000))).toBeNull();
    const raw = await store.db.query("SELECT * FROM link_sessions");
    expect(JSON.stringify(raw)).not.toContain("link-one");
    expect(JSON.stringify(raw)).not.toContain("link-two");
  });

  it("lists a user's unexpired link tokens newest first, opens them only in their own row, and forgets expired ones", async () => {
    const user = await store.users.ensure("kim");
    const other = await store.users.ensure("lee");
    const now = new Date();
    const soon = new Date(now.getTime() + 60_000);
    await store.linkSessions.record("link-kim-old", { userId: user.id, itemId: null, countryCodes: ["US"], expiresAt: new Date(now.getTime() - 1) }, cipher);
    await store.linkSessions.record("link-kim-a", { userId: user.id, itemId: null, countryCodes: ["US"], expiresAt: soon }, cipher);
    await sleep(5);
    await store.linkSessions.record("link-kim-b", { userId: user.id, itemId: null, countryCodes: ["CA"], expiresAt: soon }, cipher);
    await store.linkSessions.record("link-lee", { userId: other.id, itemId: null, countryCodes: ["US"], expiresAt: soon }, cipher);

    const recent = await store.linkSessions.recentSealed(user.id, now, 10);
    expect(recent.map((session) => openLinkToken(cipher, session))).toEqual(["link-kim-b", "link-kim-a"]);
    expect(recent.map((session) => session.countryCodes)).toEqual([["CA"], ["US"]]);
    expect((await store.linkSessions.recentSealed(user.id, now, 1)).map((session) => openLinkToken(cipher, session))).toEqual(["link-kim-b"]);
    // A sealed link token moved to another row does not open there.
    const [b, a] = recent;
    expect(() => openLinkToken(cipher, { ...a!, sealedToken: b!.sealedToken })).toThrow(TokenDecryptionError);

    await store.linkSessions.forgetExpiredTokens(user.id, now);
    const kept = await store.db.query<{ n: number }>("SELECT count(*) AS n FROM link_sessions WHERE user_id = $1 AND link_token_ciphertext IS NOT NULL", [user.id]);
    expect(Number(kept[0]!.n)).toBe(2);
    expect(await store.linkSessions.findByToken("link-kim-old")).toMatchObject({ userId: user.id, sealedToken: null });
  });
});

describe("migrating a store from before link tokens were kept", () => {
  it("keeps its link sessions, readable by hash, and never asks about them", async () => {
    const db = await openPgliteDatabase();
    try {
      await db.exec(`CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      await db.exec(initialSql);
      await db.exec(itemReadsSql);
      await db.exec("INSERT INTO schema_migrations (version, name) VALUES (1, 'initial'), (2, 'item-reads')");
      await db.query("INSERT INTO users (id, client_user_id) VALUES ('u1', 'old-user')");
      const hash = createHash("sha256").update("link-from-before").digest("hex");
      await db.query("INSERT INTO link_sessions (link_token_sha256, user_id, item_id, country_codes, expires_at) VALUES ($1, 'u1', NULL, '{GB}', now() + interval '1 hour')", [
        hash,
      ]);

      expect(await migrate(db)).toEqual([3, 4, 5]);

      const sessions = new LinkSessionsRepository(db);
      expect(await sessions.findByToken("link-from-before")).toMatchObject({ userId: "u1", countryCodes: ["GB"], sealedToken: null });
      expect(await sessions.recentSealed("u1", new Date(), 10)).toEqual([]);
      await expect(db.query("UPDATE link_sessions SET link_token_key_id = 'k1' WHERE link_token_sha256 = $1", [hash])).rejects.toThrow(/link_sessions_token_present/);
    } finally {
      await db.close();
    }
  });
});

describe("migrations on a shared PostgreSQL", async () => {
  const postgres = (await storeBackends()).find((backend) => backend.name === "postgres");
  it.skipIf(!postgres)("several instances starting at once migrate an empty schema exactly once", async () => {
    const { openStore } = await import("../../src/datasources/store/store.js");
    const { POSTGRES_URL, uniqueSchema, dropSchema } = await import("../support/databases.js");
    const schema = uniqueSchema();
    try {
      const stores = await Promise.all(Array.from({ length: 4 }, () => openStore({ databaseUrl: POSTGRES_URL, postgres: { schema, max: 2 } })));
      const applied = await stores[0]!.db.query<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version");
      expect(applied.map((row) => Number(row.version))).toEqual([1, 2, 3, 4, 5]);
      await Promise.all(stores.map((store) => store.close()));
    } finally {
      await dropSchema(schema);
    }
  });
});
