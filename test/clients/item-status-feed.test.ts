import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { itemStatusFeed, type ItemStatusEvent } from "../../examples/frontend/src/item-status-feed.js";
import { SandboxFireWebhookDocument, SandboxResetLoginDocument } from "../../generated/graphql.js";
import { useTestGateway } from "../support/gateway-harness.js";
import { websocketUrl } from "../support/item-status-subscriptions.js";
import { createSettledItem } from "../support/link-helpers.js";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy.js";
import { waitUntil } from "../support/wait-until.js";

/** Reads a feed in the background, as an app's render loop would. */
function collect(feed: AsyncGenerator<ItemStatusEvent>) {
  const events: ItemStatusEvent[] = [];
  const ended = (async () => {
    for await (const event of feed) events.push(event);
  })();
  return { events, ended };
}

describe("the README's item status feed (graphql-ws, resuming after its last cursor)", () => {
  const { harness, tokens } = useTestGateway({ users: { frank: "user" } });
  let proxy: TcpProxy;
  let proxiedWsUrl: string;

  beforeAll(async () => {
    const gateway = new URL(harness.gateway.url);
    proxy = await startTcpProxy({ host: gateway.hostname, port: Number(gateway.port) });
    proxiedWsUrl = `ws://127.0.0.1:${proxy.port}/graphql`;
  });
  afterAll(() => proxy.close());

  it("delivers the changes made while its connection was down once it is back, in order, none twice", async () => {
    const [first, second] = [await createSettledItem(harness, tokens.frank), await createSettledItem(harness, tokens.frank)];
    const stop = new AbortController();
    const feed = collect(itemStatusFeed({ wsUrl: proxiedWsUrl, token: tokens.frank, signal: stop.signal }));
    const connected = proxy.forwarded;
    await waitUntil(() => harness.gateway.events.activeSubscriptions() > 0 && proxy.forwarded > connected, { what: "the feed's subscription" });

    await harness.graphql(SandboxResetLoginDocument, { itemId: first }, tokens.frank);
    await waitUntil(() => feed.events.length === 1, { what: "the live event" });

    proxy.cut();
    await waitUntil(() => harness.gateway.events.activeSubscriptions() === 0, { what: "the dropped subscription to end" });
    // Changes nobody is connected to see.
    await harness.graphql(SandboxResetLoginDocument, { itemId: second }, tokens.frank);
    await harness.graphql(SandboxFireWebhookDocument, { itemId: first, code: "LOGIN_REPAIRED" }, tokens.frank);
    proxy.restore();

    await waitUntil(() => feed.events.length >= 3, { what: "the missed events after reconnecting", timeoutMs: 20_000 });
    // And live again.
    await harness.graphql(SandboxFireWebhookDocument, { itemId: second, code: "LOGIN_REPAIRED" }, tokens.frank);
    await waitUntil(() => feed.events.length >= 4, { what: "a live event after the resume" });
    stop.abort();
    await feed.ended;

    expect(feed.events.map((event) => [event.itemId, event.status])).toEqual([
      [first, "LOGIN_REQUIRED"],
      [second, "LOGIN_REQUIRED"],
      [first, "HEALTHY"],
      [second, "HEALTHY"],
    ]);
    expect(new Set(feed.events.map((event) => event.id)).size).toBe(4);
    expect(proxy.forwarded - connected).toBeGreaterThanOrEqual(2);
  });

  it("ends with the gateway's error when the token is refused, instead of reconnecting forever", async () => {
    const feed = itemStatusFeed({ wsUrl: websocketUrl(harness.gateway.graphqlUrl), token: "not-a-token" });
    await expect(feed.next()).rejects.toMatchObject({ code: 4403 });
  });

  it("ends with BAD_USER_INPUT for a cursor that is not one", async () => {
    const feed = itemStatusFeed({ wsUrl: websocketUrl(harness.gateway.graphqlUrl), token: tokens.frank, after: "not-a-cursor" });
    const error: unknown = await feed.next().then(
      () => null,
      (reason: unknown) => reason,
    );
    expect(Array.isArray(error) && (error as Array<{ extensions?: { code?: string } }>)[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});
