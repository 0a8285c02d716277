import { describe, expect, it } from "vitest";
import { startTestGateway } from "../support/gateway-harness.js";
import { waitUntil } from "../support/wait-until.js";
import { subscribeToItemStatus } from "../support/item-status-subscriptions.js";

describe("stopping a gateway", () => {
  it("ends open subscriptions and finishes, instead of waiting for subscribers to leave", async () => {
    const harness = await startTestGateway();
    const token = await harness.token("watcher");
    const subscription = subscribeToItemStatus(harness.gateway.graphqlUrl, token);
    try {
      await waitUntil(() => subscription.acknowledged && harness.gateway.events.activeSubscriptions() > 0, { what: "the subscription" });
      await harness.close();
      await waitUntil(() => subscription.closed !== null, { what: "the socket to close" });
      expect(subscription.events).toEqual([]);
      expect(harness.gateway.events.activeSubscriptions()).toBe(0);
    } finally {
      await subscription.close();
    }
  });
});
