/**
 * Many webhooks at once, end to end: real signed webhooks from the simulator, captured and then POSTed
 * together (each twice), against a real gateway on PGlite and on PostgreSQL. Every one is answered once,
 * taken in once, recorded in the event log once and published once, in log order.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ItemEvent } from "../../src/domain/item-event.js";
import { postgresAvailable } from "../support/databases.js";
import { useTestGateway, type TestGateway } from "../support/gateway-harness.js";
import { createSettledItem } from "../support/link-helpers.js";
import { useWebhookReceiver } from "../simulator/support.js";
import {
  captureItemWebhooks,
  eventsOf,
  itemState,
  listenToBus,
  logEntries,
  postWebhook,
  receipts,
  redirectWebhooks,
  sha256Hex,
  signAsPlaid,
  type CapturedWebhook,
} from "./webhook-support.js";

const stores = (await postgresAvailable()) ? (["pglite", "postgres"] as const) : (["pglite"] as const);

/** The events of the Items after their LINKED one, in log order. */
async function eventsAfterLink(harness: TestGateway, itemIds: readonly string[]): Promise<ItemEvent[]> {
  const all = await Promise.all(itemIds.map((itemId) => eventsOf(harness, itemId)));
  return all
    .flat()
    .filter((event) => event.cause !== "LINKED")
    .sort((a, b) => a.sequence - b.sequence);
}

describe.each(stores)("a burst of webhooks for several Items (%s store)", (store) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "webhook-bursts-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const { harness, tokens } = useTestGateway({ store, users: { erin: "user" }, env: { DATA_DIR: dataDir } });
  const receiver = useWebhookReceiver();

  it("answers each webhook 200 once it is stored, takes in each body once, and publishes each event once, in log order", async () => {
    const itemIds: string[] = [];
    for (let i = 0; i < 3; i++) itemIds.push(await createSettledItem(harness, tokens.erin));
    const webhooks: CapturedWebhook[] = [];
    for (const itemId of itemIds) {
      await redirectWebhooks(harness, receiver, itemId);
      webhooks.push(...(await captureItemWebhooks(harness, receiver, itemId)));
    }
    expect(new Set(webhooks.map((webhook) => sha256Hex(webhook.body))).size).toBe(15);
    const bus = listenToBus(harness, null);
    const resultsFrom = harness.webhookResults.length;

    // Every webhook twice, all at once, in an order that mixes Items and copies.
    const sends = [...webhooks, ...[...webhooks].reverse()];
    const answers = await Promise.all(sends.map((webhook) => postWebhook(harness, webhook.body, { header: webhook.header })));
    await harness.settle();

    expect(answers.map((answer) => answer.status)).toEqual(Array(30).fill(200));
    const outcomes = harness.webhookResults.slice(resultsFrom).map((result) => ("accepted" in result ? result.accepted.outcome : "not accepted"));
    expect(outcomes.filter((outcome) => outcome === "applied")).toHaveLength(15);
    expect(outcomes.filter((outcome) => outcome === "duplicate")).toHaveLength(15);

    const kept = (await receipts(harness)).filter((receipt) => receipt.item_id !== null && itemIds.includes(receipt.item_id));
    expect(kept.map((receipt) => receipt.body_sha256).sort()).toEqual(webhooks.map((webhook) => sha256Hex(webhook.body)).sort());
    expect(kept.every((receipt) => receipt.outcome === "applied")).toBe(true);

    const logged = await eventsAfterLink(harness, itemIds);
    expect(logged).toHaveLength(15);
    for (const itemId of itemIds) {
      const ofItem = logged.filter((event) => event.itemId === itemId);
      expect(ofItem.map((event) => event.cause).sort()).toEqual(["NEW_ACCOUNTS_AVAILABLE", "PENDING_EXPIRATION", "PENDING_EXPIRATION", "PENDING_EXPIRATION", "PENDING_EXPIRATION"]);
      // In log order each event starts from the status the one before left.
      ofItem.forEach((event, i) => expect(event.previousStatus).toBe(i === 0 ? "HEALTHY" : ofItem[i - 1]!.status));
      expect(await itemState(harness, tokens.erin, itemId)).toMatchObject({ status: "PENDING_EXPIRATION", newAccountsAvailable: true });
    }
    expect(bus.events.map((event) => event.sequence)).toEqual(logged.map((event) => event.sequence));
    bus.unsubscribe();
  });

  it("answers 503 to a webhook the store refuses and leaves nothing of it, while those sent with it are taken in", async () => {
    const itemId = await createSettledItem(harness, tokens.erin);
    await redirectWebhooks(harness, receiver, itemId);
    const good = await captureItemWebhooks(harness, receiver, itemId);
    // Signed with Plaid's key like the others, but with a NUL character in item_id, which no text column stores.
    const poisonBody = JSON.stringify({ webhook_type: "ITEM", webhook_code: "NEW_ACCOUNTS_AVAILABLE", item_id: `${itemId}\u0000`, error: null, environment: "sandbox" }, null, 2);
    const poison = { body: Buffer.from(poisonBody, "utf8"), header: await signAsPlaid(dataDir, poisonBody) };
    const bus = listenToBus(harness, null);
    const logsFrom = harness.logs.length;

    const sends = [good[0]!, good[1]!, poison, good[2]!, good[3]!, good[4]!];
    const answers = await Promise.all(sends.map((webhook) => postWebhook(harness, webhook.body, { header: webhook.header })));
    await harness.settle();

    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 503, 200, 200, 200]);
    const hashes = (await receipts(harness)).map((receipt) => receipt.body_sha256);
    expect(hashes).not.toContain(sha256Hex(poison.body));
    for (const webhook of good) expect(hashes.filter((hash) => hash === sha256Hex(webhook.body))).toHaveLength(1);
    const logged = await eventsAfterLink(harness, [itemId]);
    expect(logged).toHaveLength(5);
    expect(bus.events.map((event) => event.sequence)).toEqual(logged.map((event) => event.sequence));
    expect(logEntries(harness, logsFrom).filter((entry) => entry.msg === "webhook not stored; answering 503 so Plaid retries")).toHaveLength(1);
    bus.unsubscribe();

    // Plaid's retry of the good ones changes nothing.
    const again = await Promise.all(good.map((webhook) => postWebhook(harness, webhook.body, { header: webhook.header })));
    await harness.settle();
    expect(again.map((answer) => answer.status)).toEqual(Array(5).fill(200));
    expect(await eventsAfterLink(harness, [itemId])).toEqual(logged);
  });
});
