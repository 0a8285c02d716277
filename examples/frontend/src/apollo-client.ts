/**
 * An Apollo Client 4 for the gateway: a normalized cache (every mutation returns the Items it changed
 * as they now are, so whatever shows them updates with no refetch), queries and mutations over HTTP,
 * and `itemStatusChanged` over graphql-ws on the same `/graphql` path.
 */
import { ApolloClient, ApolloLink, CombinedGraphQLErrors, HttpLink, InMemoryCache } from "@apollo/client";
import { ErrorLink } from "@apollo/client/link/error";
import { createPersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { relayStylePagination } from "@apollo/client/utilities";
import { OperationTypeNode } from "graphql";
import { createClient, type ClientOptions } from "graphql-ws";
import { tap } from "rxjs";

/** Part of an answer served from what Plaid said earlier, because Plaid could not answer now. */
export interface StaleData {
  itemId: string;
  field: "item" | "accounts" | "consentEvents";
  /** When Plaid gave the served answer (ISO 8601). */
  fetchedAt: string;
  reason: "RATE_LIMITED" | "UPSTREAM_UNAVAILABLE" | "ITEM_ERROR";
}

export interface GatewayClientOptions {
  /** The gateway's GraphQL endpoint, e.g. `https://gateway.example.com/graphql`. */
  httpUrl: string;
  /** The same endpoint over WebSocket, e.g. `wss://gateway.example.com/graphql`. */
  wsUrl: string;
  /** The signed-in user's bearer token. */
  token: string;
  /** Browsers and Node 22+ have a WebSocket; on Node 20 pass the `ws` package's (`import WebSocket from "ws"`). */
  webSocketImpl?: ClientOptions["webSocketImpl"];
  /** Send queries as GET (mutations stay POST). */
  useGETForQueries?: boolean;
  /** Send the id codegen gave each document instead of its text (for a gateway with PERSISTED_DOCUMENTS). */
  persistedDocuments?: boolean;
  /** A fetch of your own (server-side rendering, instrumentation); the global one otherwise. */
  fetch?: typeof fetch;
  /** Every HTTP answer's request id (the gateway logs it under that id) and what it served from stored data. */
  onResponse?: (info: { operationName?: string; requestId: string | null; staleData: StaleData[] }) => void;
  /** The gateway refused the token (missing, expired or revoked): sign the user in again. */
  onUnauthenticated?: () => void;
}

/** The gateway's `extensions.code` of a failed operation (BAD_USER_INPUT, NOT_FOUND, PLAID_ERROR…), if it sent one. */
export function errorCode(error: unknown): string | undefined {
  if (!CombinedGraphQLErrors.is(error)) return undefined; // a network error: the gateway was not reached
  const code = error.errors[0]?.extensions?.code;
  return typeof code === "string" ? code : undefined;
}

export function createApolloClient(options: GatewayClientOptions): ApolloClient {
  const authorization = `Bearer ${options.token}`;

  const http = new HttpLink({
    uri: options.httpUrl,
    fetch: options.fetch,
    useGETForQueries: options.useGETForQueries,
    // The gateway's CSRF prevention refuses a GET that carries neither this header nor a JSON
    // content-type: one any web page could make a browser send. Apollo Client sends
    // `content-type: application/json` on GETs too, which passes; the header says so outright.
    headers: { authorization, "apollo-require-preflight": "true" },
  });
  // The preset put each document's id in `__meta__.hash`; the gateway's manifest lists the same ids.
  const persisted = createPersistedQueryLink({
    generateHash: (document) => {
      const id = (document as { __meta__?: { hash?: string } }).__meta__?.hash;
      if (!id) throw new Error("This document has no persisted-document id: write it in a .graphql file and run codegen.");
      return id;
    },
  });
  // The gateway closes the socket with 4403 when it refuses the token or the token expires:
  // reconnecting with the same token cannot help.
  const tokenRefused = (event: unknown) => (event as { code?: unknown } | null)?.code === 4403;
  const ws = new GraphQLWsLink(
    createClient({
      url: options.wsUrl,
      webSocketImpl: options.webSocketImpl,
      connectionParams: { authorization },
      shouldRetry: (event) => !tokenRefused(event),
      on: { closed: (event) => void (tokenRefused(event) && options.onUnauthenticated?.()) },
    }),
  );

  // Reads what the gateway says about each HTTP answer: the x-request-id header (also in every error's
  // `extensions.requestId`, to quote in a support request) and `extensions.staleData`.
  const responseInfo = new ApolloLink((operation, forward) =>
    forward(operation).pipe(
      tap((result) => {
        const response = (operation.getContext() as { response?: Response }).response;
        const staleData = (result.extensions?.staleData ?? []) as StaleData[];
        options.onResponse?.({ operationName: operation.operationName, requestId: response?.headers.get("x-request-id") ?? null, staleData });
      }),
    ),
  );

  const errors = new ErrorLink(({ error }) => {
    if (CombinedGraphQLErrors.is(error) && error.errors.some((e) => e.extensions?.code === "UNAUTHENTICATED")) options.onUnauthenticated?.();
  });

  const overHttp = options.persistedDocuments ? ApolloLink.from([responseInfo, persisted, http]) : responseInfo.concat(http);
  return new ApolloClient({
    link: errors.concat(ApolloLink.split(({ operationType }) => operationType === OperationTypeNode.SUBSCRIPTION, ws, overHttp)),
    cache: new InMemoryCache({
      typePolicies: {
        // Items, Users, accounts and institutions have ids: the cache keeps one copy of each, keyed
        // by `__typename` and `id`, which every answer that holds it updates.
        User: {
          fields: {
            // One cached list per `status` filter; `fetchMore({ variables: { after: endCursor } })`
            // appends the next page to it.
            items: relayStylePagination(["status"]),
          },
        },
        // Objects without an id are stored inside the object that holds them: a new answer replaces
        // them whole (an Item's new error is another error, not a change to the old one).
        PlaidError: { merge: false },
        ItemStatusEventConnection: { merge: false },
        ConsentEventConnection: { merge: false },
      },
    }),
  });
}
