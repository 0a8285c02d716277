import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { parse } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { SandboxResetLoginDocument } from "../../generated/graphql.js";
import { useTestGateway } from "../support/gateway-harness.js";
import { createSettledItem } from "../support/link-helpers.js";

type NodeResult = { __typename: string; id: string; [field: string]: unknown } | null;

const NODE = parse(`query Node($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Item { status }
    ... on User { clientUserId }
    ... on ItemStatusEvent { itemId status cause }
    ... on ConsentEvent { itemId eventCode }
  }
}`) as TypedDocumentNode<{ node: NodeResult }, { id: string }>;

const NODES = parse(`query Nodes($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`) as TypedDocumentNode<{ nodes: NodeResult[] }, { ids: string[] }>;

const IDS = parse(`query Ids($id: ID!) {
  viewer { id }
  item(id: $id) {
    id
    history(first: 5) { edges { node { id status cause } } }
    consentEvents(first: 5) { edges { node { id eventCode } } }
  }
}`) as TypedDocumentNode<
  {
    viewer: { id: string };
    item: { id: string; history: { edges: Array<{ node: { id: string } }> }; consentEvents: { edges: Array<{ node: { id: string; eventCode: string } }> } };
  },
  { id: string }
>;

describe("global object identification: node(id:) and nodes(ids:)", () => {
  const { harness, tokens } = useTestGateway({ users: { alice: "user", bob: "user", support: "admin" } });
  let itemId: string;
  let ids: { user: string; statusEvent: string; consentEvent: string };

  beforeAll(async () => {
    itemId = await createSettledItem(harness, tokens.alice);
    const linked = await harness.graphql(IDS, { id: itemId }, tokens.alice);
    expect(linked.errors).toBeUndefined();
    await harness.graphql(SandboxResetLoginDocument, { itemId }, tokens.alice);
    await harness.settle();
    const read = await harness.graphql(IDS, { id: itemId }, tokens.alice);
    const item = read.data!.item;
    ids = { user: read.data!.viewer.id, statusEvent: item.history.edges[0]!.node.id, consentEvent: linked.data!.item.consentEvents.edges[0]!.node.id };
  });

  it("returns the viewer's own Item by its id, and null for another user's Item, exactly as for a missing one", async () => {
    const own = await harness.graphql(NODE, { id: itemId }, tokens.alice);
    expect(own.errors).toBeUndefined();
    expect(own.data!.node).toEqual({ __typename: "Item", id: itemId, status: "LOGIN_REQUIRED" });

    const foreign = await harness.graphql(NODE, { id: itemId }, tokens.bob);
    const missing = await harness.graphql(NODE, { id: "NoSuchItemAnywhere000000000000000000" }, tokens.bob);
    expect(foreign).toEqual(missing);
    expect(foreign.data!.node).toBeNull();
  });

  it("resolves every kind of object the viewer may see, each under its own type", async () => {
    const user = await harness.graphql(NODE, { id: ids.user }, tokens.alice);
    expect(user.data!.node).toEqual({ __typename: "User", id: ids.user, clientUserId: "alice" });
    const event = await harness.graphql(NODE, { id: ids.statusEvent }, tokens.alice);
    expect(event.data!.node).toMatchObject({ __typename: "ItemStatusEvent", id: ids.statusEvent, itemId, status: "LOGIN_REQUIRED" });
    const consent = await harness.graphql(NODE, { id: ids.consentEvent }, tokens.alice);
    expect(consent.data!.node).toMatchObject({ __typename: "ConsentEvent", id: ids.consentEvent, itemId });
  });

  it("another user's user, status event and consent event read as null; an admin sees them", async () => {
    for (const id of [ids.user, ids.statusEvent, ids.consentEvent]) {
      const asBob = await harness.graphql(NODE, { id }, tokens.bob);
      expect(asBob.errors).toBeUndefined();
      expect(asBob.data!.node).toBeNull();
      const asSupport = await harness.graphql(NODE, { id }, tokens.support);
      expect(asSupport.data!.node?.id).toBe(id);
    }
  });

  it("gives a consent event the same id on every read", async () => {
    const again = await harness.graphql(IDS, { id: itemId }, tokens.alice);
    expect(again.data!.item.consentEvents.edges[0]!.node.id).toBe(ids.consentEvent);
    const all = again.data!.item.consentEvents.edges.map((edge) => edge.node.id);
    expect(new Set(all).size).toBe(all.length);
  });

  it("nodes(ids:) answers in the order asked, null where node(id:) would be", async () => {
    const result = await harness.graphql(NODES, { ids: [ids.statusEvent, "not a global id", itemId, "User:00000000-0000-4000-8000-000000000000", ids.user] }, tokens.alice);
    expect(result.errors).toBeUndefined();
    expect(result.data!.nodes).toEqual([
      { __typename: "ItemStatusEvent", id: ids.statusEvent },
      null,
      { __typename: "Item", id: itemId },
      null,
      { __typename: "User", id: ids.user },
    ]);
  });

  it("malformed ids read as null, never as an error that tells them apart", async () => {
    for (const id of ["", ":", "User:", "User:not-a-uuid", "ItemStatusEvent:0", "ItemStatusEvent:-1", "ItemStatusEvent:1e9", "ConsentEvent:x", "Nope:1", "a".repeat(500)]) {
      const result = await harness.graphql(NODE, { id }, tokens.alice);
      expect(result.errors, id).toBeUndefined();
      expect(result.data!.node, id).toBeNull();
    }
  });

  it("refuses more than 100 ids with BAD_USER_INPUT", async () => {
    const result = await harness.graphql(NODES, { ids: Array.from({ length: 101 }, (_, i) => `Item${i}`) }, tokens.alice);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "ids" });
  });

  it("prices nodes(ids:) by the ids asked: 100 Items with their accounts and consent logs are over the cost limit, and Plaid is not called", async () => {
    const since = harness.exchanges.length;
    const costly = parse(`query Costly($ids: [ID!]!) { nodes(ids: $ids) { id ... on Item { accounts { id } consentEvents { totalCount } } } }`) as TypedDocumentNode<
      unknown,
      { ids: string[] }
    >;
    const refused = await harness.graphql(costly, { ids: Array.from({ length: 100 }, () => itemId) }, tokens.alice);
    expect(refused.errors?.[0]?.message).toMatch(/^Query cost limit of 5000 exceeded/);
    expect(harness.exchanges.length).toBe(since);
    const modest = await harness.graphql(costly, { ids: [itemId] }, tokens.alice);
    expect(modest.errors?.[0]?.message ?? "").not.toMatch(/cost limit/);
  });

  it("the Item's history is a full connection: totalCount and PageInfo both ways", async () => {
    const historyPage = parse(`query HistoryPage($id: ID!, $after: String) {
      item(id: $id) { history(first: 1, after: $after) { totalCount edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }
    }`) as TypedDocumentNode<{ item: { history: { totalCount: number; edges: Array<{ cursor: string }>; pageInfo: Record<string, unknown> } } }, { id: string; after?: string }>;
    const first = (await harness.graphql(historyPage, { id: itemId }, tokens.alice)).data!.item.history;
    expect(first.totalCount).toBe(2); // LINKED, then the reset login
    expect(first.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: first.edges[0]!.cursor, endCursor: first.edges[0]!.cursor });
    const second = (await harness.graphql(historyPage, { id: itemId, after: first.edges[0]!.cursor }, tokens.alice)).data!.item.history;
    expect(second.totalCount).toBe(2);
    expect(second.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true, startCursor: second.edges[0]!.cursor, endCursor: second.edges[0]!.cursor });
  });
});
