/**
 * Every status change of the signed-in user's Items, in order, none missed and none twice, across
 * dropped connections: after a drop it subscribes again with `after` set to the cursor of the last
 * event it delivered, and the gateway first sends what happened in between, then live events.
 *
 *   for await (const event of itemStatusFeed({ wsUrl, token, after: newestCursorShown })) render(event);
 */
import { print } from "graphql";
import { createClient } from "graphql-ws";
import WebSocket from "ws"; // Node only: browsers have a WebSocket, leave `webSocketImpl` out.
import { ItemStatusChangedDocument, type ItemStatusChangedSubscription } from "./gql/graphql.js";

export type ItemStatusEvent = ItemStatusChangedSubscription["itemStatusChanged"];

export interface ItemStatusFeedOptions {
  /** The gateway's graphql-ws URL: ws(s)://<host>/graphql. */
  wsUrl: string;
  token: string;
  /** Start after this event cursor (e.g. `history(first: 1)`'s newest, read with the Items); omitted: live events from now. */
  after?: string | null;
  /** Only these Items (1 to 100 ids); omitted: every Item of the user. */
  itemIds?: string[];
  /** Ends the feed. */
  signal?: AbortSignal;
}

/** Close codes after which reconnecting cannot help: bad request, token missing, refused or expired. */
const FINAL_CLOSE_CODES = new Set([4400, 4401, 4403]);
/** Error codes that say "try again later"; any other GraphQL error (BAD_USER_INPUT: a cursor that is not one, …) is final. */
const RETRY_CODES = new Set(["RATE_LIMITED", "STORE_UNAVAILABLE", "UPSTREAM_UNAVAILABLE", "INTERNAL_SERVER_ERROR"]);

type GraphQLErrors = ReadonlyArray<{ message: string; extensions?: { code?: unknown } }>;

/** Whether a new connection can help: the socket dropped, or the gateway asked to try again. */
function worthRetrying(error: unknown): boolean {
  if (Array.isArray(error)) return (error as GraphQLErrors).every((e) => RETRY_CODES.has(String(e.extensions?.code)));
  return !FINAL_CLOSE_CODES.has((error as { code?: number } | null)?.code ?? 0);
}

export async function* itemStatusFeed(options: ItemStatusFeedOptions): AsyncGenerator<ItemStatusEvent> {
  const { wsUrl, token, itemIds, signal } = options;
  let cursor = options.after ?? null;
  for (let retries = 0; !signal?.aborted; retries++) {
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      // This loop reconnects, so each new subscription carries the latest cursor.
      retryAttempts: 0,
    });
    try {
      const results = client.iterate<ItemStatusChangedSubscription>({ query: print(ItemStatusChangedDocument), variables: { after: cursor, itemIds } });
      signal?.addEventListener("abort", () => void results.return?.(), { once: true });
      for await (const result of results) {
        if (result.errors || !result.data) throw result.errors ?? [];
        const event = result.data.itemStatusChanged;
        cursor = event.cursor;
        retries = 0;
        yield event;
      }
    } catch (error) {
      if (!worthRetrying(error)) throw error;
    } finally {
      await client.dispose();
    }
    await pause(Math.min(30_000, 250 * 2 ** retries), signal);
  }
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });
}
