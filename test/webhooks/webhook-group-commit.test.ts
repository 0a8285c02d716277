/**
 * The ingestion service on a real store (PGlite, and PostgreSQL when reachable): webhooks that arrive
 * together are taken in by one transaction and answered only once it has committed; one the store
 * refuses is kept out alone; a store that cannot start a transaction fails them all and keeps nothing.
 * Each batch here is made deterministic by handing the service its webhooks in one turn of the event loop.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createPlaidApi } from "../../src/datasources/plaid/plaid-client.js";
import { PlaidDataSource } from "../../src/datasources/plaid/plaid-datasource.js";
import type { Store } from "../../src/datasources/store/store.js";
import { TokenCipher } from "../../src/datasources/store/token-cipher.js";
import type { ItemEvent } from "../../src/domain/item-event.js";
import { createLogger } from "../../src/logger.js";
import { createServices } from "../../src/services/create-services.js";
import type { IngestResult, WebhookIngestService } from "../../src/services/webhook-ingest.service.js";
import { createInProcessEventBus, type ItemEventBus } from "../../src/subscriptions/item-event-bus.js";
import { storeBackends } from "../support/databases.js";
import { makeSnapshot } from "../support/factories.js";
import { closedPort } from "../support/tcp-proxy.js";

const backends = await storeBackends();
const cipher = new TokenCipher([randomBytes(32)]);
const logger = createLogger({ level: "silent" });

/** A webhook body as Plaid writes it (2-space JSON). */
const body = (fields: Record<string, unknown>) => Buffer.from(JSON.stringify({ ...fields, environment: "sandbox" }, null, 2), "utf8");
const pendingExpiration = (itemId: string, at: string) => body({ webhook_type: "ITEM", webhook_code: "PENDING_EXPIRATION", item_id: itemId, consent_expiration_time: at });
const newAccounts = (itemId: string) => body({ webhook_type: "ITEM", webhook_code: "NEW_ACCOUNTS_AVAILABLE", item_id: itemId, error: null });
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

describe.each(backends)("webhooks taken in together ($name store)", (backend) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "webhook-group-commit-"));
  let store: Store;
  let bus: ItemEventBus;
  let ingest: WebhookIngestService;
  /** Every transaction the store runs, with whether each webhook of the test had been answered when it was about to commit. */
  const transactions: Array<{ answeredBeforeCommit: boolean[] }> = [];
  let answered: boolean[] = [];

  beforeAll(async () => {
    store = await backend.open();
    const transaction = store.db.transaction.bind(store.db);
    store.db.transaction = (fn) => {
      const seen = { answeredBeforeCommit: [] as boolean[] };
      transactions.push(seen);
      return transaction(async (tx) => {
        const result = await fn(tx);
        seen.answeredBeforeCommit = [...answered];
        return result;
      });
    };
    bus = createInProcessEventBus({ logger });
    const config = loadConfig({ DATA_DIR: dataDir, PLAID_ENV: "simulator", PLAID_CLIENT_ID: "cid", PLAID_SECRET: "sec", AUTH_JWT_SECRET: randomBytes(32).toString("hex") });
    // No webhook here is confirmed with /item/get: Plaid is never called.
    const plaid = new PlaidDataSource(createPlaidApi({ env: "sandbox", clientId: "cid", secret: "sec", basePath: `http://127.0.0.1:${await closedPort()}` }), logger);
    ingest = createServices({ config, store, plaid, cipher, events: bus, simulatorUrl: null, webhookUrl: () => null, logger }).ingest;
  });
  afterAll(async () => {
    await bus?.close();
    await store?.close().catch(() => {});
    await backend.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function linkedItem(user: string): Promise<string> {
    const owner = await store.users.ensure(user);
    const snapshot = makeSnapshot({ userId: owner.id });
    await store.items.insert(snapshot, cipher.seal("token", snapshot.itemId));
    return snapshot.itemId;
  }

  /** Hands the service every body in one turn of the event loop; settles with each one's answer. */
  function sendTogether(bodies: readonly Buffer[]): Promise<Array<PromiseSettledResult<IngestResult>>> {
    answered = bodies.map(() => false);
    return Promise.allSettled(
      bodies.map((bytes, i) =>
        ingest.ingest(sha256(bytes), bytes).finally(() => {
          answered[i] = true;
        }),
      ),
    );
  }

  const outcomes = (settled: ReadonlyArray<PromiseSettledResult<IngestResult>>) => settled.map((entry) => (entry.status === "fulfilled" ? entry.value.outcome : "rejected"));

  async function eventsOf(...itemIds: string[]): Promise<ItemEvent[]> {
    const all = await Promise.all(itemIds.map((itemId) => store.events.listForItem(itemId, 100)));
    return all.flat().sort((a, b) => a.sequence - b.sequence);
  }

  it("takes them in with one transaction, answers none before it commits, and gives each its own outcome", async () => {
    const [first, second] = [await linkedItem("ana"), await linkedItem("ben")];
    const bodies = [
      pendingExpiration(first, "2031-01-01T00:00:00Z"),
      newAccounts(second),
      pendingExpiration(first, "2031-02-01T00:00:00Z"),
      body({ webhook_type: "ITEM", webhook_code: "PENDING_DISCONNECT", item_id: second, reason: "INSTITUTION_MIGRATION", disconnect_time: "2031-03-01T00:00:00Z" }),
      pendingExpiration(first, "2031-01-01T00:00:00Z"),
      newAccounts("an-item-nobody-linked"),
      body({ webhook_type: "TRANSACTIONS", webhook_code: "SYNC_UPDATES_AVAILABLE", item_id: first }),
      body({ webhook_type: "ITEM", webhook_code: "SOMETHING_NEW", item_id: first }),
    ];
    const from = transactions.length;

    const settled = await sendTogether(bodies);

    expect(outcomes(settled)).toEqual(["applied", "applied", "applied", "applied", "duplicate", "unknown_item", "ignored_type", "ignored_code"]);
    expect(transactions.slice(from)).toEqual([{ answeredBeforeCommit: Array(8).fill(false) }]);
    const stored = await store.db.query<{ body_sha256: string; outcome: string }>("SELECT body_sha256, outcome FROM webhook_receipts");
    const outcomeOf = new Map(stored.map((row) => [row.body_sha256, row.outcome]));
    expect(bodies.map((bytes) => outcomeOf.get(sha256(bytes)))).toEqual(["applied", "applied", "applied", "applied", "applied", "unknown_item", "ignored_type", "ignored_code"]);
    // The log has the events in the order the webhooks arrived, each starting from where the one before left its Item.
    const logged = (await eventsOf(first, second)).filter((event) => event.cause !== "LINKED");
    expect(logged.map((event) => [event.itemId, event.cause, event.previousStatus, event.status])).toEqual([
      [first, "PENDING_EXPIRATION", "HEALTHY", "PENDING_EXPIRATION"],
      [second, "NEW_ACCOUNTS_AVAILABLE", "HEALTHY", "HEALTHY"],
      [first, "PENDING_EXPIRATION", "PENDING_EXPIRATION", "PENDING_EXPIRATION"],
      [second, "PENDING_DISCONNECT", "HEALTHY", "PENDING_DISCONNECT"],
    ]);
    expect((await store.items.findById(first))?.snapshot.consentExpiresAt).toEqual(new Date("2031-02-01T00:00:00Z"));
    expect((await store.items.findById(second))?.snapshot).toMatchObject({ status: "PENDING_DISCONNECT", newAccountsAvailable: true });
  });

  it("answers each webhook before publishing its event, and publishes the events in log order", async () => {
    const itemId = await linkedItem("cleo");
    const order: string[] = [];
    const published: ItemEvent[] = [];
    const stop = bus.subscribe(null, (event) => {
      if (event.itemId !== itemId) return;
      order.push(`published ${event.cause}`);
      published.push(event);
    });
    const bodies = [pendingExpiration(itemId, "2032-01-01T00:00:00Z"), newAccounts(itemId)];

    await Promise.all(bodies.map((bytes) => ingest.ingest(sha256(bytes), bytes).then((result) => order.push(`answered ${result.webhookCode}`))));
    await ingest.idle();
    stop();

    expect(order.slice(0, 2).sort()).toEqual(["answered NEW_ACCOUNTS_AVAILABLE", "answered PENDING_EXPIRATION"]);
    expect(order.slice(2)).toEqual(["published PENDING_EXPIRATION", "published NEW_ACCOUNTS_AVAILABLE"]);
    expect(published).toEqual((await eventsOf(itemId)).filter((event) => event.cause !== "LINKED"));
  });

  it("keeps out alone a webhook the store refuses: it is not answered as taken in and leaves nothing; the others commit", async () => {
    const itemId = await linkedItem("dana");
    // A NUL character in item_id: no text column stores it, so the statement that records it fails.
    const refused = newAccounts(`${itemId}\u0000`);
    const bodies = [pendingExpiration(itemId, "2033-01-01T00:00:00Z"), refused, newAccounts(itemId)];
    const from = transactions.length;

    const settled = await sendTogether(bodies);

    expect(outcomes(settled)).toEqual(["applied", "rejected", "applied"]);
    // The batch's own transaction failed; the second one took each webhook on a savepoint of its own.
    expect(transactions.length - from).toBe(2);
    expect(await store.db.query("SELECT 1 FROM webhook_receipts WHERE body_sha256 = $1", [sha256(refused)])).toEqual([]);
    const received = await store.db.query<{ n: number }>("SELECT count(*)::int AS n FROM webhook_receipts WHERE item_id = $1", [itemId]);
    expect(received[0]!.n).toBe(2);
    expect((await eventsOf(itemId)).map((event) => event.cause)).toEqual(["PENDING_EXPIRATION", "NEW_ACCOUNTS_AVAILABLE"]);
  });

  it("fails every webhook of a batch whose transaction cannot start, at once, keeping and publishing nothing", async () => {
    const itemId = await linkedItem("eli");
    await ingest.idle();
    const published: ItemEvent[] = [];
    bus.subscribe(null, (event) => published.push(event));
    await store.close();
    const from = transactions.length;

    const settled = await sendTogether([pendingExpiration(itemId, "2034-01-01T00:00:00Z"), newAccounts(itemId)]);
    await ingest.idle();

    expect(outcomes(settled)).toEqual(["rejected", "rejected"]);
    expect(transactions.length - from).toBe(1);
    expect(published).toEqual([]);
  });
});
