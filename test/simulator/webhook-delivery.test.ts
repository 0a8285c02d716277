import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { DeliveryRecord } from "../../src/simulator/webhook-delivery.js";
import { expectNoFidelityViolations, startTestSimulator } from "../support/simulator-harness.js";
import { sleep, waitUntil } from "../support/wait-until.js";
import { linkSandboxItem, startWebhookReceiver, useSimulator, type WebhookReceiver } from "./support.js";

const SCALE = 0.001;
const h = useSimulator({ timeScale: SCALE });
const receivers: WebhookReceiver[] = [];

async function receiver(respond?: Parameters<typeof startWebhookReceiver>[0]): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver(respond);
  receivers.push(r);
  return r;
}

const deliveriesOf = async (itemId: string): Promise<DeliveryRecord[]> =>
  (await h.control("GET", "/webhooks/deliveries")).body.deliveries.filter((d: DeliveryRecord) => d.item_id === itemId);

afterEach(async () => {
  await h.control("DELETE", "/webhooks/faults");
  await h.control("POST", "/settings", { webhook_timeout_ms: 10_000 });
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
});

describe("Plaid's retry rule", () => {
  it("retries a failing receiver after 30 s, then 4x each time (time-scaled), until it answers 200", async () => {
    const failing = await receiver((i) => (i < 3 ? 500 : 200));
    const item = await linkSandboxItem(h, { webhook: failing.url });
    await h.plaid("/sandbox/item/reset_login", { access_token: item.access_token });
    await failing.waitFor(4);
    const [delivery] = await waitUntil(async () => {
      const ds = await deliveriesOf(item.item_id);
      return ds[0]?.state === "delivered" ? ds : null;
    });
    expect(delivery.attempts.map((a) => a.status)).toEqual([500, 500, 500, 200]);
    expect(delivery.attempts.map((a) => a.planned_delay_ms)).toEqual([0, 30_000 * SCALE, 120_000 * SCALE, 480_000 * SCALE]);
    const bodies = new Set(failing.received.map((w) => w.rawBody));
    expect(bodies.size).toBe(1);
  });

  it("treats any status other than 200 as a failure", async () => {
    const accepted = await receiver((i) => (i === 0 ? 204 : 200));
    const item = await linkSandboxItem(h, { webhook: accepted.url });
    await h.plaid("/sandbox/item/reset_login", { access_token: item.access_token });
    await accepted.waitFor(2);
    expect((await deliveriesOf(item.item_id))[0].attempts[0].status).toBe(204);
  });

  it("counts no answer within the timeout as a failure", async () => {
    await h.control("POST", "/settings", { webhook_timeout_ms: 100 });
    const slow = await receiver(async (i) => {
      if (i === 0) await sleep(1_000);
      return 200;
    });
    const item = await linkSandboxItem(h, { webhook: slow.url });
    await h.plaid("/sandbox/item/reset_login", { access_token: item.access_token });
    const [delivery] = await waitUntil(async () => {
      const ds = await deliveriesOf(item.item_id);
      return ds[0]?.state === "delivered" ? ds : null;
    });
    expect(delivery.attempts[0]).toMatchObject({ status: null, error: "timeout" });
    expect(delivery.attempts[1].status).toBe(200);
  });
});

describe("giving up", () => {
  it("stops after 24 hours of retries, and for a receiver failing more than 90% of deliveries", async () => {
    const fast = await startTestSimulator({ timeScale: 0.00001 });
    try {
      const down = await receiver(() => 503);
      const item = await linkSandboxItem(fast, { webhook: down.url });
      await fast.plaid("/sandbox/item/reset_login", { access_token: item.access_token });
      const first = await waitUntil(async () => {
        const d = (await fast.control("GET", "/webhooks/deliveries")).body.deliveries[0];
        return d?.state === "failed" ? d : null;
      });
      // 30 s, 2 min, 8 min, 32 min, 128 min, 512 min fit in 24 h; the next (2048 min) does not.
      expect(first.attempts).toHaveLength(7);
      for (let i = 0; i < 3; i++) await fast.plaid("/sandbox/item/fire_webhook", { access_token: item.access_token, webhook_code: "LOGIN_REPAIRED" });
      const abandoned = await waitUntil(async () => {
        const ds = (await fast.control("GET", "/webhooks/deliveries")).body.deliveries;
        return ds.find((d: DeliveryRecord) => d.state === "abandoned");
      });
      expect(abandoned.attempts.length).toBeLessThan(7);
      expectNoFidelityViolations(fast);
    } finally {
      await fast.close();
    }
  });
});

describe("webhook faults", () => {
  it("duplicate delivers the next webhook twice, byte for byte", async () => {
    const r = await receiver();
    const item = await linkSandboxItem(h, { webhook: r.url });
    await h.control("POST", "/webhooks/faults", { mode: "duplicate", count: 1 });
    await h.plaid("/sandbox/item/fire_webhook", { access_token: item.access_token, webhook_code: "NEW_ACCOUNTS_AVAILABLE" });
    await h.plaid("/sandbox/item/fire_webhook", { access_token: item.access_token, webhook_code: "LOGIN_REPAIRED" });
    await r.waitFor(3);
    await sleep(50);
    expect(r.received.map((w) => w.json.webhook_code)).toEqual(["NEW_ACCOUNTS_AVAILABLE", "NEW_ACCOUNTS_AVAILABLE", "LOGIN_REPAIRED"]);
    expect(r.received[0]!.rawBody).toBe(r.received[1]!.rawBody);
  });

  it("reorder holds the next N webhooks and delivers them in reverse order", async () => {
    const r = await receiver();
    const item = await linkSandboxItem(h, { webhook: r.url });
    await h.control("POST", "/webhooks/faults", { mode: "reorder", count: 3 });
    for (const code of ["NEW_ACCOUNTS_AVAILABLE", "PENDING_DISCONNECT", "LOGIN_REPAIRED"]) {
      await h.plaid("/sandbox/item/fire_webhook", { access_token: item.access_token, webhook_code: code });
    }
    await r.waitFor(3);
    expect(r.received.map((w) => w.json.webhook_code)).toEqual(["LOGIN_REPAIRED", "PENDING_DISCONNECT", "NEW_ACCOUNTS_AVAILABLE"]);
  });

  it("delay holds back the next webhook so a later one overtakes it", async () => {
    const r = await receiver();
    const item = await linkSandboxItem(h, { webhook: r.url });
    await h.control("POST", "/webhooks/faults", { mode: "delay", count: 1, delay_ms: 3_000 });
    await h.plaid("/sandbox/item/fire_webhook", { access_token: item.access_token, webhook_code: "NEW_ACCOUNTS_AVAILABLE" });
    await h.plaid("/sandbox/item/fire_webhook", { access_token: item.access_token, webhook_code: "LOGIN_REPAIRED" });
    await r.waitFor(2);
    expect(r.received.map((w) => w.json.webhook_code)).toEqual(["LOGIN_REPAIRED", "NEW_ACCOUNTS_AVAILABLE"]);
    const delayed = (await deliveriesOf(item.item_id)).find((d) => d.webhook_code === "NEW_ACCOUNTS_AVAILABLE");
    expect(delayed).toMatchObject({ faults: ["delay"] });
    expect(delayed?.attempts[0]?.planned_delay_ms).toBe(3_000);
  });

  it("refuses an unknown mode", async () => {
    expect((await h.control("POST", "/webhooks/faults", { mode: "scramble" })).status).toBe(400);
  });
});

describe("/item/webhook/update", () => {
  it("sends WEBHOOK_UPDATE_ACKNOWLEDGED to the new URL only", async () => {
    const oldReceiver = await receiver();
    const newReceiver = await receiver();
    const item = await linkSandboxItem(h, { webhook: oldReceiver.url });
    await h.plaid("/item/webhook/update", { access_token: item.access_token, webhook: newReceiver.url });
    const [ack] = await newReceiver.waitFor(1);
    expect(ack!.json).toEqual({
      webhook_type: "ITEM",
      webhook_code: "WEBHOOK_UPDATE_ACKNOWLEDGED",
      item_id: item.item_id,
      new_webhook_url: newReceiver.url,
      error: null,
      environment: "sandbox",
    });
    expect(oldReceiver.received).toHaveLength(0);
    const status = (await h.plaid("/item/get", { access_token: item.access_token })).body.status;
    expect(status.last_webhook.code_sent).toBe("WEBHOOK_UPDATE_ACKNOWLEDGED");
  });
});

describe("close()", () => {
  it("cancels pending retries", async () => {
    const sim = await startTestSimulator({ timeScale: 0.01 });
    const down = await receiver(() => 500);
    const item = await linkSandboxItem(sim, { webhook: down.url });
    await sim.plaid("/sandbox/item/reset_login", { access_token: item.access_token });
    await down.waitFor(1);
    expectNoFidelityViolations(sim);
    await sim.close();
    // The first retry was due 300 ms later; after close() it must never come.
    await sleep(1_000);
    expect(down.received).toHaveLength(1);
  });
});
