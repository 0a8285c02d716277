import { beforeAll, describe, expect, it } from "vitest";
import type { ItemEvent } from "../../src/domain/item-event.js";
import {
  AdminItemsDocument,
  AdminUserDocument,
  CompleteUpdateDocument,
  CreateUpdateLinkTokenDocument,
  ItemConsentEventsDocument,
  ItemDetailsDocument,
  ItemHistoryDocument,
  RefreshItemDocument,
  RemoveItemDocument,
  RemoveUserItemsDocument,
  SandboxFireWebhookDocument,
  SandboxResetLoginDocument,
  ViewerItemsDocument,
} from "../../generated/graphql.js";
import { useTestGateway } from "../support/gateway-harness.js";
import { waitUntil } from "../support/wait-until.js";
import { subscribeToItemStatus } from "../support/item-status-subscriptions.js";
import { createSandboxItem } from "../support/link-helpers.js";

/**
 * One user's Item, reached by another user through every query, mutation and subscription that takes
 * an Item: each reads exactly like a missing Item, and nothing reaches Plaid, the store or subscribers.
 */
describe("a second user against the first user's Item", () => {
  const { harness, tokens } = useTestGateway({ users: { alice: "user", bob: "user" } });
  let aliceItem: string;
  const published: ItemEvent[] = [];

  beforeAll(async () => {
    aliceItem = await createSandboxItem(harness, tokens.alice);
    await createSandboxItem(harness, tokens.bob);
    await harness.settle();
    const aliceUserId = (await harness.gateway.store.users.findByClientUserId("alice"))!.id;
    harness.gateway.events.subscribe(aliceUserId, (event) => published.push(event));
  });

  /** Everything an attempt could have changed. */
  async function footprint() {
    const stored = await harness.gateway.store.items.findById(aliceItem);
    const events = await harness.gateway.store.events.listForItem(aliceItem, 100);
    const sessions = await harness.gateway.store.db.query("SELECT count(*) AS n FROM link_sessions WHERE item_id = $1", [aliceItem]);
    return { plaidCalls: harness.exchanges.length, stored, events: events.length, sessions, published: published.length };
  }

  const missing = "no-such-item-0000000000000000000000";

  it.each([
    ["item", ItemDetailsDocument, (id: string) => ({ id })],
    ["item.consentEvents", ItemConsentEventsDocument, (id: string) => ({ id })],
    ["item.history", ItemHistoryDocument, (id: string) => ({ id })],
  ] as const)("query %s reads as null, like a missing Item", async (_name, document, variables) => {
    const before = await footprint();
    const foreign = await harness.graphql(document, variables(aliceItem) as never, tokens.bob);
    const absent = await harness.graphql(document, variables(missing) as never, tokens.bob);
    expect(foreign.errors).toBeUndefined();
    expect(foreign.data).toEqual({ item: null });
    expect(foreign.data).toEqual(absent.data);
    expect(await footprint()).toEqual(before);
  });

  it("the viewer's own lists never contain it", async () => {
    const result = await harness.graphql(ViewerItemsDocument, {}, tokens.bob);
    expect(result.data!.viewer.items.edges.map((e) => e.node.id)).not.toContain(aliceItem);
  });

  it("admin views are FORBIDDEN to a non-admin", async () => {
    const before = await footprint();
    expect((await harness.graphql(AdminItemsDocument, {}, tokens.bob)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await harness.graphql(AdminUserDocument, { clientUserId: "alice" }, tokens.bob)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(await footprint()).toEqual(before);
  });

  it.each([
    ["createUpdateLinkToken", CreateUpdateLinkTokenDocument, (itemId: string) => ({ input: { itemId } })],
    ["completeUpdate", CompleteUpdateDocument, (itemId: string) => ({ itemId })],
    ["refreshItem", RefreshItemDocument, (itemId: string) => ({ itemId })],
    ["removeItem", RemoveItemDocument, (itemId: string) => ({ itemId })],
    ["sandboxResetLogin", SandboxResetLoginDocument, (itemId: string) => ({ itemId })],
    ["sandboxFireWebhook", SandboxFireWebhookDocument, (itemId: string) => ({ itemId, code: "NEW_ACCOUNTS_AVAILABLE" })],
  ] as const)("mutation %s is NOT_FOUND exactly as for a missing Item, and changes nothing", async (_name, document, variables) => {
    const before = await footprint();
    const foreign = await harness.graphql(document, variables(aliceItem) as never, tokens.bob);
    const absent = await harness.graphql(document, variables(missing) as never, tokens.bob);
    expect(foreign.errors?.[0]).toMatchObject({ message: "Item not found", extensions: { code: "NOT_FOUND" } });
    expect(foreign.errors?.[0]?.message).toBe(absent.errors?.[0]?.message);
    expect(foreign.errors?.[0]?.extensions?.code).toBe(absent.errors?.[0]?.extensions?.code);
    expect(foreign.data).toEqual(absent.data);
    expect(await footprint()).toEqual(before);
  });

  it("removeUserItems names the id without telling whose it is, and removes nothing", async () => {
    const before = await footprint();
    const foreign = await harness.graphql(RemoveUserItemsDocument, { itemIds: [aliceItem] }, tokens.bob);
    const absent = await harness.graphql(RemoveUserItemsDocument, { itemIds: [missing] }, tokens.bob);
    expect(foreign.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", itemIds: [aliceItem] });
    expect(foreign.errors?.[0]?.message.replace(aliceItem, "ID")).toBe(absent.errors?.[0]?.message.replace(missing, "ID"));
    expect(await footprint()).toEqual(before);
  });

  it("a subscription naming the Item never receives its events", async () => {
    const spy = subscribeToItemStatus(harness.gateway.graphqlUrl, tokens.bob, { itemIds: [aliceItem] });
    const own = subscribeToItemStatus(harness.gateway.graphqlUrl, tokens.alice, { itemIds: [aliceItem] });
    try {
      await waitUntil(() => spy.acknowledged && own.acknowledged, { what: "both subscriptions" });
      await waitUntil(() => harness.gateway.events.activeSubscriptions() >= 3, { what: "both subscriptions registered" });
      await harness.graphql(SandboxFireWebhookDocument, { itemId: aliceItem, code: "NEW_ACCOUNTS_AVAILABLE" }, tokens.alice);
      await waitUntil(() => own.events.length > 0, { what: "the owner's event" });
      await harness.settle();
      expect(spy.events).toEqual([]);
      expect(spy.errors).toEqual([]);
    } finally {
      await spy.close();
      await own.close();
    }
  });
});
