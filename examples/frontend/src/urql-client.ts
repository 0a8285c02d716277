/**
 * An urql client for the gateway: Graphcache, a normalized cache (every mutation returns the Items it
 * changed as they now are, so whatever shows them updates without a refetch), queries and mutations
 * over HTTP, and `itemStatusChanged` over graphql-ws on the same `/graphql` path.
 */
import { Client, fetchExchange, subscriptionExchange } from "@urql/core";
import { cacheExchange, type UpdateResolver } from "@urql/exchange-graphcache";
import { createClient as createWsClient } from "graphql-ws";
import WebSocket from "ws";

export interface UrqlClientOptions {
  /** The gateway's GraphQL endpoint, e.g. `https://gateway.example.com/graphql`. */
  url: string;
  /** The same endpoint over WebSocket, e.g. `wss://gateway.example.com/graphql`. */
  wsUrl: string;
  /** The signed-in user's bearer token. */
  token: string;
  /** A fetch of your own; the global one otherwise. */
  fetch?: typeof fetch;
}

// Types without an id are stored inside the object that holds them, not as entities of their own.
const embedded = () => null;

// The gateway filters and orders Item lists itself: after Items are added or removed, the cached lists
// are marked stale and asked for again when next read. The Items in them need nothing: each mutation
// returns them as they now are, and Graphcache updates every copy by id.
const invalidateItemLists: UpdateResolver = (_result, _args, cache) => {
  const viewer = cache.resolve("Query", "viewer");
  for (const entity of ["Query", ...(typeof viewer === "string" ? [viewer] : [])]) {
    for (const field of cache.inspectFields(entity)) {
      if (field.fieldName === "items") cache.invalidate(entity, field.fieldName, field.arguments ?? undefined);
    }
  }
};

export function createUrqlClient({ url, wsUrl, token, fetch }: UrqlClientOptions): Client {
  const authorization = `Bearer ${token}`;
  // Browsers and Node 22+ have a WebSocket of their own: there, leave out `webSocketImpl` and the `ws` import.
  const ws = createWsClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization } });

  return new Client({
    url,
    fetch,
    // urql sends queries as GET (its default `preferGetMethod`). Apollo Server's CSRF prevention
    // refuses a GET a browser could send from any site without asking first; this header makes it one
    // the browser preflights (the gateway's CORS policy allows it). With `preferGetMethod: false`
    // every request is a JSON POST instead, which needs no header.
    fetchOptions: { headers: { authorization, "apollo-require-preflight": "true" } },
    exchanges: [
      cacheExchange({
        keys: {
          ItemConnection: embedded,
          ItemEdge: embedded,
          ItemStatusEventConnection: embedded,
          ItemStatusEventEdge: embedded,
          ConsentEventConnection: embedded,
          ConsentEventEdge: embedded,
          PageInfo: embedded,
          PlaidError: embedded,
          ConsentedAccount: embedded,
          LinkToken: embedded,
          RemoveUserItemsPayload: embedded,
        },
        resolvers: {
          Query: {
            // `item(id:)` reads an Item the cache already holds (from a list or a mutation) without a
            // request; the gateway is asked only for an Item not seen yet, or for fields not read yet.
            item: (_parent, args, cache, info) => {
              const answered = cache.resolve("Query", info.fieldName, args); // what `item(id:)` itself answered, null included
              return answered !== undefined ? answered : { __typename: "Item", id: args.id as string };
            },
          },
        },
        updates: {
          Mutation: {
            sandboxCreateItem: invalidateItemLists,
            exchangePublicToken: invalidateItemLists,
            removeItem: invalidateItemLists,
            removeUserItems: invalidateItemLists,
          },
        },
      }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? "" }, sink) }),
        }),
      }),
    ],
  });
}
