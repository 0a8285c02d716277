/**
 * The example frontend's urql client (examples/frontend/src/urql-client.ts: Graphcache, fetch,
 * graphql-ws) against a running gateway, with the documents the client preset generated from the
 * schema. After each mutation the Item is read back from Graphcache alone (`cache-only`), and the
 * recorded requests show no request was made for it.
 */
import { Client, fetchExchange, type AnyVariables, type OperationResult, type TypedDocumentNode } from "@urql/core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createUrqlClient } from "../../examples/frontend/src/urql-client.js";
import {
  CompleteUpdateDocument,
  CreateUpdateLinkTokenDocument,
  ItemDetailsDocument,
  ItemStatusChangedDocument,
  ItemSummaryDocument,
  RemoveItemDocument,
  RemoveUserItemsDocument,
  SandboxCreateItemDocument,
  SandboxResetLoginDocument,
  ViewerItemsDocument,
  type ItemStatusChangedSubscription,
} from "../../examples/frontend/src/gql/graphql.js";
import { useTestGateway } from "../support/gateway-harness.js";
import { websocketUrl } from "../support/item-status-subscriptions.js";
import { waitUntil } from "../support/wait-until.js";

/** One HTTP request the client made, as it went out. */
interface SentRequest {
  method: string;
  url: string;
  headers: Headers;
}

type ItemEvent = ItemStatusChangedSubscription["itemStatusChanged"];

describe("the example urql client (Graphcache, graphql-ws) against the running gateway", () => {
  const { harness, tokens } = useTestGateway({ users: { alice: "user" } });
  const requests: SentRequest[] = [];
  const warnings: unknown[][] = [];
  const events: ItemEvent[] = [];
  const eventErrors: string[] = [];
  let client: Client;
  let itemId: string;
  let stopEvents: (() => void) | undefined;

  beforeAll(() => {
    // Graphcache reports a type it cannot key, or a selection it cannot match, with console.warn.
    vi.spyOn(console, "warn").mockImplementation((...args: unknown[]) => void warnings.push(args));
    client = createUrqlClient({
      url: harness.gateway.graphqlUrl,
      wsUrl: websocketUrl(harness.gateway.graphqlUrl),
      token: tokens.alice,
      async fetch(input, init) {
        requests.push({ method: init?.method ?? "GET", url: String(input), headers: new Headers(init?.headers) });
        const response = await fetch(input, init);
        // Kept with the harness's answers, which the end-of-suite check scans for tokens and secrets.
        harness.responses.push(await response.clone().text());
        return response;
      },
    });
  });

  afterAll(() => {
    stopEvents?.();
    vi.restoreAllMocks();
  });

  async function run<T, V extends AnyVariables>(result: Promise<OperationResult<T, V>>): Promise<T> {
    const { data, error } = await result;
    expect(error).toBeUndefined();
    return data!;
  }
  const mutate = <T, V extends AnyVariables>(document: TypedDocumentNode<T, V>, variables: V) => run(client.mutation(document, variables).toPromise());
  const query = <T, V extends AnyVariables>(document: TypedDocumentNode<T, V>, variables: V) => run(client.query(document, variables).toPromise());

  /** The first event that `matches`, once the subscription has delivered it; fails at once on an error. */
  function nextEvent(matches: (event: ItemEvent) => boolean, what: string): Promise<ItemEvent> {
    return waitUntil(
      () => {
        expect(eventErrors, "errors on the subscription").toEqual([]);
        return events.find(matches);
      },
      { what },
    );
  }

  /** The Item as Graphcache holds it, read without a request (the recorded requests stay as they were). */
  function cachedItem(id: string) {
    const before = requests.length;
    const result = client.readQuery(ItemSummaryDocument, { id }, { requestPolicy: "cache-only" });
    expect(requests.length, "requests made to read the Item from the cache").toBe(before);
    return result?.data?.item;
  }

  it("creates an Item with sandboxCreateItem, and the cache holds it before anything else is asked", async () => {
    const sent = requests.length;
    const created = (await mutate(SandboxCreateItemDocument, {})).sandboxCreateItem;
    expect(created).toMatchObject({ status: "HEALTHY", recommendedAction: "NONE", error: null, institution: { id: "ins_109508" } });
    expect(requests.slice(sent).map((request) => request.method)).toEqual(["POST"]);
    itemId = created.id;
    expect(cachedItem(itemId)).toEqual(created);
    // What Plaid sends about the new Item is taken in before the next test reads its newest event.
    await harness.settle();
  });

  it("breaks the Item with sandboxResetLogin: the cache shows LOGIN_REQUIRED, and the subscription delivers the change", async () => {
    // Subscribing after the newest event of the Item's log: nothing after it is missed.
    const details = (await query(ItemDetailsDocument, { id: itemId })).item!;
    const after = details.lastEvent.edges[0]!.cursor;
    const subscription = client.subscription(ItemStatusChangedDocument, { itemIds: [itemId], after }).subscribe((result) => {
      if (result.error) eventErrors.push(result.error.message);
      if (result.data) events.push(result.data.itemStatusChanged);
    });
    stopEvents = () => subscription.unsubscribe();

    const broken = (await mutate(SandboxResetLoginDocument, { itemId })).sandboxResetLogin;
    expect(broken).toMatchObject({ id: itemId, status: "LOGIN_REQUIRED" });
    expect(cachedItem(itemId)).toMatchObject({
      status: "LOGIN_REQUIRED",
      recommendedAction: "UPDATE_LOGIN",
      error: { errorType: "ITEM_ERROR", errorCode: "ITEM_LOGIN_REQUIRED" },
    });

    const event = await nextEvent((e) => e.status === "LOGIN_REQUIRED", "the break's itemStatusChanged event");
    expect(event).toMatchObject({ itemId, previousStatus: "HEALTHY", status: "LOGIN_REQUIRED", cause: "ERROR", item: { id: itemId, status: "LOGIN_REQUIRED" } });
    expect(events.indexOf(event), "events before the break's").toBe(0);
    await harness.settle();
  });

  it("repairs it in Link update mode: completeUpdate leaves HEALTHY in the cache, and the subscription follows", async () => {
    const { linkToken } = (await mutate(CreateUpdateLinkTokenDocument, { input: { itemId } })).createUpdateLinkToken;
    // The user logs in again in Plaid Link, opened with the update-mode token.
    await harness.control("/simulator/link/complete", { link_token: linkToken });
    const repaired = (await mutate(CompleteUpdateDocument, { itemId })).completeUpdate;
    expect(repaired).toMatchObject({ id: itemId, status: "HEALTHY" });
    expect(cachedItem(itemId)).toMatchObject({ status: "HEALTHY", recommendedAction: "NONE", error: null });

    const event = await nextEvent((e) => e.cause === "UPDATE_COMPLETED", "the repair's itemStatusChanged event");
    expect(event).toMatchObject({ itemId, previousStatus: "LOGIN_REQUIRED", status: "HEALTHY", item: { status: "HEALTHY" } });
  });

  it("removes Items with removeItem and removeUserItems: the cache shows every one REMOVED, and the subscription the removal", async () => {
    const removed = (await mutate(RemoveItemDocument, { itemId })).removeItem;
    expect(removed).toMatchObject({ id: itemId, status: "REMOVED", removedAt: expect.any(String) });
    expect(cachedItem(itemId)).toMatchObject({ status: "REMOVED", recommendedAction: "NONE", removedAt: removed.removedAt });
    const event = await nextEvent((e) => e.status === "REMOVED", "the removal's itemStatusChanged event");
    expect(event).toMatchObject({ itemId, previousStatus: "HEALTHY", cause: "REMOVED", item: { status: "REMOVED" } });

    const others = [(await mutate(SandboxCreateItemDocument, {})).sandboxCreateItem.id, (await mutate(SandboxCreateItemDocument, {})).sandboxCreateItem.id];
    for (const id of others) expect(cachedItem(id)?.status).toBe("HEALTHY");
    const payload = (await mutate(RemoveUserItemsDocument, { itemIds: others })).removeUserItems;
    expect(payload.removedItemIds).toEqual(others);
    for (const id of others) expect(cachedItem(id)).toMatchObject({ id, status: "REMOVED", removedAt: expect.any(String) });
  });

  it("lists the viewer's Items; after a removal the cached list is stale and asked for again, without the removed Item", async () => {
    const fresh = (await mutate(SandboxCreateItemDocument, {})).sandboxCreateItem;
    const listed = (await query(ViewerItemsDocument, {})).viewer.items;
    expect(listed.edges.map((edge) => edge.node)).toEqual([fresh]);
    expect(listed).toMatchObject({ totalCount: 1, pageInfo: { hasNextPage: false } });

    // The list is cached as a whole: read again, it is served with no request.
    const sent = requests.length;
    expect(client.readQuery(ViewerItemsDocument, {}, { requestPolicy: "cache-only" })?.data?.viewer.items).toEqual(listed);
    expect(requests.length).toBe(sent);

    await mutate(RemoveItemDocument, { itemId: fresh.id });
    expect(cachedItem(fresh.id)?.status).toBe("REMOVED");
    const afterRemoval = requests.length;
    const relisted = (await query(ViewerItemsDocument, {})).viewer.items;
    expect(requests.length - afterRemoval, "requests for the list after the removal").toBe(1);
    expect(relisted).toMatchObject({ totalCount: 0, edges: [] });
  });

  it("sends queries as GET with the preflight header, and the same GET without it is refused by CSRF prevention", async () => {
    const sent = requests.length;
    await run(client.query(ViewerItemsDocument, {}, { requestPolicy: "network-only" }).toPromise());
    const get = requests[sent];
    expect(get?.method, "how the query was sent").toBe("GET");
    expect(get!.headers.get("apollo-require-preflight")).toBe("true");
    expect(get!.headers.has("content-type")).toBe(false);

    const withHeader = await fetch(get!.url, { headers: get!.headers });
    expect(withHeader.status).toBe(200);
    harness.responses.push(await withHeader.text());

    const headers = new Headers(get!.headers);
    headers.delete("apollo-require-preflight");
    const refused = await fetch(get!.url, { headers });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/Cross-Site Request Forgery/);

    // urql as it comes, with only the bearer token: its GET queries meet the same refusal.
    const plain = new Client({ url: harness.gateway.graphqlUrl, exchanges: [fetchExchange], fetchOptions: { headers: { authorization: `Bearer ${tokens.alice}` } } });
    const result = await plain.query(ViewerItemsDocument, {}).toPromise();
    expect(result.data).toBeUndefined();
    expect(result.error?.message).toMatch(/Cross-Site Request Forgery/);
  });

  it("Graphcache warned about nothing: every type it met is keyed by id or stored inside its parent", () => {
    expect(warnings).toEqual([]);
  });
});
