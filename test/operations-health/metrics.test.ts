/**
 * /metrics: what an operator's Prometheus scrapes. Every assertion reads the gateway's own /metrics
 * output through a strict parser of the text format, and compares counts before and after the traffic
 * that should move them.
 */
import { describe, expect, it } from "vitest";
import { ExchangePublicTokenDocument, SandboxResetLoginDocument, ViewerDocument } from "../../generated/graphql.js";
import { accessTokenOf, useTestGateway, withTestGateway } from "../support/gateway-harness.js";
import { waitUntil } from "../support/wait-until.js";
import { graphqlWsClient, subscribeToItemStatus } from "../support/item-status-subscriptions.js";
import { createSettledItem, linkItemThroughLink } from "../support/link-helpers.js";
import { useWebhookReceiver } from "../simulator/support.js";
import { captureLoginError, listenToBus, postWebhook, redirectWebhooks } from "../webhooks/webhook-support.js";
import { parseExposition, scrape, type Exposition } from "./prometheus-text.js";

/** Runs one operation over graphql-ws and returns what came back. */
async function overWebSocket(graphqlUrl: string, token: string, query: string): Promise<{ data?: unknown; errors?: unknown[] }> {
  const client = graphqlWsClient(graphqlUrl, token);
  try {
    return await new Promise((resolve) => {
      let result: { data?: unknown; errors?: unknown[] } = {};
      client.subscribe(
        { query },
        {
          next: (value) => {
            result = value as typeof result;
          },
          error: (error) => resolve({ errors: Array.isArray(error) ? error : [error] }),
          complete: () => resolve(result),
        },
      );
    });
  } finally {
    await client.dispose();
  }
}

describe("the Prometheus text format reader used here", () => {
  it("accepts a well-formed exposition and refuses broken ones", () => {
    const good = '# HELP a_total A.\n# TYPE a_total counter\na_total{x="1",y="q\\"uote"} 3\n';
    expect(parseExposition(good).value("a_total", { y: 'q"uote' })).toBe(3);
    for (const broken of [
      "a_total 1\n", // no TYPE
      "# HELP a_total A.\n# TYPE a_total counter\na_total{x=1} 1\n", // unquoted label value
      "# HELP a_total A.\n# TYPE a_total counter\na_total 1 2 3\n",
      "# HELP a_total A.\n# TYPE a_total counter\na_total one\n",
      '# HELP h H.\n# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n', // not cumulative
      "# HELP a_total A.\n# TYPE a_total counter\na_total 1", // no final line feed
    ]) {
      expect(() => parseExposition(broken), broken).toThrow();
    }
  });
});

describe("/metrics", () => {
  const { harness, tokens } = useTestGateway({ users: { watcher: "user" } });
  const receiver = useWebhookReceiver();

  const metrics = async (): Promise<Exposition> => (await scrape(harness.gateway.url)).metrics;

  it("serves the Prometheus text format, with the process metrics, from a registry of each gateway's own", async () => {
    const { contentType, metrics: exposition } = await scrape(harness.gateway.url);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const [name, type] of [
      ["graphql_operations_total", "counter"],
      ["graphql_operation_duration_seconds", "histogram"],
      ["plaid_calls_total", "counter"],
      ["plaid_call_duration_seconds", "histogram"],
      ["webhooks_total", "counter"],
      ["graphql_active_subscriptions", "gauge"],
      ["item_events_published_total", "counter"],
      ["process_cpu_user_seconds_total", "counter"],
      ["nodejs_heap_size_used_bytes", "gauge"],
    ] as const) {
      expect(exposition.families.get(name)?.type, name).toBe(type);
    }

    // A second gateway in the same process counts only its own traffic.
    await harness.graphql(ViewerDocument, {}, tokens.watcher);
    await withTestGateway({}, async (other) => {
      const theirs = (await scrape(other.gateway.url)).metrics;
      expect(theirs.value("graphql_operations_total")).toBe(0);
      expect((await metrics()).value("graphql_operations_total")).toBeGreaterThan(0);
      expect(theirs.families.get("process_cpu_user_seconds_total")).toBeDefined();
    });
  });

  it("counts GraphQL operations over HTTP by name, type and outcome, and times them", async () => {
    // Exchanged once already: Plaid refuses it the second time.
    const { publicToken: used } = await linkItemThroughLink(harness, tokens.watcher);
    const before = await metrics();
    expect((await harness.graphql(ViewerDocument, {}, tokens.watcher)).errors).toBeUndefined();
    expect((await harness.graphql("{ viewer { id } }", {}, tokens.watcher)).errors).toBeUndefined();
    expect((await harness.graphql("query BrokenOnPurpose { nope }", {}, tokens.watcher)).errors).toBeDefined();
    const exchange = await harness.graphql(ExchangePublicTokenDocument, { publicToken: used }, tokens.watcher);
    expect(exchange.errors?.[0]?.extensions?.code).toBe("PLAID_ERROR");
    const after = await metrics();

    const delta = (labels: Record<string, string>) => after.value("graphql_operations_total", labels) - before.value("graphql_operations_total", labels);
    expect(delta({ operation: "Viewer", type: "query", outcome: "ok" })).toBe(1);
    expect(delta({ operation: "anonymous", type: "query", outcome: "ok" })).toBe(1);
    expect(delta({ operation: "BrokenOnPurpose", type: "unknown", outcome: "error" })).toBe(1);
    expect(delta({ operation: "ExchangePublicToken", type: "mutation", outcome: "error" })).toBe(1);
    expect(delta({ operation: "Viewer", outcome: "error" })).toBe(0);
    const timed = (labels: Record<string, string>) =>
      after.value("graphql_operation_duration_seconds_count", labels) - before.value("graphql_operation_duration_seconds_count", labels);
    expect(timed({ operation: "Viewer", type: "query" })).toBe(1);
    expect(timed({ operation: "ExchangePublicToken", type: "mutation" })).toBe(1);
    // Plaid's answer, by endpoint and error code.
    const refused = { endpoint: "/item/public_token/exchange", outcome: "INVALID_PUBLIC_TOKEN" };
    expect(after.value("plaid_calls_total", refused) - before.value("plaid_calls_total", refused)).toBe(1);
  });

  it("counts Plaid calls by endpoint exactly as the gateway made them", async () => {
    const itemId = await createSettledItem(harness, tokens.watcher);
    const exposition = await metrics();
    const byEndpoint = new Map<string, { ok: number; all: number }>();
    for (const call of harness.plaidCalls) {
      const entry = byEndpoint.get(call.endpoint) ?? { ok: 0, all: 0 };
      entry.all += 1;
      if (call.ok) entry.ok += 1;
      byEndpoint.set(call.endpoint, entry);
    }
    expect(byEndpoint.get("/sandbox/public_token/create")?.ok).toBeGreaterThan(0);
    for (const [endpoint, counts] of byEndpoint) {
      expect(exposition.value("plaid_calls_total", { endpoint }), endpoint).toBe(counts.all);
      expect(exposition.value("plaid_calls_total", { endpoint, outcome: "ok" }), endpoint).toBe(counts.ok);
      expect(exposition.value("plaid_call_duration_seconds_count", { endpoint }), endpoint).toBe(counts.all);
    }
    const endpoints = new Set(exposition.samples("plaid_calls_total").map((sample) => sample.labels.endpoint));
    expect([...endpoints].sort()).toEqual([...byEndpoint.keys()].sort());
    // No id or token became a label value.
    const { text } = await scrape(harness.gateway.url);
    expect(text).not.toContain(itemId);
    expect(text).not.toContain(accessTokenOf(harness, itemId));
  });

  it("counts a webhook Plaid sends as accepted, and the events it publishes", async () => {
    const itemId = await createSettledItem(harness, tokens.watcher);
    const bus = listenToBus(harness, null);
    const before = await metrics();
    const reset = await harness.graphql(SandboxResetLoginDocument, { itemId }, tokens.watcher);
    expect(reset.errors).toBeUndefined();
    await harness.settle();
    await waitUntil(() => bus.events.some((event) => event.itemId === itemId && event.status === "LOGIN_REQUIRED"), { what: "the LOGIN_REQUIRED event" });
    const after = await metrics();
    bus.unsubscribe();

    const accepted = { code: "ERROR", result: "accepted" };
    expect(after.value("webhooks_total", accepted) - before.value("webhooks_total", accepted)).toBe(1);
    expect(after.value("webhooks_total", { result: "rejected" }) - before.value("webhooks_total", { result: "rejected" })).toBe(0);
    expect(after.value("item_events_published_total") - before.value("item_events_published_total")).toBe(bus.events.length);
    expect(bus.events.length).toBeGreaterThan(0);
  });

  it("counts forged webhooks as rejected with their reason, and a replay as a duplicate", async () => {
    const itemId = await createSettledItem(harness, tokens.watcher);
    await redirectWebhooks(harness, receiver, itemId);
    const signed = await captureLoginError(harness, receiver, itemId);
    const before = await metrics();

    const tampered = Buffer.from(signed.body.toString("utf8").replace('"ERROR"', '"PENDING_DISCONNECT"'));
    expect(tampered.equals(signed.body)).toBe(false);
    expect((await postWebhook(harness, tampered, { header: signed.header })).status).toBe(401);
    expect((await postWebhook(harness, signed.body, { header: "not-a-jwt" })).status).toBe(401);
    expect((await postWebhook(harness, signed.body, { header: signed.header })).status).toBe(200);
    expect((await postWebhook(harness, signed.body, { header: signed.header })).status).toBe(200);
    await harness.settle();
    const after = await metrics();

    const delta = (labels: Record<string, string>) => after.value("webhooks_total", labels) - before.value("webhooks_total", labels);
    expect(delta({ result: "rejected", reason: "body_hash_mismatch" })).toBe(1);
    expect(delta({ result: "rejected", reason: "malformed_jwt" })).toBe(1);
    expect(delta({ code: "ERROR", result: "accepted" })).toBe(1);
    expect(delta({ code: "ERROR", result: "duplicate" })).toBe(1);
    // A rejected webhook is unverified: nothing from its body becomes a label.
    const rejected = after.samples("webhooks_total").filter((sample) => sample.labels.result === "rejected");
    expect(rejected.every((sample) => sample.labels.code === undefined)).toBe(true);
  });

  it("shows live subscriptions going up and down, and counts operations over graphql-ws", async () => {
    const gauge = async () => (await metrics()).value("graphql_active_subscriptions");
    const before = await metrics();
    const base = before.value("graphql_active_subscriptions");

    const first = subscribeToItemStatus(harness.gateway.graphqlUrl, tokens.watcher);
    const second = subscribeToItemStatus(harness.gateway.graphqlUrl, tokens.watcher);
    await waitUntil(async () => (await gauge()) === base + 2, { what: "two live subscriptions in the gauge" });
    expect(harness.gateway.events.activeSubscriptions()).toBe(base + 2);
    await first.close();
    await waitUntil(async () => (await gauge()) === base + 1, { what: "one live subscription in the gauge" });
    await second.close();
    await waitUntil(async () => (await gauge()) === base, { what: "no live subscription in the gauge" });

    const viewer = await overWebSocket(harness.gateway.graphqlUrl, tokens.watcher, "query WsViewer { viewer { id } }");
    expect(viewer.errors).toBeUndefined();
    const broken = await overWebSocket(harness.gateway.graphqlUrl, tokens.watcher, "query WsBrokenOnPurpose { nope }");
    expect(broken.errors?.length).toBeGreaterThan(0);

    const subscription = { operation: "ItemStatusChanged", type: "subscription", outcome: "ok" };
    const counted = (after: Exposition, labels: Record<string, string>) => after.value("graphql_operations_total", labels) - before.value("graphql_operations_total", labels);
    await waitUntil(async () => counted(await metrics(), subscription) === 2, { what: "both subscriptions counted once ended" });
    const after = await metrics();
    expect(counted(after, { operation: "WsViewer", type: "query", outcome: "ok" })).toBe(1);
    expect(counted(after, { operation: "WsBrokenOnPurpose", type: "unknown", outcome: "error" })).toBe(1);
    expect(after.value("graphql_operation_duration_seconds_count", { operation: "ItemStatusChanged", type: "subscription" })).toBe(2);
  });
});
