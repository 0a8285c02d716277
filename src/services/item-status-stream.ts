import { Repeater } from "@repeaterjs/repeater";
import type { ItemEvent } from "../domain/item-event.js";
import type { Store } from "../datasources/store/store.js";
import { eventSequenceFromCursor } from "../domain/cursor.js";
import { BadInputError } from "../domain/errors.js";
import type { Logger } from "../logger.js";
import { ItemEventHub, type HubSubscription, type ItemEventSink } from "./item-event-hub.js";
import type { ItemEventFeed } from "./item-event-ports.js";
import type { RequestScope } from "./request-scope.js";

export type { ItemEventSink } from "./item-event-hub.js";

/** Most Items one subscription may name. */
const MAX_ITEM_IDS = 100;

export interface StreamOptions {
  itemIds?: readonly string[] | null;
  /** Cursor of the last event the client saw: every later one is replayed from the log first. */
  after?: string | null;
}

/**
 * One subscription's Item status changes: first every event after `after` from the log, then live
 * events, none twice and none lost in the switch-over. A transport that delivers to many subscribers
 * at once hands each one's sink to `start`; iterating it gives the events one by one.
 */
export interface LiveItemEvents extends AsyncIterable<ItemEvent> {
  /** Starts delivering to the sink; returns the function that stops (safe to call twice). */
  start(sink: ItemEventSink): () => void;
}

/** Live Item status changes of the viewer's Items (admins: every Item), from the instance's shared hub. */
export class ItemStatusStream {
  private readonly hub: ItemEventHub;

  constructor(store: Store, bus: ItemEventFeed, logger: Logger) {
    this.hub = new ItemEventHub(store, bus, logger);
  }

  async open(scope: Pick<RequestScope, "viewer" | "user">, options: StreamOptions): Promise<LiveItemEvents> {
    const itemIds = checkItemIds(options.itemIds);
    let after: number | null = null;
    if (options.after != null) {
      after = eventSequenceFromCursor(options.after) ?? null;
      if (after === null) throw new BadInputError("after is not an event cursor", { argument: "after" });
    }
    const userId = scope.viewer.isAdmin ? null : (await scope.user()).id;
    return new HubEvents(this.hub, { userId, itemIds, after });
  }
}

class HubEvents implements LiveItemEvents {
  constructor(
    private readonly hub: ItemEventHub,
    private readonly subscription: Omit<HubSubscription, "sink">,
  ) {}

  start(sink: ItemEventSink): () => void {
    return this.hub.add({ ...this.subscription, sink });
  }

  /** One by one; a consumer more than the repeater's queue behind ends with an error (and resumes with `after`). */
  [Symbol.asyncIterator](): AsyncIterator<ItemEvent> {
    return new Repeater<ItemEvent>(async (push, stop) => {
      let pushed: Promise<unknown> = Promise.resolve();
      const end = this.start({
        next: (event) => {
          try {
            pushed = push(event);
          } catch (error) {
            stop(error);
          }
        },
        flushed: async () => {
          await pushed;
        },
        fail: (error) => stop(error),
      });
      await stop;
      end();
    });
  }
}

function checkItemIds(itemIds: readonly string[] | null | undefined): Set<string> | null {
  if (itemIds == null) return null;
  if (itemIds.length === 0) throw new BadInputError("itemIds must name at least one Item, or be left out for all of them", { argument: "itemIds" });
  if (itemIds.length > MAX_ITEM_IDS) throw new BadInputError(`itemIds can name at most ${MAX_ITEM_IDS} Items`, { argument: "itemIds" });
  return new Set(itemIds);
}
