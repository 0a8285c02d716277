/**
 * A signed webhook captured once and sent again and again: Plaid's webhooks carry no id, so a body
 * received before may be a new event and is confirmed with /item/get, but at most once per Item and
 * cool-down, however often it is replayed; a body received for the first time is confirmed at once.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPlaidApi } from "../../src/datasources/plaid/plaid-client.js";
import { PlaidDataSource } from "../../src/datasources/plaid/plaid-datasource.js";
import { openStore, type Store } from "../../src/datasources/store/store.js";
import { TokenCipher } from "../../src/datasources/store/token-cipher.js";
import { createLogger } from "../../src/logger.js";
import { ItemGate } from "../../src/services/item-gate.js";
import { ItemLedger } from "../../src/services/item-ledger.js";
import { ItemReadCache } from "../../src/services/item-read-cache.js";
import { ItemReconciler } from "../../src/services/item-reconciler.js";
import { WebhookIngestService } from "../../src/services/webhook-ingest.service.js";
import { createInProcessEventBus, type ItemEventBus } from "../../src/subscriptions/item-event-bus.js";
import { makeSnapshot } from "../support/factories.js";
import { accessTokenOf, useTestGateway, type TestGateway } from "../support/gateway-harness.js";
import { createSettledItem } from "../support/link-helpers.js";
import { waitUntil } from "../support/wait-until.js";
import { linkSandboxItem, useSimulator, useWebhookReceiver, type WebhookReceiver } from "../simulator/support.js";
import { captureLoginError, eventsOf, itemState, postWebhook, receipts, redirectWebhooks, sha256Hex, type CapturedWebhook } from "./webhook-support.js";

const REPLAYS = 50;

/** Has Plaid fire an ITEM webhook for the Item (/sandbox/item/fire_webhook) and returns it as the receiver got it. */
async function captureFired(harness: TestGateway, receiver: WebhookReceiver, itemId: string, code: string): Promise<CapturedWebhook> {
  const ofCode = () => receiver.received.filter((w) => w.json.item_id === itemId && w.json.webhook_code === code);
  const before = ofCode().length;
  const fired = await harness.plaid("/sandbox/item/fire_webhook", { access_token: accessTokenOf(harness, itemId), webhook_code: code });
  expect(fired.status).toBe(200);
  const found = await waitUntil(() => ofCode()[before], { what: `a ${code} webhook for ${itemId} at the receiver` });
  const header = found.headers["plaid-verification"];
  if (typeof header !== "string") throw new Error("webhook arrived without Plaid-Verification");
  return { body: Buffer.from(found.rawBody, "utf8"), header, json: found.json };
}

describe("a signed webhook replayed to the gateway", () => {
  const { harness, tokens } = useTestGateway({ users: { carol: "user" } });
  const receiver = useWebhookReceiver();
  let itemId: string;
  let loginError: CapturedWebhook;

  beforeAll(async () => {
    // Plaid breaks the Item's login and sends its ERROR webhook to the receiver, from where it is replayed.
    itemId = await createSettledItem(harness, tokens.carol);
    await redirectWebhooks(harness, receiver, itemId);
    loginError = await captureLoginError(harness, receiver, itemId);
  });

  /** Posts the webhook and waits until the gateway has taken it in and confirmed what it asked for. */
  async function deliver(webhook: CapturedWebhook): Promise<void> {
    const answer = await postWebhook(harness, webhook.body, { header: webhook.header });
    expect(answer.status).toBe(200);
    await harness.gateway.idle();
  }

  it("the first receipt of the ERROR is applied and confirmed with Plaid at once", async () => {
    const since = harness.exchanges.length;
    await deliver(loginError);
    expect(harness.callsTo("/item/get", since, itemId)).toBe(1);
    expect(await itemState(harness, tokens.carol, itemId)).toMatchObject({ status: "LOGIN_REQUIRED", causes: ["ERROR", "LINKED"] });
  });

  it(`replayed ${REPLAYS} times, the same body costs the Item one /item/get and never Plaid's rate limit`, async () => {
    const since = harness.exchanges.length;
    // One after the other, each confirmation done before the next replay: nothing is merged in flight.
    for (let i = 0; i < REPLAYS; i++) await deliver(loginError);

    expect(harness.callsTo("/item/get", since, itemId)).toBe(1);
    expect(harness.exchanges.slice(since).filter((exchange) => exchange.status === 429)).toEqual([]);
    expect((await receipts(harness, itemId)).filter((receipt) => receipt.body_sha256 === sha256Hex(loginError.body))).toMatchObject([{ outcome: "applied" }]);
    expect((await eventsOf(harness, itemId)).map((event) => event.cause)).toEqual(["LINKED", "ERROR"]);
    expect(await itemState(harness, tokens.carol, itemId)).toMatchObject({ status: "LOGIN_REQUIRED" });
  });

  it("a new webhook that moves the status is still confirmed at once during the cool-down; replaying it is not", async () => {
    const repaired = await captureFired(harness, receiver, itemId, "LOGIN_REPAIRED");
    const since = harness.exchanges.length;
    await deliver(repaired);
    expect(harness.callsTo("/item/get", since, itemId)).toBe(1);
    expect(await itemState(harness, tokens.carol, itemId)).toMatchObject({ status: "HEALTHY", causes: ["LOGIN_REPAIRED", "ERROR", "LINKED"] });

    const replayedFrom = harness.exchanges.length;
    for (let i = 0; i < 5; i++) await deliver(repaired);
    expect(harness.callsTo("/item/get", replayedFrom, itemId)).toBe(0);
  });
});

describe("the cool-down after a webhook received again", () => {
  const simulator = useSimulator();
  const logger = createLogger({ level: "silent" });
  const cipher = new TokenCipher([randomBytes(32)]);
  const COOL_DOWN_MS = 60_000;
  /** The reconciler's clock, moved by the test. */
  let nowMs = 0;
  let store: Store;
  let bus: ItemEventBus;
  let ingest: WebhookIngestService;
  let reconciler: ItemReconciler;
  let itemId: string;
  let loginError: Buffer;

  beforeAll(async () => {
    store = await openStore({});
    bus = createInProcessEventBus({ logger });
    const ledger = new ItemLedger(store, cipher, bus, logger);
    const gate = new ItemGate(store, cipher, ledger, new ItemReadCache(bus));
    const plaid = new PlaidDataSource(createPlaidApi({ env: "sandbox", clientId: simulator.clientId, secret: simulator.secret, basePath: simulator.url }), logger);
    reconciler = new ItemReconciler(gate, ledger, plaid, logger, { replayCoolDownMs: COOL_DOWN_MS, now: () => nowMs });
    ingest = new WebhookIngestService(store, ledger, reconciler, logger);

    // An Item at Plaid whose login is broken, known to the gateway as healthy.
    const linked = await linkSandboxItem(simulator);
    itemId = linked.item_id;
    const owner = await store.users.ensure("dana");
    await store.items.insert(makeSnapshot({ userId: owner.id, itemId }), cipher.seal(linked.access_token, itemId));
    expect((await simulator.plaid("/sandbox/item/reset_login", { access_token: linked.access_token })).status).toBe(200);
    const error = { display_message: null, error_code: "ITEM_LOGIN_REQUIRED", error_message: "the login details of this item have changed", error_type: "ITEM_ERROR", status: 400 };
    loginError = Buffer.from(JSON.stringify({ environment: "sandbox", error, item_id: itemId, webhook_code: "ERROR", webhook_type: "ITEM" }, null, 2), "utf8");
  });
  afterAll(async () => {
    await bus?.close();
    await store?.close();
  });

  /** Takes the ERROR in at the given time and answers how many /item/get calls it cost. */
  async function receiveAt(atMs: number): Promise<number> {
    nowMs = atMs;
    const before = simulator.callsTo("/item/get", itemId).length;
    await ingest.ingest(sha256Hex(loginError), loginError);
    await ingest.idle();
    await reconciler.idle();
    return simulator.callsTo("/item/get", itemId).length - before;
  }

  it("confirms a replayed body once per cool-down, and again once the cool-down has passed", async () => {
    expect(await receiveAt(0)).toBe(1);
    expect((await store.items.findById(itemId))?.snapshot.status).toBe("LOGIN_REQUIRED");
    // Received again: it could be a new break, so Plaid is asked, and the cool-down starts.
    expect(await receiveAt(1_000)).toBe(1);
    for (const atMs of [1_001, 30_000, 1_000 + COOL_DOWN_MS - 1]) expect(await receiveAt(atMs)).toBe(0);
    expect(await receiveAt(1_000 + COOL_DOWN_MS)).toBe(1);
    expect(await receiveAt(1_000 + COOL_DOWN_MS + 1)).toBe(0);
  });
});
