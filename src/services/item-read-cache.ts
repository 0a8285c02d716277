import { LRUCache } from "lru-cache";
import type { ItemStatus } from "../domain/item.js";
import type { StoredItem } from "../domain/stored-item.js";
import type { ItemChange, ItemEventFeed } from "./item-event-ports.js";

/** Stored Items kept per instance; more are read from the store again. */
const MAX_ROWS = 50_000;
/** Users whose Item lists are kept per instance. */
const MAX_USERS = 20_000;
/**
 * The longest an entry is served: a backstop for changes no announcement told of (every write of the
 * gateway announces its change; a change made to the database by hand is seen after this long).
 */
const MAX_AGE_MS = 60_000;

/**
 * This instance's copy of stored Items and of users' Item lists, so reading Items does not query the
 * store each time. Every change the gateway writes is announced on the Item event bus (to every
 * instance, through Redis when there are several) and forgotten here; while changes from other
 * instances cannot reach this one (Redis down), the store is read every time, and after such a gap
 * everything is forgotten.
 */
export class ItemReadCache {
  private readonly rows = new LRUCache<string, StoredItem>({ max: MAX_ROWS, ttl: MAX_AGE_MS });
  /** Per user, the lists kept by status filter: a change to one of the user's Items forgets them all at once. */
  private readonly lists = new LRUCache<string, Map<string, StoredItem[]>>({ max: MAX_USERS, ttl: MAX_AGE_MS });
  /** Bumped by every change: a read that overlapped one may hold what was there before, and is not kept. */
  private changes = 0;

  constructor(private readonly feed: ItemEventFeed) {
    feed.onChange((change) => this.forget(change));
    feed.onResync(() => this.clear());
  }

  /** Stored Items by id, in the order asked (null where there is none); `load` reads those not kept. */
  async rowsByIds(itemIds: readonly string[], load: (itemIds: readonly string[]) => Promise<StoredItem[]>): Promise<Array<StoredItem | null>> {
    const usable = this.feed.changesReach();
    const found = new Map<string, StoredItem>();
    const missing: string[] = [];
    for (const id of itemIds) {
      const row = usable ? this.rows.get(id) : undefined;
      if (row) found.set(id, row);
      else missing.push(id);
    }
    if (missing.length > 0) {
      const before = this.changes;
      const loaded = await load(missing);
      const keep = usable && before === this.changes;
      for (const row of loaded) {
        found.set(row.snapshot.itemId, row);
        if (keep) this.rows.set(row.snapshot.itemId, row);
      }
    }
    return itemIds.map((id) => found.get(id) ?? null);
  }

  /** A user's Items as `load` lists them (one list per status filter), kept until one of them changes. */
  async listOfUser(userId: string, statuses: readonly ItemStatus[] | undefined, load: () => Promise<StoredItem[]>): Promise<StoredItem[]> {
    const usable = this.feed.changesReach();
    const filter = statuses ? [...statuses].sort().join(",") : "";
    const kept = usable ? this.lists.get(userId)?.get(filter) : undefined;
    if (kept) return kept;
    const before = this.changes;
    const rows = await load();
    if (usable && before === this.changes) {
      let byFilter = this.lists.get(userId);
      if (!byFilter) this.lists.set(userId, (byFilter = new Map()));
      byFilter.set(filter, rows);
      for (const row of rows) this.rows.set(row.snapshot.itemId, row);
    }
    return rows;
  }

  private forget(change: ItemChange): void {
    this.changes += 1;
    this.rows.delete(change.itemId);
    this.lists.delete(change.userId);
  }

  private clear(): void {
    this.changes += 1;
    this.rows.clear();
    this.lists.clear();
  }
}
