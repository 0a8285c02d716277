import type { Store } from "../datasources/store/store.js";
import { decodeCursor, encodeCursor, eventCursor, eventSequenceFromCursor } from "../domain/cursor.js";
import { NotFoundError } from "../domain/errors.js";
import type { ItemEvent } from "../domain/item-event.js";
import type { ItemSnapshot, ItemStatus } from "../domain/item.js";
import type { Logger } from "../logger.js";
import type { ItemGate } from "./item-gate.js";
import type { ItemLedger } from "./item-ledger.js";
import type { ItemReadCache } from "./item-read-cache.js";
import { checkPageSize, invalidCursor, type Page } from "./pagination.js";
import type { RequestScope } from "./request-scope.js";

export interface ItemsServiceOptions {
  /** Snapshots older than this are re-read from /item/get before they are served. */
  snapshotMaxAgeMs: number;
}

/** Reading Items: one, a user's, everyone's (admins), and their history, with snapshots kept fresh. */
export class ItemsService {
  constructor(
    private readonly store: Store,
    private readonly cache: ItemReadCache,
    private readonly gate: ItemGate,
    private readonly ledger: ItemLedger,
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
    return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null }, totalCount };
  }

  /** The Item's event log, newest first. */
  async history(itemId: string, first: number, after?: string | null): Promise<Page<ItemEvent>> {
    checkPageSize(first);
    let before: number | undefined;
    if (after) {
      before = eventSequenceFromCursor(after);
      if (before === undefined) throw invalidCursor();
    }
    const rows = await this.store.events.listForItem(itemId, first + 1, before);
    const edges = rows.slice(0, first).map((event) => ({ cursor: eventCursor(event.sequence), node: event }));
    return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  /**
   * The snapshot, re-read from /item/get first when it is older than the configured age (once per
   * request). When Plaid cannot answer, the stored snapshot is served as it is.
   */
  async fresh(scope: RequestScope, snapshot: ItemSnapshot): Promise<ItemSnapshot> {
    if (snapshot.status === "REMOVED") return snapshot;
    if (this.ledger.now().getTime() - snapshot.syncedAt.getTime() < this.options.snapshotMaxAgeMs) return snapshot;
    const known = scope.loaders.freshSnapshots.get(snapshot.itemId);
    if (known) return known;
    const refreshed = this.refresh(scope, snapshot);
    scope.loaders.freshSnapshots.set(snapshot.itemId, refreshed);
    return refreshed;
  }

  private async refresh(scope: RequestScope, snapshot: ItemSnapshot): Promise<ItemSnapshot> {
    try {
      const read = await scope.loaders.itemGet.load(snapshot.itemId);
      return await this.ledger.applyPlaidRead(snapshot.itemId, read, "RECONCILED");
    } catch (error) {
      this.logger.warn({ itemId: snapshot.itemId, err: error }, "serving the stored Item snapshot: refresh from Plaid failed");
      // The failed call may itself have moved the Item (e.g. Plaid no longer knows it): serve what is stored now.
      scope.loaders.storedItem.clear(snapshot.itemId);
      return (await scope.loaders.storedItem.load(snapshot.itemId))?.snapshot ?? snapshot;
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
