/**
 * The example frontend's Apollo Client (examples/frontend/src/apollo-client.ts: InMemoryCache,
 * HttpLink, GraphQLWsLink) against a running gateway with the built-in Plaid simulator, with the
 * documents the client preset generated from schema.graphql. The gateway runs in allow-list mode with
 * the example's manifest, so every operation the client sends must be one codegen listed. After each
 * mutation the Item is read back from the cache alone (`readFragment`, `cache-only` queries), and the
 * recorded HTTP requests show no request was made for it.
 */
import { CombinedGraphQLErrors, setLogVerbosity, type ApolloClient } from "@apollo/client";
import path from "node:path";
import { filter, firstValueFrom } from "rxjs";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { createApolloClient, errorCode, type GatewayClientOptions, type StaleData } from "../../examples/frontend/src/apollo-client.js";
import {
  CompleteUpdateDocument,
  CreateUpdateLinkTokenDocument,
  ItemDetailsDocument,
  ItemFieldsFragmentDoc,
  ItemStatusChangedDocument,
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

const MANIFEST = path.resolve(import.meta.dirname, "../../examples/frontend/src/gql/persisted-documents.json");

/** One HTTP request the client made, as it went out. */
interface SentRequest {
  method: string;
  url: string;
  headers: Headers;
  body: { operationName?: string; query?: string; extensions?: { persistedQuery?: { sha256Hash?: string } } } | null;
}

type ResponseInfo = Parameters<NonNullable<GatewayClientOptions["onResponse"]>>[0];
type ItemEvent = ItemStatusChangedSubscription["itemStatusChanged"];

describe("the example Apollo Client (InMemoryCache, HttpLink, GraphQLWsLink) against the running gateway", () => {
  const users = { creator: "user", lister: "user", breaker: "user", watcher: "user", updater: "user", remover: "user", failing: "user", stale: "user", getter: "user" } as const;
  const { harness, tokens } = useTestGateway({ env: { PERSISTED_DOCUMENTS: MANIFEST }, users });
  const warnings: unknown[][] = [];
  const clients: ApolloClient[] = [];
  const subscriptions: Array<{ unsubscribe(): void }> = [];

  beforeAll(() => {
    // Apollo Client reports what its cache cannot store or read faithfully with console.warn / console.error.
    vi.spyOn(console, "warn").mockImplementation((...args: unknown[]) => void warnings.push(args));
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void warnings.push(args));
  });
  afterEach(() => {
    for (const subscription of subscriptions.splice(0)) subscription.unsubscribe();
  });
  afterAll(() => {
    for (const client of clients.splice(0)) client.stop();
    vi.restoreAllMocks();
  });

  /** A client of the example for one user, its HTTP requests and what its response link reported. */
  function apolloFor(token: string, options: Partial<GatewayClientOptions> = {}) {
    const sent: SentRequest[] = [];
    const answers: ResponseInfo[] = [];
    const client = createApolloClient({
      httpUrl: harness.gateway.graphqlUrl,
      wsUrl: websocketUrl(harness.gateway.graphqlUrl),
      token,
      webSocketImpl: WebSocket,
      persistedDocuments: true,
      async fetch(input, init) {
        const body = typeof init?.body === "string" ? (JSON.parse(init.body) as SentRequest["body"]) : null;
        sent.push({ method: init?.method ?? "GET", url: String(input), headers: new Headers(init?.headers), body });
        const response = await fetch(input, init);
        // Kept with the harness's answers, which the end-of-suite check scans for tokens and secrets.
        harness.responses.push(await response.clone().text());
        return response;
      },
      onResponse: (info) => answers.push(info),
      ...options,
    });
    clients.push(client);
    return { client, sent, answers };
  }

  /** The Item as the cache holds it (ItemFields), or null: no request is ever made. */
  const cachedItem = (client: ApolloClient, id: string) => client.readFragment({ fragment: ItemFieldsFragmentDoc, id: client.cache.identify({ __typename: "Item", id }) });

  async function createItem(client: ApolloClient) {
    const { data } = await client.mutate({ mutation: SandboxCreateItemDocument });
    return data!.sandboxCreateItem;
  }

  const operationsOf = (sent: SentRequest[]) => sent.map((request) => request.body?.operationName ?? new URL(request.url).searchParams.get("operationName"));

  it("sandboxCreateItem: the new Item is in the cache as the mutation returned it, sent by its manifest id", async () => {
    const { client, sent } = apolloFor(tokens.creator);
    const item = await createItem(client);

    expect(item).toMatchObject({ status: "HEALTHY", recommendedAction: "NONE", error: null, removedAt: null, institution: { id: "ins_109508", name: "First Platypus Bank" } });
    expect(cachedItem(client, item.id)).toEqual(item);
    expect(operationsOf(sent)).toEqual(["SandboxCreateItem"]);
    // The id the preset gave the document, and no text: the gateway ran it from its manifest.
    expect(sent[0]!.body).not.toHaveProperty("query");
    expect(sent[0]!.body?.extensions?.persistedQuery?.sha256Hash).toBe((SandboxCreateItemDocument as unknown as { __meta__: { hash: string } }).__meta__.hash);
  });

  it("viewer.items: pages of the connection, fetchMore appends the next page to the one cached list", async () => {
    const { client, sent } = apolloFor(tokens.lister);
    const created = [await createItem(client), await createItem(client), await createItem(client)].map((item) => item.id);

    const list = client.watchQuery({ query: ViewerItemsDocument, variables: { first: 2 } });
    const firstPage = await firstValueFrom(list.pipe(filter((result) => result.dataState === "complete")));
    const page1 = firstPage.data!.viewer.items;
    expect(page1).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true, hasPreviousPage: false } });
    expect(page1.edges).toHaveLength(2);

    const more = await list.fetchMore({ variables: { after: page1.pageInfo.endCursor } });
    const page2 = more.data!.viewer.items;
    expect(page2.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(page2.edges).toHaveLength(1);

    const before = sent.length;
    const cached = client.readQuery({ query: ViewerItemsDocument, variables: { first: 2 } })!.viewer.items;
    const listed = [...page1.edges, ...page2.edges].map((edge) => edge.node.id);
    expect(cached.edges.map((edge) => edge.node.id)).toEqual(listed);
    expect([...listed].sort()).toEqual([...created].sort());
    expect(cached.pageInfo.hasNextPage).toBe(false);
    expect(sent.length).toBe(before);
  });

  it("sandboxResetLogin: readFragment gives LOGIN_REQUIRED from the mutation's answer, and cached queries show it, with no refetch", async () => {
    const { client, sent } = apolloFor(tokens.breaker);
    const { id } = await createItem(client);
    const details = await client.query({ query: ItemDetailsDocument, variables: { id } });
    expect(details.data?.item?.status).toBe("HEALTHY");
    await client.query({ query: ViewerItemsDocument });
    const before = sent.length;

    const { data } = await client.mutate({ mutation: SandboxResetLoginDocument, variables: { itemId: id } });

    expect(data?.sandboxResetLogin.status).toBe("LOGIN_REQUIRED");
    expect(cachedItem(client, id)).toMatchObject({ status: "LOGIN_REQUIRED", recommendedAction: "UPDATE_LOGIN", error: { errorCode: "ITEM_LOGIN_REQUIRED" } });
    const cachedDetails = await client.query({ query: ItemDetailsDocument, variables: { id }, fetchPolicy: "cache-only" });
    expect(cachedDetails.data?.item).toMatchObject({ id, status: "LOGIN_REQUIRED", accounts: details.data!.item!.accounts });
    const cachedList = await client.query({ query: ViewerItemsDocument, fetchPolicy: "cache-only" });
    expect(cachedList.data?.viewer.items.edges.map((edge) => [edge.node.id, edge.node.status])).toEqual([[id, "LOGIN_REQUIRED"]]);
    expect(operationsOf(sent.slice(before))).toEqual(["SandboxResetLogin"]);
  });

  it("itemStatusChanged over GraphQLWsLink: a break Plaid reports reaches the cache with no request of this client", async () => {
    const { client, sent } = apolloFor(tokens.watcher);
    const { id } = await createItem(client);
    const details = await client.query({ query: ItemDetailsDocument, variables: { id } });
    // Subscribing after the newest event the read reflects: nothing in between is missed.
    const after = details.data!.item!.lastEvent.edges[0]!.cursor;
    const events: ItemEvent[] = [];
    const errors: unknown[] = [];
    subscriptions.push(
      client.subscribe({ query: ItemStatusChangedDocument, variables: { itemIds: [id], after } }).subscribe({
        next: (result) => (result.data ? events.push(result.data.itemStatusChanged) : errors.push(result.error)),
        error: (error: unknown) => errors.push(error),
      }),
    );
    const before = sent.length;

    // The user's bank asks for a new login: Plaid's ERROR webhook tells the gateway, not this client.
    await harness.control(`/simulator/items/${id}/login-required`, {});
    const event = await waitUntil(() => events.find((e) => e.status === "LOGIN_REQUIRED") ?? errors[0], { what: "the LOGIN_REQUIRED event over GraphQLWsLink" });

    expect(errors).toEqual([]);
    expect(event).toMatchObject({ itemId: id, previousStatus: "HEALTHY", status: "LOGIN_REQUIRED", item: { id, status: "LOGIN_REQUIRED" } });
    expect(cachedItem(client, id)).toMatchObject({ status: "LOGIN_REQUIRED", recommendedAction: "UPDATE_LOGIN", error: { errorCode: "ITEM_LOGIN_REQUIRED" } });
    expect(sent.length).toBe(before);
  });

  it("update mode: createUpdateLinkToken, the user finishes Link, completeUpdate's answer puts the Item back to HEALTHY in the cache", async () => {
    const { client, sent } = apolloFor(tokens.updater);
    const { id } = await createItem(client);
    await client.mutate({ mutation: SandboxResetLoginDocument, variables: { itemId: id } });
    await harness.settle();
    expect(cachedItem(client, id)?.recommendedAction).toBe("UPDATE_LOGIN");

    const created = await client.mutate({ mutation: CreateUpdateLinkTokenDocument, variables: { input: { itemId: id } } });
    const linkToken = created.data!.createUpdateLinkToken.linkToken;
    expect(linkToken.startsWith("link-")).toBe(true);
    // In the app, Plaid Link opens with the token and the user logs in again; the simulator plays that part.
    await harness.control("/simulator/link/complete", { link_token: linkToken });
    expect(cachedItem(client, id)?.status, "nothing has told the cache yet").toBe("LOGIN_REQUIRED");
    const before = sent.length;

    const completed = await client.mutate({ mutation: CompleteUpdateDocument, variables: { itemId: id } });

    expect(completed.data?.completeUpdate.status).toBe("HEALTHY");
    expect(cachedItem(client, id)).toMatchObject({ status: "HEALTHY", recommendedAction: "NONE", error: null });
    expect(operationsOf(sent.slice(before))).toEqual(["CompleteUpdate"]);
  });

  it("removeItem, then removeUserItems: every Item in the cache, and the cached list, show REMOVED with no refetch", async () => {
    const { client, sent } = apolloFor(tokens.remover);
    const ids = [await createItem(client), await createItem(client), await createItem(client)].map((item) => item.id);
    await client.query({ query: ViewerItemsDocument });
    const before = sent.length;

    await client.mutate({ mutation: RemoveItemDocument, variables: { itemId: ids[0]! } });
    expect(cachedItem(client, ids[0]!)).toMatchObject({ status: "REMOVED", removedAt: expect.any(String), recommendedAction: "NONE", error: null });
    expect(cachedItem(client, ids[1]!)?.status).toBe("HEALTHY");

    const { data } = await client.mutate({ mutation: RemoveUserItemsDocument, variables: { itemIds: ids.slice(1) } });
    expect(data?.removeUserItems.removedItemIds).toEqual(ids.slice(1));

    const cachedItems = Object.keys(client.cache.extract() as Record<string, unknown>).filter((key) => key.startsWith("Item:"));
    expect(cachedItems.sort()).toEqual(ids.map((id) => client.cache.identify({ __typename: "Item", id })).sort());
    for (const id of ids) expect(cachedItem(client, id)).toMatchObject({ status: "REMOVED", removedAt: expect.any(String) });
    const cachedList = await client.query({ query: ViewerItemsDocument, fetchPolicy: "cache-only" });
    expect(cachedList.data?.viewer.items.edges.map((edge) => edge.node.status)).toEqual(["REMOVED", "REMOVED", "REMOVED"]);
    expect(operationsOf(sent.slice(before))).toEqual(["RemoveItem", "RemoveUserItems"]);
  });

  it("errors: BAD_USER_INPUT arrives as CombinedGraphQLErrors with its code and the answer's request id; a refused token reaches onUnauthenticated over HTTP and WebSocket", async () => {
    const { client, answers } = apolloFor(tokens.failing);
    const error = await client.mutate({ mutation: SandboxCreateItemDocument, variables: { institutionId: "First Platypus Bank" } }).then(
      () => null,
      (caught: unknown) => caught,
    );

    expect(CombinedGraphQLErrors.is(error)).toBe(true);
    expect(errorCode(error)).toBe("BAD_USER_INPUT");
    const requestId = (error as CombinedGraphQLErrors).errors[0]!.extensions!.requestId;
    expect(requestId).toEqual(expect.any(String));
    expect(answers).toEqual([{ operationName: "SandboxCreateItem", requestId, staleData: [] }]);

    const unauthenticated = vi.fn();
    const signedOut = apolloFor("not-a-token", { onUnauthenticated: unauthenticated });
    const refused = await signedOut.client.query({ query: ViewerItemsDocument }).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(errorCode(refused)).toBe("UNAUTHENTICATED");
    expect(unauthenticated).toHaveBeenCalledTimes(1);
    // Over WebSocket the gateway closes the socket (4403): the subscription ends, with no reconnect.
    const ended: unknown[] = [];
    subscriptions.push(
      signedOut.client.subscribe({ query: ItemStatusChangedDocument }).subscribe({
        next: (result) => void (result.error && ended.push(result.error)),
        error: (error: unknown) => void ended.push(error),
        complete: () => void ended.push("complete"),
      }),
    );
    await waitUntil(() => ended.length > 0, { what: "the refused subscription to end" });
    expect(unauthenticated).toHaveBeenCalledTimes(2);
  });

  it("extensions.staleData: accounts Plaid cannot give now come from its last answer, and the response link reports them", async () => {
    const { client, answers } = apolloFor(tokens.stale);
    const { id } = await createItem(client);
    const fresh = await client.query({ query: ItemDetailsDocument, variables: { id } });
    expect(answers.at(-1)).toMatchObject({ operationName: "ItemDetails", staleData: [] });

    // Once what Plaid sends about the new Item has been taken in, the next /accounts/get is the query's.
    await harness.settle();
    await harness.fault({ path: "/accounts/get", status: 429, error_code: "ACCOUNTS_LIMIT", count: 1 });
    const served = await client.query({ query: ItemDetailsDocument, variables: { id }, fetchPolicy: "network-only" });

    expect(served.data?.item?.accounts).toEqual(fresh.data!.item!.accounts);
    expect(answers.at(-1)).toEqual({
      operationName: "ItemDetails",
      requestId: expect.any(String),
      staleData: [{ itemId: id, field: "accounts", fetchedAt: expect.any(String), reason: "RATE_LIMITED" } satisfies StaleData],
    });
  });

  it("GET queries carry apollo-require-preflight; the same GET without it or a JSON content-type is refused by CSRF prevention", async () => {
    const { client, sent } = apolloFor(tokens.getter, { useGETForQueries: true });
    const { id } = await createItem(client);
    const result = await client.query({ query: ItemDetailsDocument, variables: { id } });
    expect(result.data?.item?.id).toBe(id);
    const get = sent.at(-1)!;
    expect(get.method).toBe("GET");
    expect(get.headers.get("apollo-require-preflight")).toBe("true");

    const authorization = `Bearer ${tokens.getter}`;
    // A simple request: what a page on any site can make a browser send without asking first.
    const bare = await fetch(get.url, { headers: { authorization } });
    const bareBody = await bare.text();
    expect(bare.status).toBe(400);
    expect(bareBody).toContain("apollo-require-preflight");
    const preflighted = await fetch(get.url, { headers: { authorization, "apollo-require-preflight": "true" } });
    expect(preflighted.status).toBe(200);
    expect(((await preflighted.json()) as { data: { item: { id: string } } }).data.item.id).toBe(id);
  });

  it("Apollo Client's development checks were on and reported nothing: no data lost on a cache write, no field it could not read", () => {
    const previous = setLogVerbosity("log");
    expect(previous, "Apollo Client's development checks are off (a production build)").toBe("log");
    expect(warnings).toEqual([]);
  });
});
