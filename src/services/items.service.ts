import type { ItemEvent, NewItemEvent } from "../domain/item-event.js";
import type { StoredItem } from "../domain/stored-item.js";
import type { Queryable } from "../datasources/store/database.js";
import type { Store } from "../datasources/store/store.js";
import { openAccessToken, type TokenCipher } from "../datasources/store/token-cipher.js";
import type { UserRecord } from "../domain/user.js";
import { decodeCursor, encodeCursor, eventCursor, eventSequenceFromCursor } from "../domain/cursor.js";
import { NotFoundError, PlaidApiError } from "../domain/errors.js";
import type { Account, ItemSnapshot, ItemStatus, PlaidItemState } from "../domain/item.js";
import { statusForCallError } from "../domain/item-health.js";
import { applyCallError, applyLinked, applyPlaidRead, type ItemTransition } from "../domain/item-transitions.js";
import type { Logger } from "../logger.js";
import type { ItemEventPublisher } from "./item-event-ports.js";
import { checkPageSize, invalidCursor, type Page } from "./pagination.js";
import type { RequestScope } from "./request-scope.js";

export interface ItemsServiceOptions {
  /** Snapshots older than this are re-read from /item/get before they are served. */
  snapshotMaxAgeMs: number;
  now?: () => Date;
}

/** Items: who may see them, their snapshots kept fresh, their history. */
export class ItemsService {
  private readonly now: () => Date;

  constructor(
    private readonly store: Store,
    private readonly cipher: TokenCipher,
    private readonly publisher: ItemEventPublisher,
    private readonly logger: Logger,
    private readonly options: ItemsServiceOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * The Item if the viewer may see it (its owner, or an admin), else null: another user's Item is
   * indistinguishable from a missing one. Every path to an Item goes through here.
   */
  async visibleStored(scope: RequestScope, itemId: string): Promise<StoredItem | null> {
    const stored = await scope.loaders.storedItem.load(itemId);
    if (!stored) return null;
    if (scope.viewer.isAdmin) return stored;
    const user = await scope.user();
    return stored.snapshot.userId === user.id ? stored : null;
  }

  async visible(scope: RequestScope, itemId: string): Promise<ItemSnapshot | null> {
    const stored = await this.visibleStored(scope, itemId);
    return stored ? this.fresh(scope, stored.snapshot) : null;
  }

  async requireVisible(scope: RequestScope, itemId: string): Promise<ItemSnapshot> {
    const item = await this.visible(scope, itemId);
    if (!item) throw new NotFoundError("Item");
    return item;
  }

  /** A user's Items (removed ones only when asked for by status). */
  async ofUser(scope: RequestScope, userId: string, statuses?: readonly ItemStatus[] | null): Promise<ItemSnapshot[]> {
    const rows = await this.store.items.listByUser(userId, { statuses: statuses ?? undefined });
    for (const row of rows) scope.loaders.storedItem.prime(row.snapshot.itemId, row);
    return Promise.all(rows.map((row) => this.fresh(scope, row.snapshot)));
  }

  /** Every user's Items, newest status change first (admin dashboards). */
  async all(scope: RequestScope, statuses: readonly ItemStatus[] | null | undefined, first: number, after?: string | null): Promise<Page<ItemSnapshot> & { totalCount: number }> {
    checkPageSize(first);
    const filter = { statuses: statuses ?? undefined };
    let position: { statusChangedAt: Date; itemId: string } | undefined;
    if (after) {
      const value = decodeCursor("item", after);
      const separator = value?.indexOf("|") ?? -1;
      const at = value && separator > 0 ? new Date(value.slice(0, separator)) : null;
      if (!value || !at || Number.isNaN(at.getTime())) throw invalidCursor();
      position = { statusChangedAt: at, itemId: value.slice(separator + 1) };
    }
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
   * The snapshot, re-read from /item/get first when it is older than the configured age. When Plaid
   * cannot answer, the stored snapshot is served as it is.
   */
  async fresh(scope: RequestScope, snapshot: ItemSnapshot): Promise<ItemSnapshot> {
    if (snapshot.status === "REMOVED") return snapshot;
    if (this.now().getTime() - snapshot.syncedAt.getTime() < this.options.snapshotMaxAgeMs) return snapshot;
    const known = scope.loaders.freshSnapshots.get(snapshot.itemId);
    if (known) return known;
    const refreshed = this.refresh(scope, snapshot);
    scope.loaders.freshSnapshots.set(snapshot.itemId, refreshed);
    return refreshed;
  }

  private async refresh(scope: RequestScope, snapshot: ItemSnapshot): Promise<ItemSnapshot> {
    try {
      const read = await scope.loaders.itemGet.load(snapshot.itemId);
      return await this.applyPlaidRead(snapshot.itemId, read, "RECONCILED");
    } catch (error) {
      this.logger.warn({ itemId: snapshot.itemId, err: error }, "serving the stored Item snapshot: refresh from Plaid failed");
      // The failed call may itself have moved the Item (e.g. Plaid no longer knows it): serve what is stored now.
      scope.loaders.storedItem.clear(snapshot.itemId);
      return (await scope.loaders.storedItem.load(snapshot.itemId))?.snapshot ?? snapshot;
    }
  }

  /** Stores a fresh /item/get read; a changed status is recorded and published with the given cause. */
  applyPlaidRead(itemId: string, read: PlaidItemState, cause: string): Promise<ItemSnapshot> {
    return this.transition(itemId, (current, now) => applyPlaidRead(current.snapshot, read, now, cause));
  }

  /**
   * Moves one Item through the status machine in one transaction: the row is locked, the pure
   * transition computes the next snapshot and event, both are stored, and after the commit the event
   * is published. A removed Item loses its access token here.
   */
  async transition(itemId: string, next: (current: StoredItem, now: Date) => ItemTransition): Promise<ItemSnapshot> {
    const [snapshot] = await this.transitionAll([itemId], next);
    return snapshot!;
  }

  /** The same for several Items in one transaction: all move, or none does. Answers in the order given. */
  async transitionAll(itemIds: readonly string[], next: (current: StoredItem, now: Date) => ItemTransition): Promise<ItemSnapshot[]> {
    const now = this.now();
    const unique = [...new Set(itemIds)];
    const results = await this.store.db.transaction(async (tx) => {
      // Every row is locked (in one order) before the first event is appended: appending takes the
      // log's lock, and waiting for a row while holding it would deadlock with a one-Item transition.
      const rows = await this.store.items.findByIdsForUpdate(unique, tx);
      if (rows.length !== unique.length) throw new NotFoundError("Item");
      const moved = new Map<string, ItemSnapshot>();
      const pending: NewItemEvent[] = [];
      for (const current of rows) {
        const { snapshot, event } = next(current, now);
        moved.set(current.snapshot.itemId, snapshot);
        if (snapshot === current.snapshot) continue;
        await this.saveSnapshot(tx, current, snapshot);
        if (event) pending.push({ itemId: snapshot.itemId, userId: snapshot.userId, ...event, occurredAt: now });
      }
      const events: ItemEvent[] = [];
      for (const event of pending) events.push(await this.store.events.append(tx, event));
      return { moved, events };
    });
    await this.publishAll(results.events);
    return itemIds.map((itemId) => results.moved.get(itemId)!);
  }

  /**
   * One transition inside the caller's transaction: locks the row, stores the next snapshot and its
   * event. Null when the Item does not exist. The caller publishes the event after committing.
   */
  async applyWithin<T extends ItemTransition>(
    tx: Queryable,
    itemId: string,
    now: Date,
    next: (current: StoredItem, now: Date) => T,
  ): Promise<{ current: StoredItem; transition: T; snapshot: ItemSnapshot; event: ItemEvent | null } | null> {
    const current = await this.store.items.findByIdForUpdate(itemId, tx);
    if (!current) return null;
    const transition = next(current, now);
    const { snapshot, event } = transition;
    if (snapshot === current.snapshot) return { current, transition, snapshot, event: null };
    await this.saveSnapshot(tx, current, snapshot);
    const stored = event ? await this.store.events.append(tx, { itemId, userId: snapshot.userId, ...event, occurredAt: now }) : null;
    return { current, transition, snapshot, event: stored };
  }

  /** Stores a changed snapshot; a removed Item loses its access token here. */
  private async saveSnapshot(tx: Queryable, current: StoredItem, snapshot: ItemSnapshot): Promise<void> {
    await this.store.items.saveSnapshot(snapshot, tx);
    if (snapshot.status === "REMOVED" && current.accessToken) await this.store.items.clearAccessToken(snapshot.itemId, tx);
  }

  /** Publishes committed events in log order. */
  async publishAll(events: readonly ItemEvent[]): Promise<void> {
    for (const event of [...events].sort((a, b) => a.sequence - b.sequence)) await this.publish(event);
  }

  /** The stored Item if the viewer may act on it; NOT_FOUND otherwise, exactly as for a missing Item. */
  async requireVisibleStored(scope: RequestScope, itemId: string): Promise<StoredItem> {
    const stored = await this.visibleStored(scope, itemId);
    if (!stored) throw new NotFoundError("Item");
    return stored;
  }

  /**
   * Runs a Plaid call for an Item; when Plaid answers with an error about the Item itself (login
   * required, permission revoked, Item gone), the Item's status follows before the error goes on.
   */
  async learnFrom<T>(itemId: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof PlaidApiError) await this.recordCallError(itemId, error);
      throw error;
    }
  }

  /** Records what a failed Plaid call says about the Item (once: a repeat of the same error changes nothing). */
  async recordCallError(itemId: string, error: PlaidApiError): Promise<void> {
    // Rate limits, outages and invalid requests say nothing about the Item: no transaction for them.
    if (statusForCallError(error.plaid) === null) return;
    const info = {
      errorType: error.plaid.errorType,
      errorCode: error.plaid.errorCode,
      errorCodeReason: error.plaid.errorCodeReason,
      message: error.plaid.message,
      displayMessage: error.plaid.displayMessage,
    };
    try {
      await this.transition(itemId, (current, now) => applyCallError(current.snapshot, info, now));
    } catch (failure) {
      this.logger.warn({ itemId, err: failure }, "could not record an Item error answered by Plaid");
    }
  }

  /** Stores a newly linked Item with its sealed access token and records LINKED. */
  async recordLinkedItem(user: UserRecord, accessToken: string, read: PlaidItemState, countryCodes: string[], accounts: Account[] | null): Promise<ItemSnapshot> {
    const now = this.now();
    const { snapshot, event } = applyLinked(user.id, read, countryCodes, accounts?.map((account) => account.id) ?? [], now);
    const sealed = this.cipher.seal(accessToken, read.itemId);
    const stored = await this.store.db.transaction(async (tx) => {
      await this.store.items.insert(snapshot, sealed, tx);
      if (accounts) await this.store.reads.put(snapshot.itemId, "accounts", accounts, now, tx);
      return this.store.events.append(tx, { itemId: snapshot.itemId, userId: user.id, ...event!, occurredAt: now });
    });
    await this.publish(stored);
    return snapshot;
  }

  /** Keeps Plaid's latest answer for the Item's accounts (served when Plaid cannot answer). */
  async keepAccounts(itemId: string, accounts: Account[]): Promise<void> {
    await this.store.reads.put(itemId, "accounts", accounts, this.now());
  }

  /** The Item's access token, decrypted for a call to Plaid; never leaves the server. */
  accessToken(stored: StoredItem): string {
    return openAccessToken(this.cipher, stored);
  }

  private async publish(event: ItemEvent): Promise<void> {
    try {
      await this.publisher.publish(event);
    } catch (error) {
      // The event is committed; subscribers that miss it catch up from the log with `after`.
      this.logger.warn({ itemId: event.itemId, sequence: event.sequence, err: error }, "publishing an Item event failed");
    }
  }
}
