import { Repeater } from "@repeaterjs/repeater";
import type { ItemEvent } from "../domain/item-event.js";
import type { Store } from "../datasources/store/store.js";
import { eventSequenceFromCursor } from "../domain/cursor.js";
import { BadInputError } from "../domain/errors.js";
import type { Logger } from "../logger.js";
import type { ItemEventFeed } from "./item-event-ports.js";
import type { RequestScope } from "./request-scope.js";

/** Most Items one subscription may name. */
const MAX_ITEM_IDS = 100;
/** Events read from the log per query while catching up. */
const REPLAY_PAGE = 200;
/** Delivered events remembered above the caught-up position before the log is read again. */
const MAX_REMEMBERED = 1000;

export interface StreamOptions {
  itemIds?: readonly string[] | null;
  /** Cursor of the last event the client saw: every later one is replayed from the log first. */
  after?: string | null;
}

/**
 * Live Item status changes for one subscriber: first every event after `after` from the log, then live
 * events, none twice and none lost in the switch-over. Live events are collected from the moment of
 * subscribing, before the log is read; any event already delivered is skipped by its sequence. When the
 * bus says events from other instances may have been missed, the log is read again.
 */
export class ItemStatusStream {
  constructor(
    private readonly store: Store,
    private readonly bus: ItemEventFeed,
    private readonly logger: Logger,
  ) {}

  async open(scope: RequestScope, options: StreamOptions): Promise<AsyncIterableIterator<ItemEvent>> {
    const itemIds = checkItemIds(options.itemIds);
    let cursor: number | null = null;
    if (options.after != null) {
      cursor = eventSequenceFromCursor(options.after) ?? null;
      if (cursor === null) throw new BadInputError("after is not an event cursor", { argument: "after" });
    }
    const userId = scope.viewer.isAdmin ? null : (await scope.user()).id;
    // Without a cursor the stream starts now: the log's current end is where it starts, and where a
    // resync catches up from. Read before subscribing, so an event committed in between is replayed.
    const start = cursor ?? (await this.store.events.latestSequence());
    const wanted = (event: ItemEvent) => (userId === null || event.userId === userId) && (!itemIds || itemIds.has(event.itemId));
    const { store, bus, logger } = this;

    return new Repeater<ItemEvent>(async (push, stop) => {
      const pending: Array<ItemEvent | "resync"> = [];
      let wake: (() => void) | null = null;
      const enqueue = (entry: ItemEvent | "resync") => {
        pending.push(entry);
        wake?.();
      };
      const unsubscribe = bus.subscribe(userId, (event) => enqueue(event));
      const stopResync = bus.onResync(() => enqueue("resync"));
      const filter = { userId: userId ?? undefined, itemIds: itemIds ? [...itemIds] : undefined };
      // Every event at or below `low` has been delivered (or was not wanted); above it, `delivered`
      // remembers what was. Live events from other instances can arrive out of sequence order, so a
      // high-water mark alone would drop an earlier event that arrives after a later one.
      let low = start;
      const delivered = new Set<number>();
      const deliver = async (event: ItemEvent) => {
        if (event.sequence <= low || delivered.has(event.sequence)) return;
        delivered.add(event.sequence);
        if (wanted(event)) await push(event);
      };
      const catchUp = async () => {
        // The log is appended in sequence order under a lock, so once the newest sequence has been
        // read, every event up to it is committed and in the pages read next.
        const horizon = await store.events.latestSequence();
        let position = low;
        for (;;) {
          const page = await store.events.listAfter(position, filter, REPLAY_PAGE);
          for (const event of page) await deliver(event);
          if (page.length < REPLAY_PAGE) break;
          position = page[page.length - 1]!.sequence;
        }
        if (horizon > low) low = horizon;
        for (const sequence of delivered) if (sequence <= low) delivered.delete(sequence);
      };
      try {
        await bus.whenSubscribed();
        await catchUp();
        let stopped = false;
        void stop.then(() => {
          stopped = true;
          wake?.();
        });
        while (!stopped) {
          const entry = pending.shift();
          if (entry === undefined) {
            await new Promise<void>((resolve) => (wake = resolve));
            wake = null;
          } else if (entry === "resync") {
            await catchUp();
          } else {
            await deliver(entry);
            // Reading the log now and then keeps the memory of delivered events small.
            if (delivered.size >= MAX_REMEMBERED) await catchUp();
          }
        }
      } catch (error) {
        logger.warn({ err: error }, "Item status subscription ended by an error");
        stop(error);
      } finally {
        unsubscribe();
        stopResync();
      }
    });
  }
}

function checkItemIds(itemIds: readonly string[] | null | undefined): Set<string> | null {
  if (itemIds == null) return null;
  if (itemIds.length === 0) throw new BadInputError("itemIds must name at least one Item, or be left out for all of them", { argument: "itemIds" });
  if (itemIds.length > MAX_ITEM_IDS) throw new BadInputError(`itemIds can name at most ${MAX_ITEM_IDS} Items`, { argument: "itemIds" });
  return new Set(itemIds);
}
