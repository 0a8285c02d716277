import { describe, expect, it } from "vitest";
import { ItemDetailsDocument, ViewerDocument, ViewerItemsDocument } from "../../generated/graphql.js";
import { useTestGateway } from "../support/gateway-harness.js";
import { createSandboxItem } from "../support/link-helpers.js";

describe("a newcomer's first queries against the embedded default", () => {
  const { harness, tokens } = useTestGateway({ users: { developer: "admin" } });

  it("creates the user on first use", async () => {
    const result = await harness.graphql(ViewerDocument, {}, tokens.developer);
    expect(result.errors).toBeUndefined();
    expect(result.data?.viewer.clientUserId).toBe("developer");
    const again = await harness.graphql(ViewerDocument, {}, tokens.developer);
    expect(again.data?.viewer.id).toBe(result.data?.viewer.id);
  });

  it("sandboxCreateItem, then the viewer's Items: HEALTHY, with its institution and four consent events", async () => {
    const itemId = await createSandboxItem(harness, tokens.developer);
    const result = await harness.graphql(ViewerItemsDocument, {}, tokens.developer);
    expect(result.errors).toBeUndefined();
    expect(result.data!.viewer.items.totalCount).toBe(1);
    const items = result.data!.viewer.items.edges.map((e) => e.node);
    expect(items).toHaveLength(1);
    const [item] = items;
    expect(item).toMatchObject({ id: itemId, status: "HEALTHY", institution: { name: "First Platypus Bank" } });
    expect(item!.consentEvents!.totalCount).toBe(4);
    expect(item!.consentEvents!.edges.map((edge) => edge.node.eventCode).sort()).toEqual(["ACCOUNT_SCOPES", "DATA_SCOPES", "USER_AGREEMENT", "USE_CASES"]);
  });

  it("serves every Item field from the stored snapshot and Plaid", async () => {
    const itemId = await createSandboxItem(harness, tokens.developer, { products: ["auth", "transactions"] });
    const result = await harness.graphql(ItemDetailsDocument, { id: itemId }, tokens.developer);
    expect(result.errors).toBeUndefined();
    const item = result.data!.item!;
    expect(item).toMatchObject({
      id: itemId,
      owner: { clientUserId: "developer" },
      institution: { id: "ins_109508", name: "First Platypus Bank" },
      status: "HEALTHY",
      error: null,
      recommendedAction: "NONE",
      newAccountsAvailable: false,
      updateType: "BACKGROUND",
    });
    expect(item.products).toEqual(expect.arrayContaining(["auth", "transactions"]));
    expect(item.accounts!.length).toBeGreaterThan(0);
    expect(item.accounts![0]).toMatchObject({ id: expect.any(String), name: expect.any(String), type: expect.stringMatching(/^[A-Z]+$/) });
    expect(new Date(item.syncedAt).getTime()).toBeLessThanOrEqual(Date.now());
  });

  it("associates Items with the user's Plaid user", async () => {
    const [plaidUser] = harness.exchanges.filter((e) => e.path === "/user/create" && e.status === 200).map((e) => (e.response as { user_id: string }).user_id);
    expect(plaidUser).toMatch(/^usr_/);
    const sandboxCreates = harness.exchanges.filter((e) => e.path === "/sandbox/public_token/create");
    expect(sandboxCreates.length).toBeGreaterThan(0);
    for (const exchange of sandboxCreates) expect((exchange.request as { user_id?: string }).user_id).toBe(plaidUser);
    const listed = await harness.plaid<{ items: Array<{ item_id: string }> }>("/user/items/get", { user_id: plaidUser });
    expect(listed.status).toBe(200);
    const mine = await harness.graphql(ViewerItemsDocument, {}, tokens.developer);
    expect(listed.body.items.map((i) => i.item_id).sort()).toEqual(mine.data!.viewer.items.edges.map((e) => e.node.id).sort());
    expect(harness.callsTo("/user/create")).toBe(1);
  });
});
