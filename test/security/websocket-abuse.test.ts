import WebSocket from "ws";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestGateway } from "../support/gateway-harness.js";
import { waitUntil } from "../support/wait-until.js";
import { createSandboxItem } from "../support/link-helpers.js";
import { graphqlWsClient, websocketUrl } from "../support/item-status-subscriptions.js";

describe("WebSocket abuse", () => {
  const { harness, tokens } = useTestGateway({ users: { churner: "user" } });

  beforeAll(async () => {
    await createSandboxItem(harness, tokens.churner);
  });

  it("1,000 subscribe/complete cycles leave no subscription behind and the connection keeps working", async () => {
    const baseline = harness.gateway.events.activeSubscriptions();
    const client = graphqlWsClient(harness.gateway.graphqlUrl, tokens.churner);
    try {
      for (let round = 0; round < 10; round++) {
        const stops = Array.from({ length: 100 }, () =>
          client.subscribe({ query: "subscription { itemStatusChanged { cursor } }" }, { next: () => {}, error: () => {}, complete: () => {} }),
        );
        await waitUntil(() => harness.gateway.events.activeSubscriptions() >= baseline + 1, { what: "subscriptions registered" });
        for (const stop of stops) stop();
      }
      await waitUntil(() => harness.gateway.events.activeSubscriptions() === baseline, { what: "every subscription released" });
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
    socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${tokens.churner}`, padding: "x".repeat(200_000) } }));
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
