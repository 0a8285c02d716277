/**
 * The store goes away while Plaid delivers a webhook: the gateway answers 503 so Plaid retries, publishes
 * nothing, and takes the webhook in exactly once when Plaid's retry finds the store back. PostgreSQL is
 * reached through a TCP proxy the test cuts and restores.
 */
import { describe, expect, it } from "vitest";
import type { Queryable } from "../../src/datasources/store/database.js";
import { postgresAvailable } from "../support/databases.js";
import { accessTokenOf } from "../support/gateway-harness.js";
import { waitUntil } from "../support/wait-until.js";
import { createSettledItem } from "../support/link-helpers.js";
import { useGatewayOnCuttablePostgres } from "../support/tcp-proxy.js";
import { useWebhookReceiver } from "../simulator/support.js";
import {
  captureItemWebhooks,
  deliveries,
  eventsOf,
  itemState,
  listenToBus,
  logEntries,
  ownerOf,
  postWebhook,
  receipts,
  redirectWebhooks,
  type Delivery,
} from "./webhook-support.js";

const withPostgres = await postgresAvailable();

describe.skipIf(!withPostgres)("a webhook arriving while the store is down (PostgreSQL)", () => {
  const { harness, proxy } = useGatewayOnCuttablePostgres();
  const receiver = useWebhookReceiver();

  it("is answered 503 and published nowhere, then applied exactly once when Plaid retries after the store is back", async () => {
    const token = await harness.token("dave");
    const itemId = await createSettledItem(harness, token);
    const bus = listenToBus(harness, await ownerOf(harness, itemId));
    const errorDelivery = async (): Promise<Delivery | undefined> => (await deliveries(harness)).find((d) => d.item_id === itemId && d.webhook_code === "ERROR");

    proxy.cut();
    // Plaid breaks the login on its own side (the gateway's mutation would need the store) and sends ITEM/ERROR.
    const reset = await harness.plaid("/sandbox/item/reset_login", { access_token: accessTokenOf(harness, itemId) });
    expect(reset.status).toBe(200);
    await waitUntil(async () => (await errorDelivery())?.attempts[0]?.status != null, { what: "the first delivery attempt of ITEM/ERROR" });

    const refused = (await errorDelivery())!;
    expect(refused.attempts[0]).toMatchObject({ status: 503 });
    expect(refused.state).not.toBe("delivered");
    expect(harness.webhookResults).toContainEqual({ failed: "store_unavailable" });
    expect(logEntries(harness).some((entry) => entry.msg === "webhook not stored; answering 503 so Plaid retries")).toBe(true);
    expect(bus.events).toEqual([]);
    expect(proxy.refused).toBeGreaterThan(0);

    proxy.restore();
    await waitUntil(async () => (await errorDelivery())?.state === "delivered", { timeoutMs: 20_000, what: "Plaid's retry to be delivered" });
    await harness.settle();

    const delivered = (await errorDelivery())!;
    expect(delivered.attempts.length).toBeGreaterThan(1);
    expect(delivered.attempts.slice(0, -1).every((attempt) => attempt.status === 503)).toBe(true);
    expect(delivered.attempts.at(-1)).toMatchObject({ status: 200 });
    expect(delivered.attempts[1]!.planned_delay_ms).toBeGreaterThan(0);

    expect(await receipts(harness, itemId)).toMatchObject([{ webhook_code: "ERROR", outcome: "applied" }]);
    expect((await eventsOf(harness, itemId)).map((event) => event.cause)).toEqual(["LINKED", "ERROR"]);
    expect(bus.events.map((event) => [event.cause, event.status])).toEqual([["ERROR", "LOGIN_REQUIRED"]]);
    expect(await itemState(harness, token, itemId)).toMatchObject({ status: "LOGIN_REQUIRED", recommendedAction: "UPDATE_LOGIN" });
    bus.unsubscribe();
  });

  it("answers 503 to every webhook of a batch whose connection is lost while it is written, keeps none of them, and takes each in once on Plaid's retry", async () => {
    const token = await harness.token("fay");
    const itemId = await createSettledItem(harness, token);
    await redirectWebhooks(harness, receiver, itemId);
    const webhooks = await captureItemWebhooks(harness, receiver, itemId);
    const bus = listenToBus(harness, await ownerOf(harness, itemId));
    // The store goes away right after the first batch has recorded its receipts, in the middle of its transaction.
    const db = harness.gateway.store.db;
    const transaction = db.transaction.bind(db);
    let armed = true;
    db.transaction = (fn) =>
      transaction((tx) => {
        const query: Queryable["query"] = async (sql, params) => {
          const rows = await tx.query(sql, params);
          if (armed && sql.includes("INSERT INTO webhook_receipts")) {
            armed = false;
            proxy.cut();
          }
          return rows as never;
        };
        return fn({ ...tx, query });
      });

    try {
      const refused = await Promise.all(webhooks.map((webhook) => postWebhook(harness, webhook.body, { header: webhook.header })));
      expect(armed).toBe(false);
      expect(refused.map((answer) => answer.status)).toEqual(Array(5).fill(503));
      proxy.restore();
      await harness.settle();
      expect(await receipts(harness, itemId)).toEqual([]);
      expect((await eventsOf(harness, itemId)).map((event) => event.cause)).toEqual(["LINKED"]);
      expect(bus.events).toEqual([]);

      const retried = await Promise.all(webhooks.map((webhook) => postWebhook(harness, webhook.body, { header: webhook.header })));
      await harness.settle();
      expect(retried.map((answer) => answer.status)).toEqual(Array(5).fill(200));
      expect(await receipts(harness, itemId)).toHaveLength(5);
      const logged = (await eventsOf(harness, itemId)).filter((event) => event.cause !== "LINKED");
      expect(logged).toHaveLength(5);
      expect(bus.events.map((event) => event.sequence)).toEqual(logged.map((event) => event.sequence));
    } finally {
      db.transaction = transaction;
      proxy.restore();
      bus.unsubscribe();
    }
  });
});
