/**
 * PostgreSQL that hangs (connections open, no answers) or is slow: every store operation gives up within
 * its deadline with StoreUnavailableError, a webhook is answered 503 (so Plaid retries) with nothing
 * stored, and a GraphQL request gets STORE_UNAVAILABLE. PostgreSQL is reached through a TCP proxy the
 * tests freeze and thaw; the deadlines are configured small so the suite stays quick.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StoreUnavailableError } from "../../src/domain/errors.js";
import { openStore, type Store } from "../../src/datasources/store/store.js";
import { dropSchema, POSTGRES_URL, postgresAvailable, uniqueSchema } from "../support/databases.js";
import { useTestGateway } from "../support/gateway-harness.js";
import { startFreezableProxy, type FreezableProxy } from "../support/tcp-proxy.js";
import { waitUntil } from "../support/wait-until.js";
import { postWebhook, sha256Hex, signAsPlaid } from "../webhooks/webhook-support.js";

const withPostgres = await postgresAvailable();
/** Small enough for a quick suite, large enough for a loaded CI machine to answer a healthy statement. */
const STATEMENT_TIMEOUT_MS = 400;

/** What the promise was rejected with (fails the test when it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail("the store operation succeeded"),
    (error: unknown) => error,
  );
}

/** Reads the schema straight from PostgreSQL, around the proxy. */
async function countRows(schema: string, sql: string, params: unknown[] = []): Promise<number> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`SET search_path = ${schema}`);
    return Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM (${sql}) AS found`, params)).rows[0]!.n);
  } finally {
    await client.end();
  }
}

/** Once thawed, the store answers again (after failing fast for a moment). */
async function untilAnswering(store: Store): Promise<void> {
  await waitUntil(
    () =>
      store.db.query("SELECT 1").then(
        () => true,
        () => false,
      ),
    { what: "the store to answer again" },
  );
}

describe.skipIf(!withPostgres)("store deadlines on PostgreSQL", () => {
  describe("a frozen server", () => {
    let proxy: FreezableProxy;
    let store: Store;
    const schema = uniqueSchema();

    beforeAll(async () => {
      proxy = await startFreezableProxy(POSTGRES_URL, 5432);
      store = await openStore({ databaseUrl: proxy.url, postgres: { schema, statementTimeoutMs: STATEMENT_TIMEOUT_MS } });
    });
    afterAll(async () => {
      proxy?.thaw();
      await store?.close();
      await proxy?.close();
      await dropSchema(schema);
    });

    it("fails a query, then a transaction, with StoreUnavailableError and keeps nothing, then serves again once thawed", async () => {
      await store.users.ensure("before-the-freeze");
      proxy.freeze();
      try {
        const read = await rejectionOf(store.users.ensure("during-the-freeze"));
        expect(read).toBeInstanceOf(StoreUnavailableError);
        expect((read as StoreUnavailableError).code).toBe("STORE_UNAVAILABLE");
        expect((read as StoreUnavailableError).message).not.toContain(String(proxy.port));

        // Right after a server that answered nothing, the next operation fails at once instead of waiting again.
        const written = await rejectionOf(store.db.transaction((tx) => tx.query("INSERT INTO users (id, client_user_id) VALUES ('u-frozen', 'frozen-tx')")));
        expect(written).toBeInstanceOf(StoreUnavailableError);
        expect((written as StoreUnavailableError).reason).toBe("the store answered nothing moments ago");
      } finally {
        proxy.thaw();
      }
      await untilAnswering(store);
      const users = await store.db.query<{ client_user_id: string }>("SELECT client_user_id FROM users ORDER BY client_user_id");
      expect(users.map((user) => user.client_user_id)).toEqual(["before-the-freeze"]);
    });

    it("fails a transaction whose statement gets no answer, without waiting for a rollback, and commits nothing of it", async () => {
      await untilAnswering(store);
      const failed = await rejectionOf(
        store.db.transaction(async (tx) => {
          await tx.query("INSERT INTO users (id, client_user_id) VALUES ('u-half', 'half-written')");
          proxy.freeze();
          await tx.query("SELECT 1");
        }),
      );
      proxy.thaw();
      expect(failed).toBeInstanceOf(StoreUnavailableError);
      expect((failed as StoreUnavailableError).reason).toMatch(/^no answer/);
      await untilAnswering(store);
      expect(await countRows(schema, "SELECT 1 FROM users WHERE client_user_id = 'half-written'")).toBe(0);
    });
  });

  describe("a slow server", () => {
    let store: Store;
    const schema = uniqueSchema();

    beforeAll(async () => {
      store = await openStore({ databaseUrl: POSTGRES_URL, postgres: { schema, statementTimeoutMs: STATEMENT_TIMEOUT_MS } });
    });
    afterAll(async () => {
      await store?.close();
      await dropSchema(schema);
    });

    it("cancels a statement past its timeout with StoreUnavailableError, and the connection goes on serving", async () => {
      const slow = await rejectionOf(store.db.query("SELECT pg_sleep(30)"));
      expect(slow).toBeInstanceOf(StoreUnavailableError);
      expect((slow as StoreUnavailableError).reason).toBe("statement timeout");
      const inTransaction = await rejectionOf(store.db.transaction((tx) => tx.query("SELECT pg_sleep(30)")));
      expect((inTransaction as StoreUnavailableError).reason).toBe("statement timeout");
      expect(await store.db.query("SELECT 1 AS one")).toEqual([{ one: 1 }]);
    });

    it("gives up waiting for a lock another session holds with StoreUnavailableError", async () => {
      const user = await store.users.ensure("locked");
      const holder = new pg.Client({ connectionString: POSTGRES_URL });
      await holder.connect();
      try {
        await holder.query("BEGIN");
        await holder.query(`SELECT 1 FROM ${schema}.users WHERE id = $1 FOR UPDATE`, [user.id]);
        const waited = await rejectionOf(store.db.transaction((tx) => tx.query("SELECT 1 FROM users WHERE id = $1 FOR UPDATE", [user.id])));
        expect(waited).toBeInstanceOf(StoreUnavailableError);
        expect((waited as StoreUnavailableError).reason).toBe("lock timeout");
      } finally {
        await holder.query("ROLLBACK");
        await holder.end();
      }
    });

    it("leaves a statement's own faults as they are", async () => {
      const fault = await rejectionOf(store.db.query("SELECT * FROM no_such_table"));
      expect(fault).not.toBeInstanceOf(StoreUnavailableError);
      expect((fault as { code?: string }).code).toBe("42P01");
    });
  });

  describe("through the gateway", () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "store-deadlines-"));
    const schema = uniqueSchema();
    let proxy: FreezableProxy | undefined;
    let store: Store | undefined;
    const { harness } = useTestGateway(async () => {
      proxy = await startFreezableProxy(POSTGRES_URL, 5432);
      store = await openStore({ databaseUrl: proxy.url, postgres: { schema, statementTimeoutMs: STATEMENT_TIMEOUT_MS } });
      const opened = { proxy, store };
      return { env: { DATA_DIR: dataDir }, store: { store, cleanup: () => dropSchema(schema).finally(() => opened.proxy.close()) } };
    });
    // After-hooks run last-registered first: the server is thawed before the gateway stops.
    afterAll(() => proxy?.thaw());
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

    const signedWebhook = async (itemId: string, url: string) => {
      const body = JSON.stringify({
        webhook_type: "ITEM",
        webhook_code: "WEBHOOK_UPDATE_ACKNOWLEDGED",
        item_id: itemId,
        error: null,
        new_webhook_url: url,
        environment: "sandbox",
      });
      return { body, header: await signAsPlaid(dataDir, body) };
    };
    const receiptsOf = (body: string) => countRows(schema, "SELECT 1 FROM webhook_receipts WHERE body_sha256 = $1", [sha256Hex(body)]);

    it("answers a webhook 503 and stores nothing of it while PostgreSQL is frozen, and 200 once it answers", async () => {
      const stored = await signedWebhook("item-before", "https://example.com/before");
      expect((await postWebhook(harness, stored.body, { header: stored.header })).status).toBe(200);
      expect(await receiptsOf(stored.body)).toBe(1);

      const frozen = await signedWebhook("item-during", "https://example.com/during");
      proxy!.freeze();
      try {
        const answer = await postWebhook(harness, frozen.body, { header: frozen.header });
        expect(answer.status).toBe(503);
      } finally {
        proxy!.thaw();
      }
      expect(harness.webhookResults.at(-1)).toEqual({ failed: "store_unavailable" });
      expect(await receiptsOf(frozen.body)).toBe(0);

      await untilAnswering(store!);
      expect((await postWebhook(harness, frozen.body, { header: frozen.header })).status).toBe(200);
      expect(await receiptsOf(frozen.body)).toBe(1);
    });

    it("answers a GraphQL request whose store read gets no answer with STORE_UNAVAILABLE", async () => {
      await untilAnswering(store!);
      const token = await harness.token("newcomer");
      proxy!.freeze();
      let result;
      try {
        result = await harness.graphql("{ viewer { items { edges { node { id } } } } }", {}, token);
      } finally {
        proxy!.thaw();
      }
      expect(result.errors?.map((error) => error.extensions?.code)).toEqual(["STORE_UNAVAILABLE"]);
      expect(result.errors?.[0]?.message).toBe("The store is unavailable; try again later");

      await untilAnswering(store!);
      const served = await harness.graphql<{ viewer: { items: { edges: unknown[] } } }>("{ viewer { items { edges { node { id } } } } }", {}, token);
      expect(served.errors).toBeUndefined();
      expect(served.data?.viewer.items).toEqual({ edges: [] });
    });
  });
});
