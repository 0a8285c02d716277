import { beforeAll, describe, expect, it } from "vitest";
import { ItemsOverviewDocument } from "../../generated/graphql.js";
import { useTestGateway } from "../support/gateway-harness.js";
import { createSandboxItem } from "../support/link-helpers.js";

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
    expect(result.data!.viewer.items).toHaveLength(ITEMS);
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
      viewer { items { id accounts { mask } } }
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
    const query = `{ viewer { items { id status syncedAt } } a: viewer { items { id } } }`;
    const result = await harness.graphql<{ viewer: { items: Array<{ id: string; syncedAt: string }> } }>(query, {}, tokens.stale);
    expect(result.errors).toBeUndefined();
    for (const id of ids) expect(harness.callsTo("/item/get", before, id)).toBe(1);
    expect(harness.callsTo("/item/get", before)).toBe(2);
    const stored = await harness.gateway.store.items.findById(ids[0]!);
    expect(stored!.snapshot.syncedAt.toISOString()).toBe(result.data!.viewer.items.find((i) => i.id === ids[0])!.syncedAt);
  });
});
