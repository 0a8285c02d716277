/**
 * Items' webhooks stay pointed at the gateway: every /item/get answer is checked against
 * PUBLIC_URL/webhooks/plaid and a difference is fixed with /item/webhook/update; Plaid's
 * WEBHOOK_UPDATE_ACKNOWLEDGED is then taken in without changing the Item's status.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RefreshItemDocument } from "../../generated/graphql.js";
import { openStore } from "../../src/datasources/store/store.js";
import { accessTokenOf, expectCleanRun, startTestGateway, useTestGateway, type TestGateway } from "../support/gateway-harness.js";
import { createSettledItem } from "../support/link-helpers.js";
import { waitUntil } from "../support/wait-until.js";
import { scrape } from "../operations-health/prometheus-text.js";
import { useWebhookReceiver } from "../simulator/support.js";
import { deliveries, eventsOf, receipts } from "../webhooks/webhook-support.js";

const INTERVAL_SECONDS = 10;

/** The webhook Plaid holds for the Item, asked of Plaid (the simulator) with the gateway's credentials. */
async function webhookAtPlaid(harness: TestGateway, accessToken: string): Promise<string | null> {
  const answer = await harness.plaid<{ item: { webhook: string | null } }>("/item/get", { access_token: accessToken });
  expect(answer.status).toBe(200);
  return answer.body.item.webhook;
}

/** A TCP port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Waits until Plaid has acknowledged the new webhook at the gateway for each Item, and checks nothing else changed. */
async function expectAcknowledgedWithoutStatusChange(harness: TestGateway, itemIds: readonly string[], url: string): Promise<void> {
  await waitUntil(
    async () => {
      const sent = (await deliveries(harness)).filter((d) => d.webhook_code === "WEBHOOK_UPDATE_ACKNOWLEDGED" && d.url === url && d.state === "delivered");
      return itemIds.every((itemId) => sent.some((d) => d.item_id === itemId));
    },
    { what: "Plaid's WEBHOOK_UPDATE_ACKNOWLEDGED at the new URL" },
  );
  await harness.settle();
  for (const itemId of itemIds) {
    const acknowledged = (await receipts(harness, itemId)).filter((receipt) => receipt.webhook_code === "WEBHOOK_UPDATE_ACKNOWLEDGED");
    expect(acknowledged).toHaveLength(1);
    expect(["applied", "unchanged"]).toContain(acknowledged[0]!.outcome);
    expect((await eventsOf(harness, itemId)).map((event) => event.cause)).toEqual(["LINKED"]);
    const stored = await harness.gateway.store.items.findById(itemId);
    expect(stored?.snapshot).toMatchObject({ status: "HEALTHY", webhookUrl: url });
  }
}

describe("a gateway restarted with a new PUBLIC_URL on the same store", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "webhook-repair-"));
  const settings = {
    DATA_DIR: dataDir,
    PLAID_CLIENT_ID: `cid${randomBytes(8).toString("hex")}`,
    PLAID_SECRET: `sec${randomBytes(12).toString("hex")}`,
    AUTH_JWT_SECRET: randomBytes(32).toString("hex"),
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("hex"),
    ITEM_RECONCILE_INTERVAL_SECONDS: String(INTERVAL_SECONDS),
  };
  const openSharedStore = async () => ({ store: await openStore({ pgliteDir: path.join(dataDir, "store") }) });

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("points every existing Item's webhook at the new address within one interval", async () => {
    const first = await startTestGateway({ env: settings, store: await openSharedStore() });
    const accessTokens = new Map<string, string>();
    try {
      const token = await first.token("erin");
      for (let i = 0; i < 3; i++) {
        const itemId = await createSettledItem(first, token);
        accessTokens.set(itemId, accessTokenOf(first, itemId));
        expect(await webhookAtPlaid(first, accessTokens.get(itemId)!)).toBe(`${first.gateway.url}/webhooks/plaid`);
      }
      expectCleanRun(first);
    } finally {
      await first.close();
    }

    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    const second = await startTestGateway({ env: { ...settings, PORT: String(port), PUBLIC_URL: publicUrl }, store: await openSharedStore() });
    try {
      const newUrl = `${publicUrl}/webhooks/plaid`;
      expect(newUrl).not.toBe(`${first.gateway.url}/webhooks/plaid`);
      await waitUntil(
        async () => {
          for (const accessToken of accessTokens.values()) if ((await webhookAtPlaid(second, accessToken)) !== newUrl) return false;
          return true;
        },
        { timeoutMs: INTERVAL_SECONDS * 1000 + 5_000, intervalMs: 250, what: "every Item's webhook at Plaid to be the new address" },
      );
      await expectAcknowledgedWithoutStatusChange(second, [...accessTokens.keys()], newUrl);
      expect((await scrape(second.gateway.url)).metrics.value("item_webhook_updates_total", { outcome: "ok" })).toBe(accessTokens.size);
      expectCleanRun(second);
    } finally {
      await second.close();
    }
  }, 90_000);
});

describe("any /item/get the gateway makes", () => {
  const { harness, tokens } = useTestGateway({ users: { frank: "user" } });
  const elsewhere = useWebhookReceiver();

  it("finds an Item pointed elsewhere and points it back, and Plaid's acknowledgement changes no status", async () => {
    const itemId = await createSettledItem(harness, tokens.frank);
    const accessToken = accessTokenOf(harness, itemId);
    const ours = `${harness.gateway.url}/webhooks/plaid`;
    const moved = await harness.plaid("/item/webhook/update", { access_token: accessToken, webhook: elsewhere.url });
    expect(moved.status).toBe(200);
    expect(await webhookAtPlaid(harness, accessToken)).toBe(elsewhere.url);
    await harness.settle();
    const updatesBefore = harness.callsTo("/item/webhook/update");

    // The sweep (one day by default) has nothing due: this /item/get is refreshItem's.
    const refreshed = await harness.graphql(RefreshItemDocument, { itemId }, tokens.frank);
    expect(refreshed.data?.refreshItem).toMatchObject({ id: itemId, status: "HEALTHY" });
    await harness.settle();

    expect(harness.callsTo("/item/webhook/update") - updatesBefore).toBe(1);
    expect(await webhookAtPlaid(harness, accessToken)).toBe(ours);
    await expectAcknowledgedWithoutStatusChange(harness, [itemId], ours);

    // Pointed right, a further read updates nothing.
    await harness.graphql(RefreshItemDocument, { itemId }, tokens.frank);
    await harness.settle();
    expect(harness.callsTo("/item/webhook/update") - updatesBefore).toBe(1);
  });
});
