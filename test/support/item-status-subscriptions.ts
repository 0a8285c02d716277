/**
 * The client side of `Subscription.itemStatusChanged` for tests: a real graphql-ws client over a real
 * WebSocket (the `ws` package), recording everything the gateway sends, plus a bare socket for protocol
 * misbehaviour the graphql-ws client never commits (no connection_init at all).
 */
import { print, type GraphQLFormattedError } from "graphql";
import { createClient, type Client, type ClientOptions } from "graphql-ws";
import WebSocket from "ws";
import { ItemStatusChangedDocument, type ItemStatusChangedSubscription } from "../../generated/graphql.js";

/** One `ItemStatusEvent` as a subscriber receives it (test/operations/item-status-changed.graphql). */
export type ReceivedItemEvent = ItemStatusChangedSubscription["itemStatusChanged"];

export interface SocketClose {
  code: number;
  reason: string;
}

/** A live subscription and everything it has received so far. */
export interface ItemStatusSubscription {
  /** Events, in the order they arrived. */
  events: ReceivedItemEvent[];
  /** GraphQL errors sent for the operation (in `next` or `error` messages). */
  errors: GraphQLFormattedError[];
  /** Every raw `next` / `error` payload, as sent, for checks on what a client can see. */
  payloads: unknown[];
  /** The gateway acknowledged the connection (connection_ack). */
  readonly acknowledged: boolean;
  /** How the socket was closed, once it was. */
  readonly closed: SocketClose | null;
  /** The operation ended (complete, error or socket closed). */
  readonly ended: boolean;
  /** Events of one Item. */
  eventsOf(itemId: string): ReceivedItemEvent[];
  /** Stops the subscription and closes the socket. */
  close(): Promise<void>;
}

export interface SubscribeOptions {
  itemIds?: string[];
  after?: string;
  /** Sent as connection_init's `authorization`; none when null. */
  authorization?: string | null;
}

/** The graphql-ws URL of a gateway's `/graphql` endpoint. */
export function websocketUrl(graphqlUrl: string): string {
  return graphqlUrl.replace(/^http/, "ws");
}

/** A graphql-ws client of the gateway over a real WebSocket, with the bearer token (if any) in connection_init. */
export function graphqlWsClient(graphqlUrl: string, token: string | null, options: Omit<ClientOptions, "url" | "webSocketImpl"> = {}): Client {
  return createClient({
    url: websocketUrl(graphqlUrl),
    webSocketImpl: WebSocket,
    connectionParams: token === null ? {} : { authorization: `Bearer ${token}` },
    // A refused or expired connection must stay refused: no reconnect behind the test's back.
    retryAttempts: 0,
    ...options,
  });
}

/** Subscribes to itemStatusChanged over a real WebSocket, with the bearer token in connection_init. */
export function subscribeToItemStatus(graphqlUrl: string, token: string | null, options: SubscribeOptions = {}): ItemStatusSubscription {
  const events: ReceivedItemEvent[] = [];
  const errors: GraphQLFormattedError[] = [];
  const payloads: unknown[] = [];
  let acknowledged = false;
  let closed: SocketClose | null = null;
  let ended = false;
  const authorization = options.authorization !== undefined ? options.authorization : token === null ? null : `Bearer ${token}`;

  const client = graphqlWsClient(graphqlUrl, null, {
    connectionParams: authorization === null ? {} : { authorization },
    on: {
      connected: () => {
        acknowledged = true;
      },
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string | Buffer };
        closed ??= { code, reason: String(reason) };
      },
    },
  });

  const variables: Record<string, unknown> = {};
  if (options.itemIds !== undefined) variables.itemIds = options.itemIds;
  if (options.after !== undefined) variables.after = options.after;

  const unsubscribe = client.subscribe<ItemStatusChangedSubscription>(
    { query: print(ItemStatusChangedDocument), variables },
    {
      next(result) {
        payloads.push(result);
        if (result.errors) errors.push(...result.errors);
        if (result.data?.itemStatusChanged) events.push(result.data.itemStatusChanged);
      },
      error(error) {
        payloads.push(error);
        if (Array.isArray(error)) errors.push(...(error as GraphQLFormattedError[]));
        ended = true;
      },
      complete() {
        ended = true;
      },
    },
  );

  return {
    events,
    errors,
    payloads,
    get acknowledged() {
      return acknowledged;
    },
    get closed() {
      return closed;
    },
    get ended() {
      return ended;
    },
    eventsOf: (itemId) => events.filter((event) => event.itemId === itemId),
    async close() {
      unsubscribe();
      await client.dispose();
    },
  };
}

/**
 * Opens a graphql-transport-ws socket and never sends connection_init; resolves with how the gateway
 * closed it.
 */
export function openSocketWithoutInit(graphqlUrl: string): Promise<SocketClose & { opened: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(websocketUrl(graphqlUrl), "graphql-transport-ws");
    let opened = false;
    socket.on("open", () => {
      opened = true;
    });
    socket.on("close", (code, reason) => resolve({ code, reason: reason.toString("utf8"), opened }));
    socket.on("error", (error) => {
      if (!opened) reject(error);
    });
  });
}
