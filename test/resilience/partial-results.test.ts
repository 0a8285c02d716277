import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { SandboxResetLoginDocument } from "../../generated/graphql.js";
import { useTestGateway } from "../support/gateway-harness.js";
import { createSettledItem } from "../support/link-helpers.js";

interface ItemWithAccounts {
  id: string;
  status: string;
  accounts: Array<{ id: string }> | null;
}

const VIEWER_ITEMS = parse(`{ viewer { items { edges { node { id status accounts { id } } } } } }`) as TypedDocumentNode<{
  viewer: { items: { edges: Array<{ node: ItemWithAccounts }> } };
}>;
const ONE_ITEM = parse(`query One($id: ID!) { item(id: $id) { id status accounts { id } consentEvents { totalCount } } }`) as TypedDocumentNode<
  { item: (ItemWithAccounts & { consentEvents: { totalCount: number } | null }) | null },
  { id: string }
>;

describe("one Item Plaid cannot answer for never blanks the page", () => {
  const { harness, tokens } = useTestGateway({ users: { alice: "user", bob: "user" } });

  /** An Item whose login broke before the gateway ever kept an answer for its accounts or consent log. */
  async function brokenItemWithNothingKept(token: string): Promise<string> {
    const itemId = await createSettledItem(harness, token);
    const reset = await harness.graphql(SandboxResetLoginDocument, { itemId }, token);
    expect(reset.errors).toBeUndefined();
    await harness.settle();
    await harness.gateway.store.db.query("DELETE FROM item_reads WHERE item_id = $1", [itemId]);
    return itemId;
  }

  it("viewer.items answers every Item: the broken one's accounts are null, with one error at that path naming it", async () => {
    const healthy = await createSettledItem(harness, tokens.alice);
    const broken = await brokenItemWithNothingKept(tokens.alice);

    const result = await harness.graphql(VIEWER_ITEMS, {}, tokens.alice);

    const items = result.data!.viewer.items.edges.map((e) => e.node);
    expect(items.map((item) => item.id).sort()).toEqual([healthy, broken].sort());
    const healthyItem = items.find((item) => item.id === healthy)!;
    expect(healthyItem.status).toBe("HEALTHY");
    expect(healthyItem.accounts!.length).toBeGreaterThan(0);
    const brokenIndex = items.findIndex((item) => item.id === broken);
    expect(items[brokenIndex]).toEqual({ id: broken, status: "LOGIN_REQUIRED", accounts: null });
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]).toMatchObject({
      path: ["viewer", "items", "edges", brokenIndex, "node", "accounts"],
      extensions: { code: "PLAID_ERROR", itemId: broken, plaid: { errorCode: "ITEM_LOGIN_REQUIRED" } },
    });
  });

  it("item(id) of the broken Item is the Item, not null: only the fields Plaid could not answer are", async () => {
    const broken = await brokenItemWithNothingKept(tokens.bob);

    const result = await harness.graphql(ONE_ITEM, { id: broken }, tokens.bob);

    expect(result.data!.item).toEqual({ id: broken, status: "LOGIN_REQUIRED", accounts: null, consentEvents: null });
    const byField = Object.fromEntries((result.errors ?? []).map((error) => [String(error.path?.at(-1)), error]));
    expect(Object.keys(byField).sort()).toEqual(["accounts", "consentEvents"]);
    for (const field of ["accounts", "consentEvents"]) {
      expect(byField[field]).toMatchObject({ path: ["item", field], extensions: { code: "PLAID_ERROR", itemId: broken } });
    }
  });

  it("a kept answer is still served, flagged stale, with no error", async () => {
    const itemId = await createSettledItem(harness, tokens.bob);
    const before = await harness.graphql(ONE_ITEM, { id: itemId }, tokens.bob);
    expect(before.errors).toBeUndefined();
    await harness.graphql(SandboxResetLoginDocument, { itemId }, tokens.bob);

    const result = await harness.graphql(ONE_ITEM, { id: itemId }, tokens.bob);

    expect(result.errors).toBeUndefined();
    expect(result.data!.item!.accounts).toEqual(before.data!.item!.accounts);
    expect(result.extensions?.staleData).toEqual(
      expect.arrayContaining([expect.objectContaining({ itemId, field: "accounts" }), expect.objectContaining({ itemId, field: "consentEvents" })]),
    );
  });
});
