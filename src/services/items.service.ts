import { LRUCache } from "lru-cache";
import type { Store } from "../datasources/store/store.js";
import { decodeCursor, encodeCursor, eventCursor, eventSequenceFromCursor } from "../domain/cursor.js";
import { NotFoundError } from "../domain/errors.js";
import type { ItemEvent } from "../domain/item-event.js";
import type { ItemSnapshot, ItemStatus } from "../domain/item.js";
import type { Logger } from "../logger.js";
import type { ItemGate } from "./item-gate.js";
import type { ItemLedger } from "./item-ledger.js";
import type { ItemPlaidReads } from "./item-plaid-reads.js";
import type { ItemReadCache } from "./item-read-cache.js";
import { checkPageSize, invalidCursor, pageInfoOf, type Page } from "./pagination.js";
import type { RequestScope } from "./request-scope.js";
import { staleReason, type StaleReason } from "./stale-data.js";

/** A refresh's result for every request that waited on it: the new snapshot, or why Plaid could not give one. */
type RefreshOutcome = { snapshot: ItemSnapshot } | { at: number; reason: StaleReason };

/** Items whose last refresh failed, remembered per instance so Plaid is not asked again before the configured age. */
const MAX_FAILED_REFRESHES = 50_000;

export interface ItemsServiceOptions {
  /** Snapshots older than this are re-read from /item/get before they are served. */
  snapshotMaxAgeMs: number;
}

/** Reading Items: one, a user's, everyone's (admins), and their history, with snapshots kept fresh. */
export class ItemsService {
  private readonly refreshing = new Map<string, Promise<RefreshOutcome>>();
  private readonly failedRefreshes = new LRUCache<string, { at: number; reason: StaleReason }>({ max: MAX_FAILED_REFRESHES });

  constructor(
    private readonly store: Store,
    private readonly cache: ItemReadCache,
    private readonly gate: ItemGate,
    private readonly ledger: ItemLedger,
    private readonly reads: ItemPlaidReads,
    private readonly logger: Logger,
    private readonly options: ItemsServiceOptions,
  ) {}

  /** The Item if the viewer may see it, brought up to date; null otherwise, as for a missing Item. */
  async visible(scope: RequestScope, itemId: string): Promise<ItemSnapshot | null> {
    const stored = await this.gate.visible(scope, itemId);
    return stored ? this.fresh(scope, stored.snapshot) : null;
  }

  async requireVisible(scope: RequestScope, itemId: string): Promise<ItemSnapshot> {
    const item = await this.visible(scope, itemId);
    if (!item) throw new NotFoundError("Item");
    return item;
  }

  /** A user's Items (removed ones only when asked for by status). */
  async ofUser(scope: RequestScope, userId: string, statuses?: readonly ItemStatus[] | null): Promise<ItemSnapshot[]> {
    const filter = { statuses: statuses ?? undefined };
    const rows = await this.cache.listOfUser(userId, filter.statuses, () => this.store.items.listByUser(userId, filter));
    for (const row of rows) scope.loaders.storedItem.prime(row.snapshot.itemId, row);
    return Promise.all(rows.map((row) => this.fresh(scope, row.snapshot)));
  }

  /** Every user's Items, newest status change first (admin dashboards). */
  async all(scope: RequestScope, statuses: readonly ItemStatus[] | null | undefined, first: number, after?: string | null): Promise<Page<ItemSnapshot> & { totalCount: number }> {
    checkPageSize(first);
    const filter = { statuses: statuses ?? undefined };
    const position = after ? itemPosition(after) : undefined;
    const [rows, totalCount] = await Promise.all([this.store.items.listAll(filter, first + 1, position), this.store.items.countAll(filter)]);
    const pageRows = rows.slice(0, first);
    for (const row of pageRows) scope.loaders.storedItem.prime(row.snapshot.itemId, row);
    const nodes = await Promise.all(pageRows.map((row) => this.fresh(scope, row.snapshot)));
    // The cursor keeps the stored position, so a refresh during this read cannot shift the next page.
    const edges = pageRows.map((row, i) => ({
      cursor: encodeCursor("item", `${row.snapshot.statusChangedAt.toISOString()}|${row.snapshot.itemId}`),
      node: nodes[i]!,
    }));
    return { edges, pageInfo: pageInfoOf(edges, rows.length > first, after), totalCount };
  }

  /** The Item's event log, newest first. */
  async history(itemId: string, first: number, after?: string | null): Promise<Page<ItemEvent> & { totalCount: number }> {
    checkPageSize(first);
    let before: number | undefined;
    if (after) {
      before = eventSequenceFromCursor(after);
      if (before === undefined) throw invalidCursor();
    }
    const [rows, totalCount] = await Promise.all([this.store.events.listForItem(itemId, first + 1, before), this.store.events.countForItem(itemId)]);
    const edges = rows.slice(0, first).map((event) => ({ cursor: eventCursor(event.sequence), node: event }));
    return { edges, pageInfo: pageInfoOf(edges, rows.length > first, after), totalCount };
  }

  /**
   * The snapshot, re-read from /item/get first when it is older than the configured age. Requests that
   * find the same Item stale at the same time share one refresh; after a refresh Plaid could not answer,
   * the stored snapshot is served (reported as stale) until the configured age has passed again, so an
   * Item costs at most one /item/get per that age however often it is read.
   */
  async fresh(scope: RequestScope, snapshot: ItemSnapshot): Promise<ItemSnapshot> {
    if (snapshot.status === "REMOVED") return snapshot;
    const now = this.ledger.now().getTime();
    if (now - snapshot.syncedAt.getTime() < this.options.snapshotMaxAgeMs) return snapshot;
    const known = scope.loaders.freshSnapshots.get(snapshot.itemId);
    if (known) return known;
    const refreshed = this.freshOrStored(scope, snapshot, now);
    scope.loaders.freshSnapshots.set(snapshot.itemId, refreshed);
    return refreshed;
  }

  private async freshOrStored(scope: RequestScope, snapshot: ItemSnapshot, now: number): Promise<ItemSnapshot> {
    const { itemId } = snapshot;
    const failed = this.failedRefreshes.get(itemId);
    let outcome: RefreshOutcome;
    if (failed && now - failed.at < this.options.snapshotMaxAgeMs) {
      outcome = failed;
    } else {
      let running = this.refreshing.get(itemId);
      if (!running) {
        running = this.refresh(scope, itemId).finally(() => this.refreshing.delete(itemId));
        this.refreshing.set(itemId, running);
      }
      outcome = await running;
    }
    if ("snapshot" in outcome) return outcome.snapshot;
    scope.staleData.record(itemId, "item", snapshot.syncedAt, outcome.reason);
    // The failed call may itself have moved the Item (e.g. Plaid no longer knows it): serve what is stored now.
    scope.loaders.storedItem.clear(itemId);
    return (await scope.loaders.storedItem.load(itemId))?.snapshot ?? snapshot;
  }

  /** One refresh of a stale Item, for every request that waits on it. */
  private async refresh(scope: RequestScope, itemId: string): Promise<RefreshOutcome> {
    try {
      const stored = await scope.loaders.storedItem.load(itemId);
      if (!stored) throw new NotFoundError("Item");
      const read = await this.reads.itemState(stored);
      this.failedRefreshes.delete(itemId);
      return { snapshot: await this.ledger.applyPlaidRead(itemId, read, "RECONCILED") };
    } catch (error) {
      this.logger.warn({ itemId, err: error }, "serving the stored Item snapshot: refresh from Plaid failed");
      const failed = { at: this.ledger.now().getTime(), reason: staleReason(error) ?? "UPSTREAM_UNAVAILABLE" };
      this.failedRefreshes.set(itemId, failed);
      return failed;
    }
  }
}

/** The keyset position an `items` cursor holds. */
function itemPosition(after: string): { statusChangedAt: Date; itemId: string } {
  const value = decodeCursor("item", after);
  const separator = value?.indexOf("|") ?? -1;
  const at = value && separator > 0 ? new Date(value.slice(0, separator)) : null;
  if (!value || !at || Number.isNaN(at.getTime())) throw invalidCursor();
  return { statusChangedAt: at, itemId: value.slice(separator + 1) };
}
