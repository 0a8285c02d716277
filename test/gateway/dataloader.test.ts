import { beforeAll, describe, expect, it } from "vitest";
import { ItemsOverviewDocument } from "../../generated/graphql.js";
import { useTestGateway } from "../support/gateway-harness.js";
import { createSandboxItem } from "../support/link-helpers.js";
import { sleep } from "../support/wait-until.js";

const ITEMS = 10;

describe("Plaid calls per query", () => {
  const { harness, tokens } = useTestGateway({ users: { manyItems: "user" } });
  const itemIds: string[] = [];

  beforeAll(async () => {
    for (let i = 0; i < ITEMS; i++) itemIds.push(await createSandboxItem(harness, tokens.manyItems));
  });

  it("a query over 10 Items calls each distinct endpoint once per Item, and /item/get not at all while snapshots are fresh", async () => {
    const before = harness.exchanges.length;
    const result = await harness.graphql(ItemsOverviewDocument, {}, tokens.manyItems);
    expect(result.errors).toBeUndefined();
    expect(result.data!.viewer.items.edges).toHaveLength(ITEMS);
    for (const id of itemIds) {
      expect(harness.callsTo("/accounts/get", before, id)).toBe(1);
      expect(harness.callsTo("/consent/events/get", before, id)).toBe(1);
    }
    expect(harness.callsTo("/accounts/get", before)).toBe(ITEMS);
    expect(harness.callsTo("/consent/events/get", before)).toBe(ITEMS);
    expect(harness.callsTo("/item/get", before)).toBe(0);
    expect(harness.exchanges.length - before).toBe(2 * ITEMS);
  });

  it("asking for the same Item's fields many times in one query still calls Plaid once per endpoint", async () => {
    const id = itemIds[0]!;
    const query = `query Repeat($id: ID!) {
      a: item(id: $id) { accounts { id } consentEvents { totalCount } }
      b: item(id: $id) { accounts { name } consentEvents(first: 1) { totalCount } }
      viewer { items { edges { node { id accounts { mask } } } } }
    }`;
    const before = harness.exchanges.length;
    const result = await harness.graphql(query, { id }, tokens.manyItems);
    expect(result.errors).toBeUndefined();
    expect(harness.callsTo("/accounts/get", before, id)).toBe(1);
    expect(harness.callsTo("/consent/events/get", before, id)).toBe(1);
    expect(harness.callsTo("/accounts/get", before)).toBe(ITEMS);
  });

  it("a new request calls Plaid again: loaders live for one request only", async () => {
    const id = itemIds[1]!;
    const before = harness.exchanges.length;
    await harness.graphql(`query($id: ID!) { item(id: $id) { accounts { id } } }`, { id }, tokens.manyItems);
    await harness.graphql(`query($id: ID!) { item(id: $id) { accounts { id } } }`, { id }, tokens.manyItems);
    expect(harness.callsTo("/accounts/get", before, id)).toBe(2);
  });
});

describe("snapshot refresh", () => {
  const { harness, tokens } = useTestGateway({ env: { ITEM_SNAPSHOT_MAX_AGE_SECONDS: "0" }, users: { stale: "user" } });

  it("re-reads a stale snapshot from /item/get once per Item per request, and records when", async () => {
    const ids = [await createSandboxItem(harness, tokens.stale), await createSandboxItem(harness, tokens.stale)];
    const before = harness.exchanges.length;
    const query = `{ viewer { items { edges { node { id status syncedAt } } } } a: viewer { items { edges { node { id } } } } }`;
    const result = await harness.graphql<{ viewer: { items: { edges: Array<{ node: { id: string; syncedAt: string } }> } } }>(query, {}, tokens.stale);
    expect(result.errors).toBeUndefined();
    for (const id of ids) expect(harness.callsTo("/item/get", before, id)).toBe(1);
    expect(harness.callsTo("/item/get", before)).toBe(2);
    const stored = await harness.gateway.store.items.findById(ids[0]!);
    expect(stored!.snapshot.syncedAt.toISOString()).toBe(result.data!.viewer.items.edges.find((e) => e.node.id === ids[0])!.node.syncedAt);
  });
});

describe("Plaid calls across concurrent requests", () => {
  const { harness, tokens } = useTestGateway({ env: { ITEM_SNAPSHOT_MAX_AGE_SECONDS: "1" }, users: { busy: "user" } });
  const concurrently = <T>(count: number, request: () => Promise<T>) => Promise.all(Array.from({ length: count }, request));

  it("requests that want the same Item's accounts at the same time share one /accounts/get call", async () => {
    const id = await createSandboxItem(harness, tokens.busy);
    await harness.fault({ path: "/accounts/get", latency_ms: 400 });
    const before = harness.exchanges.length;
    const results = await concurrently(8, () => harness.graphql(`query($id: ID!) { item(id: $id) { accounts { id } } }`, { id }, tokens.busy));
    expect(results.map((result) => result.errors)).toEqual(Array(8).fill(undefined));
    expect(new Set(results.map((result) => JSON.stringify(result.data))).size).toBe(1);
    expect(harness.callsTo("/accounts/get", before, id)).toBe(1);
  });

  it("a snapshot found stale by many requests at once is refreshed with one /item/get", async () => {
    const id = await createSandboxItem(harness, tokens.busy);
    await sleep(1_100);
    await harness.fault({ path: "/item/get", latency_ms: 400 });
    const before = harness.exchanges.length;
    const results = await concurrently(8, () => harness.graphql(`query($id: ID!) { item(id: $id) { id syncedAt } }`, { id }, tokens.busy));
    expect(results.map((result) => result.errors)).toEqual(Array(8).fill(undefined));
    expect(harness.callsTo("/item/get", before, id)).toBe(1);
  });

  it("after a refresh Plaid could not answer, the stored snapshot is served as stale without asking Plaid again until the snapshot age has passed", async () => {
    const id = await createSandboxItem(harness, tokens.busy);
    await sleep(1_100);
    await harness.fault({ path: "/item/get", status: 500, count: 100 });
    const query = `query($id: ID!) { item(id: $id) { id status } }`;
    const before = harness.exchanges.length;
    const first = await harness.graphql(query, { id }, tokens.busy);
    expect(first.extensions?.staleData).toEqual([expect.objectContaining({ itemId: id, field: "item", reason: "UPSTREAM_UNAVAILABLE" })]);
    const afterFirst = harness.callsTo("/item/get", before, id);
    expect(afterFirst).toBeGreaterThan(0);
    const again = await concurrently(5, () => harness.graphql(query, { id }, tokens.busy));
    for (const result of again) expect(result.extensions?.staleData).toEqual([expect.objectContaining({ itemId: id, field: "item", reason: "UPSTREAM_UNAVAILABLE" })]);
    expect(harness.callsTo("/item/get", before, id)).toBe(afterFirst);
    await sleep(1_100);
    await harness.clearFaults();
    const later = await harness.graphql(query, { id }, tokens.busy);
    expect(later.extensions?.staleData).toBeUndefined();
    expect(harness.callsTo("/item/get", before, id)).toBe(afterFirst + 1);
  });
});
