import { LRUCache } from "lru-cache";
import type { Store } from "../datasources/store/store.js";
import { decodeCursor, encodeCursor, eventCursor, eventSequenceFromCursor } from "../domain/cursor.js";
import { NotFoundError } from "../domain/errors.js";
import type { ItemEvent } from "../domain/item-event.js";
import type { ItemSnapshot, ItemStatus } from "../domain/item.js";
import type { StoredItem } from "../domain/stored-item.js";
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

  /**
   * One page of a user's Items, most recently linked first (removed ones only when asked for by status).
   * The user's whole list is read once (and kept per instance until one of their Items changes); its
   * cursors hold the position (link time, item id), so an Item linked or removed between two pages
   * neither repeats nor skips another.
   */
  async ofUser(
    scope: RequestScope,
    userId: string,
    statuses: readonly ItemStatus[] | null | undefined,
    first: number,
    after?: string | null,
  ): Promise<Page<ItemSnapshot> & { totalCount: number }> {
    checkPageSize(first);
    const position = after ? positionIn(USER_ITEM_CURSOR, after) : undefined;
    const filter = { statuses: statuses ?? undefined };
    const rows = await this.cache.listOfUser(userId, filter.statuses, () => this.store.items.listByUser(userId, filter));
    const start = position ? startAfter(rows, position) : 0;
    const pageRows = start < 0 ? [] : rows.slice(start, start + first);
    for (const row of pageRows) scope.loaders.storedItem.prime(row.snapshot.itemId, row);
    const nodes = await Promise.all(pageRows.map((row) => this.fresh(scope, row.snapshot)));
    const edges = pageRows.map((row, i) => ({ cursor: positionCursor(USER_ITEM_CURSOR, row.snapshot.linkedAt, row.snapshot.itemId), node: nodes[i]! }));
    return { edges, pageInfo: pageInfoOf(edges, start >= 0 && start + first < rows.length, after), totalCount: rows.length };
  }

  /** Every user's Items, newest status change first (admin dashboards). */
  async all(scope: RequestScope, statuses: readonly ItemStatus[] | null | undefined, first: number, after?: string | null): Promise<Page<ItemSnapshot> & { totalCount: number }> {
    checkPageSize(first);
    const filter = { statuses: statuses ?? undefined };
    const position = after ? positionIn(ITEM_CURSOR, after) : undefined;
    const [rows, totalCount] = await Promise.all([
      this.store.items.listAll(filter, first + 1, position && { statusChangedAt: position.at, itemId: position.itemId }),
      this.store.items.countAll(filter),
    ]);
    const pageRows = rows.slice(0, first);
    for (const row of pageRows) scope.loaders.storedItem.prime(row.snapshot.itemId, row);
    const nodes = await Promise.all(pageRows.map((row) => this.fresh(scope, row.snapshot)));
    // The cursor keeps the stored position, so a refresh during this read cannot shift the next page.
    const edges = pageRows.map((row, i) => ({
      cursor: positionCursor(ITEM_CURSOR, row.snapshot.statusChangedAt, row.snapshot.itemId),
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

/** Cursor kinds: `Query.items` pages by status change, `User.items` by link time. */
const ITEM_CURSOR = "item";
const USER_ITEM_CURSOR = "user-item";

/** A keyset position in a list ordered by a time, then the item id, both descending. */
interface Position {
  at: Date;
  itemId: string;
}

function positionCursor(kind: string, at: Date, itemId: string): string {
  return encodeCursor(kind, `${at.toISOString()}|${itemId}`);
}

/** The position a cursor of this kind holds; BAD_USER_INPUT when it is not one. */
function positionIn(kind: string, after: string): Position {
  const value = decodeCursor(kind, after);
  const separator = value?.indexOf("|") ?? -1;
  const at = value && separator > 0 ? new Date(value.slice(0, separator)) : null;
  if (!value || !at || Number.isNaN(at.getTime())) throw invalidCursor();
  return { at, itemId: value.slice(separator + 1) };
}

/**
 * Where the page after a `User.items` position starts in the user's list: after the row it names, or,
 * when that row is gone (removed, or filtered out), at the first row linked before it. -1: none left.
 */
function startAfter(rows: readonly StoredItem[], position: Position): number {
  const at = position.at.getTime();
  const named = rows.findIndex((row) => row.snapshot.itemId === position.itemId && row.snapshot.linkedAt.getTime() === at);
  if (named >= 0) return named + 1;
  return rows.findIndex((row) => row.snapshot.linkedAt.getTime() < at);
}
