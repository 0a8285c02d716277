import { print } from "graphql";
import { createClient, type Client } from "graphql-ws/client";
import { DashboardLiveDocument, type DashboardLiveSubscription } from "../../../generated/graphql.js";
import { logEvent } from "./event-log.js";
import type { ItemTable } from "./item-table.js";
import { say, showCursor, showLiveState } from "./page-status.js";

export interface LiveUpdatesOptions {
  /** The graphql-ws URL. */
  url: string;
  /** The Authorization header sent in connection_init. */
  authorization: string;
  table: ItemTable;
  /** Loads the list again; resolves with the cursor of the newest event it reflects (null for none). */
  reload: () => Promise<string | null>;
  /** The gateway closed the connection for the token (refused or expired): the session ends with this message. */
  onTokenRefused: (message: string) => void;
}

const LIVE_QUERY = print(DashboardLiveDocument);

/** graphql-ws closes with 4401/4403 when the token is missing, refused or expired. */
function closedForToken(reason: unknown): reason is { code: number; reason?: string } {
  const code = (reason as { code?: unknown } | null)?.code;
  return code === 4401 || code === 4403;
}

/**
 * Keeps the table current from `itemStatusChanged` over graphql-ws. When the connection drops it
 * reconnects with backoff and resumes with `after` set to the last event's cursor, so no change is
 * missed; without a cursor yet, it reloads the list once connected instead.
 */
export class LiveUpdates {
  private client: Client | null = null;
  /** Bumped whenever a connection is given up: callbacks of an older one do nothing. */
  private generation = 0;
  private retries = 0;
  private reloadOnConnect = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(
    private readonly options: LiveUpdatesOptions,
    private cursor: string | null,
  ) {}

  start(): void {
    const generation = ++this.generation;
    // Without a cursor, events before the subscription is in place would be missed: reload the list once connected.
    if (!this.cursor) this.reloadOnConnect = true;
    showLiveState(this.retries > 0 ? "reconnecting" : "connecting", this.cursor);
    const client = createClient({
      url: this.options.url,
      lazy: true,
      retryAttempts: 0,
      keepAlive: 15_000,
      connectionParams: { authorization: this.options.authorization },
      on: {
        connected: () => this.connected(generation),
        closed: (event) => this.dropped(generation, client, event),
      },
    });
    this.client = client;
    client.subscribe<DashboardLiveSubscription>(
      { query: LIVE_QUERY, variables: this.cursor ? { after: this.cursor } : {} },
      {
        next: (result) => {
          if (generation !== this.generation) return;
          if (result.errors?.length) say(result.errors[0]!.message, "error");
          else if (result.data) this.apply(result.data.itemStatusChanged);
        },
        error: (error) => {
          // The gateway refused the subscription (an unknown or too old cursor): start over from the list.
          if (Array.isArray(error) && generation === this.generation) {
            say(`Live updates restarted: ${(error[0] as { message?: string } | undefined)?.message}`, "error");
            this.cursor = null;
          }
          this.dropped(generation, client, error);
        },
        complete: () => this.dropped(generation, client, null),
      },
    );
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    void this.client?.dispose();
    this.client = null;
  }

  private connected(generation: number): void {
    if (generation !== this.generation) return;
    this.retries = 0;
    showLiveState("live", this.cursor);
    if (!this.reloadOnConnect) return;
    this.reloadOnConnect = false;
    this.options.reload().then(
      (newest) => {
        if (!this.cursor && newest) {
          this.cursor = newest;
          showCursor(newest);
        }
      },
      (error: Error) => say(`Could not reload the Items: ${error.message}`, "error"),
    );
  }

  private apply(event: DashboardLiveSubscription["itemStatusChanged"]): void {
    this.cursor = event.cursor;
    showCursor(event.cursor);
    logEvent(event);
    this.options.table.upsert(event.item);
  }

  /** The connection ended: reconnect with backoff (resuming after the last cursor), or end the session when the token is refused. */
  private dropped(generation: number, client: Client, reason: unknown): void {
    if (generation !== this.generation) return;
    this.generation++;
    void client.dispose();
    if (closedForToken(reason)) {
      this.options.onTokenRefused(`The gateway closed the live connection: ${reason.reason || "token refused or expired"}. Sign in again.`);
      return;
    }
    showLiveState("reconnecting", this.cursor);
    const delay = Math.min(15_000, 250 * 2 ** this.retries++);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.stopped) this.start();
    }, delay);
  }
}
