/**
 * PGlite runs one operation at a time: while one holds the store (a transaction that does not finish),
 * every other operation gives up within the deadline with StoreUnavailableError and never runs later, a
 * webhook is answered 503 (so Plaid retries) with nothing stored, and a GraphQL request gets
 * STORE_UNAVAILABLE. The deadline is configured small so the suite stays quick.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { StoreUnavailableError } from "../../src/domain/errors.js";
import { openStore, type Store } from "../../src/datasources/store/store.js";
import { useTestGateway } from "../support/gateway-harness.js";
import { postWebhook, sha256Hex, signAsPlaid } from "../webhooks/webhook-support.js";

const STATEMENT_TIMEOUT_MS = 400;
/** How long a hold lasts at most, should a test fail before releasing it. */
const HOLD_LIMIT_MS = 20_000;

/** Holds the store in a transaction until released: every other operation has to wait for its turn. */
function holdStore(store: Store): { release: () => Promise<void> } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
    setTimeout(resolve, HOLD_LIMIT_MS).unref();
  });
  let started!: () => void;
  const holding = new Promise<void>((resolve) => (started = resolve));
  const finished = store.db.transaction(async (tx) => {
    await tx.query("SELECT 1");
    started();
    await released;
  });
  return {
    release: async () => {
      await holding;
      release();
      await finished;
    },
  };
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail("the store operation succeeded"),
    (error: unknown) => error,
  );
}

describe("store deadlines on PGlite", () => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it("an operation that cannot get its turn fails with StoreUnavailableError and never runs afterwards", async () => {
    const opened = (store = await openStore({ pglite: { statementTimeoutMs: STATEMENT_TIMEOUT_MS } }));
    const hold = holdStore(opened);
    try {
      const write = await rejectionOf(opened.users.ensure("while-held"));
      expect(write).toBeInstanceOf(StoreUnavailableError);
      expect((write as StoreUnavailableError).code).toBe("STORE_UNAVAILABLE");
      const transaction = await rejectionOf(opened.db.transaction((tx) => tx.query("INSERT INTO users (id, client_user_id) VALUES ('u-held', 'held-tx')")));
      expect(transaction).toBeInstanceOf(StoreUnavailableError);
    } finally {
      await hold.release();
    }
    const users = await opened.db.query<{ client_user_id: string }>("SELECT client_user_id FROM users");
    expect(users).toEqual([]);
    expect((await opened.users.ensure("after-the-hold")).clientUserId).toBe("after-the-hold");
  });

  it("refuses a deadline that is not a positive whole number of milliseconds", async () => {
    await expect(openStore({ pglite: { statementTimeoutMs: 0 } })).rejects.toThrow(/statementTimeoutMs must be a positive whole number/);
    await expect(openStore({ pglite: { statementTimeoutMs: 1.5 } })).rejects.toThrow(/statementTimeoutMs must be a positive whole number/);
  });
});

describe("store deadlines on PGlite, through the gateway", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "pglite-deadlines-"));
  let store: Store | undefined;
  const { harness } = useTestGateway(async () => {
    store = await openStore({ pglite: { statementTimeoutMs: STATEMENT_TIMEOUT_MS } });
    return { env: { DATA_DIR: dataDir }, store: { store } };
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const signedWebhook = async (itemId: string) => {
    const body = JSON.stringify({
      webhook_type: "ITEM",
      webhook_code: "WEBHOOK_UPDATE_ACKNOWLEDGED",
      item_id: itemId,
      error: null,
      new_webhook_url: `https://example.com/${itemId}`,
      environment: "sandbox",
    });
    return { body, header: await signAsPlaid(dataDir, body) };
  };
  const receiptsOf = async (body: string) => (await store!.db.query("SELECT 1 FROM webhook_receipts WHERE body_sha256 = $1", [sha256Hex(body)])).length;

  it("answers a webhook 503 and stores nothing of it while the store is held, and 200 once it is free", async () => {
    const webhook = await signedWebhook("item-while-held");
    const hold = holdStore(store!);
    let answer: Awaited<ReturnType<typeof postWebhook>>;
    try {
      answer = await postWebhook(harness, webhook.body, { header: webhook.header });
    } finally {
      await hold.release();
    }
    expect(answer.status).toBe(503);
    expect(harness.webhookResults.at(-1)).toEqual({ failed: "store_unavailable" });
    expect(await receiptsOf(webhook.body)).toBe(0);

    expect((await postWebhook(harness, webhook.body, { header: webhook.header })).status).toBe(200);
    expect(await receiptsOf(webhook.body)).toBe(1);
  });

  it("answers a GraphQL request with STORE_UNAVAILABLE while the store is held", async () => {
    const token = await harness.token("pglite-newcomer");
    const hold = holdStore(store!);
    let result;
    try {
      result = await harness.graphql("{ viewer { items { edges { node { id } } } } }", {}, token);
    } finally {
      await hold.release();
    }
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(["STORE_UNAVAILABLE"]);

    const served = await harness.graphql<{ viewer: { items: { edges: unknown[] } } }>("{ viewer { items { edges { node { id } } } } }", {}, token);
    expect(served.errors).toBeUndefined();
    expect(served.data?.viewer.items).toEqual({ edges: [] });
  });
});
