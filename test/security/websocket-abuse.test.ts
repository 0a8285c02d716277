import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectCleanRun, startTestGateway, waitUntil, type TestGateway } from "../support/gateway-harness.js";
import { createSandboxItem } from "../support/link-helpers.js";
import { websocketUrl } from "../support/item-status-subscriptions.js";

describe("WebSocket abuse", () => {
  let harness: TestGateway;
  let token: string;

  beforeAll(async () => {
    harness = await startTestGateway();
    token = await harness.token("churner");
    await createSandboxItem(harness, token);
  });
  afterAll(async () => {
    expectCleanRun(harness);
    await harness.close();
  });

  it("1,000 subscribe/complete cycles leave no subscription behind and the connection keeps working", async () => {
    const baseline = harness.gateway.events.activeSubscriptions();
    const client = createClient({
      url: websocketUrl(harness.gateway.graphqlUrl),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    try {
      for (let round = 0; round < 10; round++) {
        const stops = Array.from({ length: 100 }, () =>
          client.subscribe({ query: "subscription { itemStatusChanged { cursor } }" }, { next: () => {}, error: () => {}, complete: () => {} }),
        );
        await waitUntil(() => harness.gateway.events.activeSubscriptions() >= baseline + 1, 10_000, "subscriptions registered");
        for (const stop of stops) stop();
      }
      await waitUntil(() => harness.gateway.events.activeSubscriptions() === baseline, 10_000, "every subscription released");
      const answer = await new Promise<unknown>((resolve, reject) => {
        client.subscribe({ query: "{ viewer { clientUserId } }" }, { next: resolve, error: reject, complete: () => {} });
      });
      expect(answer).toEqual({ data: { viewer: { clientUserId: "churner" } } });
    } finally {
      await client.dispose();
    }
  });

  it("an oversized message closes the socket without reaching GraphQL", async () => {
    const before = harness.exchanges.length;
    const socket = new WebSocket(websocketUrl(harness.gateway.graphqlUrl), "graphql-transport-ws");
    const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      socket.on("open", () => resolve());
      socket.on("error", reject);
    });
    socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}`, padding: "x".repeat(200_000) } }));
    expect(await closed).toBe(1009);
    expect(harness.exchanges.length).toBe(before);
  });

  it("a subscribe before the connection is acknowledged closes the socket as unauthorized", async () => {
    const socket = new WebSocket(websocketUrl(harness.gateway.graphqlUrl), "graphql-transport-ws");
    const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
    await new Promise<void>((resolve) => socket.on("open", () => resolve()));
    socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: "subscription { itemStatusChanged { cursor } }" } }));
    expect(await closed).toBe(4401);
  });
});
