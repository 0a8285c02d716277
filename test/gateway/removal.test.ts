import { describe, expect, it } from "vitest";
import { ItemDetailsDocument, ItemHistoryDocument, RemoveItemDocument, RemoveUserItemsDocument, ViewerItemsDocument } from "../../generated/graphql.js";
import { useTestGateway } from "../support/gateway-harness.js";
import { createSandboxItem } from "../support/link-helpers.js";

describe("removing Items", () => {
  const { harness, tokens } = useTestGateway({ users: { alice: "user", bob: "user" } });

  const plaidUserOf = async (clientUserId: string) => (await harness.gateway.store.users.findByClientUserId(clientUserId))!.plaidUserId!;
  const itemsAtPlaid = async (clientUserId: string) =>
    (await harness.plaid<{ items: Array<{ item_id: string }> }>("/user/items/get", { user_id: await plaidUserOf(clientUserId) })).body.items.map((i) => i.item_id).sort();
  const storedStatus = async (itemId: string) => (await harness.gateway.store.items.findById(itemId))!;

  it("removeItem removes at Plaid, keeps the Item as REMOVED with its history, and deletes its access token", async () => {
    const itemId = await createSandboxItem(harness, tokens.alice);
    const result = await harness.graphql(RemoveItemDocument, { itemId }, tokens.alice);
    expect(result.errors).toBeUndefined();
    expect(result.data?.removeItem).toMatchObject({ id: itemId, status: "REMOVED", accounts: [] });
    expect(harness.callsTo("/item/remove", 0, itemId)).toBe(1);
    const stored = await storedStatus(itemId);
    expect(stored.snapshot.status).toBe("REMOVED");
    expect(stored.accessToken).toBeNull();
    expect(await itemsAtPlaid("alice")).not.toContain(itemId);
    const history = await harness.graphql(ItemHistoryDocument, { id: itemId }, tokens.alice);
    expect(history.data!.item!.history.edges.map((e) => e.node.cause)).toEqual(["REMOVED", "LINKED"]);
    const listed = await harness.graphql(ViewerItemsDocument, {}, tokens.alice);
    expect(listed.data!.viewer.items.edges.map((e) => e.node.id)).not.toContain(itemId);
    const again = await harness.graphql(RemoveItemDocument, { itemId }, tokens.alice);
    expect(again.errors?.[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT" }, message: expect.stringMatching(/already removed/) });
  });

  it("removeItem leaves everything as it was when Plaid fails", async () => {
    const itemId = await createSandboxItem(harness, tokens.alice);
    await harness.control("/simulator/faults", { path: "/item/remove", status: 500, count: 1 });
    const result = await harness.graphql(RemoveItemDocument, { itemId }, tokens.alice);
    expect(result.errors?.[0]?.extensions?.code).toBe("PLAID_ERROR");
    const stored = await storedStatus(itemId);
    expect(stored.snapshot.status).toBe("HEALTHY");
    expect(stored.accessToken).not.toBeNull();
    expect(await itemsAtPlaid("alice")).toContain(itemId);
  });

  it("removeUserItems with one foreign id removes nothing, in the store or at Plaid, and does not say whose it is", async () => {
    const mine = [await createSandboxItem(harness, tokens.alice), await createSandboxItem(harness, tokens.alice)];
    const bobs = await createSandboxItem(harness, tokens.bob);
    const atPlaidBefore = await itemsAtPlaid("alice");
    const before = harness.exchanges.length;
    const result = await harness.graphql(RemoveUserItemsDocument, { itemIds: [...mine, bobs] }, tokens.alice);
    const missing = await harness.graphql(RemoveUserItemsDocument, { itemIds: [...mine, "no-such-item"] }, tokens.alice);
    expect(result.errors?.[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT", itemIds: [bobs] } });
    expect(result.errors?.[0]?.message).toContain(bobs);
    expect(result.errors?.[0]?.message.replace(bobs, "X")).toBe(missing.errors?.[0]?.message.replace("no-such-item", "X"));
    expect(harness.exchanges.length).toBe(before);
    for (const id of [...mine, bobs]) expect((await storedStatus(id)).snapshot.status).toBe("HEALTHY");
    expect(await itemsAtPlaid("alice")).toEqual(atPlaidBefore);
    expect(await itemsAtPlaid("bob")).toContain(bobs);
  });

  it("removeUserItems with only the viewer's ids removes all of them in one Plaid call", async () => {
    const mine = [await createSandboxItem(harness, tokens.alice), await createSandboxItem(harness, tokens.alice), await createSandboxItem(harness, tokens.alice)];
    const before = harness.exchanges.length;
    const result = await harness.graphql(RemoveUserItemsDocument, { itemIds: mine }, tokens.alice);
    expect(result.errors).toBeUndefined();
    expect(result.data?.removeUserItems).toEqual({
      removedItemIds: mine,
      items: mine.map((id) => ({ id, status: "REMOVED", removedAt: expect.any(String) })),
      requestId: expect.any(String),
    });
    expect(harness.callsTo("/user/items/remove", before)).toBe(1);
    expect(harness.callsTo("/item/remove", before)).toBe(0);
    expect(harness.exchanges.length - before).toBe(1);
    for (const id of mine) {
      const stored = await storedStatus(id);
      expect(stored.snapshot.status).toBe("REMOVED");
      expect(stored.accessToken).toBeNull();
    }
    const atPlaid = await itemsAtPlaid("alice");
    for (const id of mine) expect(atPlaid).not.toContain(id);
  });

  it("removeUserItems leaves the store unchanged when Plaid fails", async () => {
    const mine = [await createSandboxItem(harness, tokens.alice), await createSandboxItem(harness, tokens.alice)];
    await harness.control("/simulator/faults", { path: "/user/items/remove", status: 503, count: 1 });
    const result = await harness.graphql(RemoveUserItemsDocument, { itemIds: mine }, tokens.alice);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "PLAID_ERROR", plaid: { errorCode: "PLANNED_MAINTENANCE" } });
    for (const id of mine) expect((await storedStatus(id)).snapshot.status).toBe("HEALTHY");
    const atPlaid = await itemsAtPlaid("alice");
    for (const id of mine) expect(atPlaid).toContain(id);
  });

  it.each([
    [[], /at least one/],
    [["a", "b", "a"], /more than once: a/],
    [Array.from({ length: 101 }, (_, i) => `item${i}`), /at most 100/],
  ])("removeUserItems refuses %j before calling Plaid", async (itemIds, message) => {
    const before = harness.exchanges.length;
    const result = await harness.graphql(RemoveUserItemsDocument, { itemIds }, tokens.alice);
    expect(result.errors?.[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT" }, message: expect.stringMatching(message) });
    expect(harness.exchanges.length).toBe(before);
  });

  it("removeUserItems refuses an Item that is already removed", async () => {
    const itemId = await createSandboxItem(harness, tokens.alice);
    await harness.graphql(RemoveItemDocument, { itemId }, tokens.alice);
    const result = await harness.graphql(RemoveUserItemsDocument, { itemIds: [itemId] }, tokens.alice);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", itemIds: [itemId] });
  });

  it("a second user cannot remove the first user's Item; it reads as not found", async () => {
    const itemId = await createSandboxItem(harness, tokens.alice);
    const before = harness.exchanges.length;
    const result = await harness.graphql(RemoveItemDocument, { itemId }, tokens.bob);
    expect(result.errors?.[0]).toMatchObject({ message: "Item not found", extensions: { code: "NOT_FOUND" } });
    expect(harness.exchanges.length).toBe(before);
    expect((await storedStatus(itemId)).snapshot.status).toBe("HEALTHY");
    const own = await harness.graphql(ItemDetailsDocument, { id: itemId }, tokens.alice);
    expect(own.data?.item?.status).toBe("HEALTHY");
  });
});
