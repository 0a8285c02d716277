import type { Queryable } from "../datasources/store/database.js";
import type { Store } from "../datasources/store/store.js";
import type { TokenCipher } from "../datasources/store/token-cipher.js";
import { NotFoundError, type PlaidApiError } from "../domain/errors.js";
import type { ItemEvent, NewItemEvent } from "../domain/item-event.js";
import { statusForCallError } from "../domain/item-health.js";
import { applyCallError, applyLinked, applyPlaidRead, type ItemTransition } from "../domain/item-transitions.js";
import type { Account, ItemSnapshot, PlaidItemState } from "../domain/item.js";
import type { StoredItem } from "../domain/stored-item.js";
import type { UserRecord } from "../domain/user.js";
import type { Logger } from "../logger.js";
import type { ItemChange, ItemEventPublisher } from "./item-event-ports.js";

/** One transition asked for inside a caller's transaction. */
export interface TransitionRequest<T extends ItemTransition> {
  itemId: string;
  now: Date;
  next: (current: StoredItem, now: Date) => T;
}

/** A transition staged in a caller's transaction: its snapshot is saved, its event waits to be appended. */
export interface StagedTransition<T extends ItemTransition> {
  /** The Item as this transition found it (after any earlier one of the same batch). */
  current: StoredItem;
  transition: T;
  snapshot: ItemSnapshot;
  event: NewItemEvent | null;
  /** The stored Item changed: to announce once the caller commits. */
  change: ItemChange | null;
}

/** What a committed write tells the other parts of the gateway: the events for subscribers, the changes for caches. */
export interface Committed {
  events: readonly ItemEvent[];
  changes: readonly ItemChange[];
}

/**
 * The one place Items change: a pure transition computes the next snapshot and event, both are stored
 * in one transaction with the row locked, and after the commit the event is published.
 */
export class ItemLedger {
  private readonly readListeners = new Set<(itemId: string, read: PlaidItemState) => void>();

  constructor(
    private readonly store: Store,
    private readonly cipher: TokenCipher,
    private readonly publisher: ItemEventPublisher,
    private readonly logger: Logger,
    readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Stores a fresh /item/get read; a changed status is recorded and published with the given cause.
   * Then every reader of Plaid's answers (onPlaidRead) is told what Plaid said.
   */
  async applyPlaidRead(itemId: string, read: PlaidItemState, cause: string): Promise<ItemSnapshot> {
    const snapshot = await this.transition(itemId, (current, now) => applyPlaidRead(current.snapshot, read, now, cause));
    this.heardFromPlaid(itemId, read);
    return snapshot;
  }

  /** Tells every reader of Plaid's answers (onPlaidRead) what /item/get said of a stored Item; applyPlaidRead does so itself. */
  heardFromPlaid(itemId: string, read: PlaidItemState): void {
    for (const listener of this.readListeners) listener(itemId, read);
  }

  /** Told of every /item/get answer stored for an Item, once it is stored (the webhook URL check listens). */
  onPlaidRead(listener: (itemId: string, read: PlaidItemState) => void): void {
    this.readListeners.add(listener);
  }

  /** Moves one Item through the status machine. A removed Item loses its access token here. */
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
      const changes: ItemChange[] = [];
      for (const current of rows) {
        const { snapshot, event } = next(current, now);
        moved.set(current.snapshot.itemId, snapshot);
        if (snapshot === current.snapshot) continue;
        await this.saveSnapshot(tx, current, snapshot);
        changes.push({ itemId: snapshot.itemId, userId: snapshot.userId });
        if (event) pending.push({ itemId: snapshot.itemId, userId: snapshot.userId, ...event, occurredAt: now });
      }
      const events: ItemEvent[] = [];
      for (const event of pending) events.push(await this.store.events.append(tx, event));
      return { moved, committed: { events, changes } };
    });
    await this.announce(results.committed);
    return itemIds.map((itemId) => results.moved.get(itemId)!);
  }

  /**
   * Transitions inside the caller's transaction, in the order given (several for one Item apply one
   * after the other). Every row is locked first, in one order, and the changed snapshots are saved;
   * the events are left to appendEvents, the caller's last statement. Null where the Item does not exist.
   */
  async stageWithin<T extends ItemTransition>(tx: Queryable, requests: ReadonlyArray<TransitionRequest<T>>): Promise<Array<StagedTransition<T> | null>> {
    const itemIds = [...new Set(requests.map((request) => request.itemId))];
    const found = itemIds.length > 0 ? await this.store.items.findByIdsForUpdate(itemIds, tx) : [];
    const before = new Map(found.map((stored) => [stored.snapshot.itemId, stored]));
    const latest = new Map(before);
    const staged = requests.map(({ itemId, now, next }): StagedTransition<T> | null => {
      const current = latest.get(itemId);
      if (!current) return null;
      const transition = next(current, now);
      const { snapshot, event } = transition;
      if (snapshot === current.snapshot) return { current, transition, snapshot, event: null, change: null };
      latest.set(itemId, { ...current, snapshot });
      const draft = event ? { itemId, userId: snapshot.userId, ...event, occurredAt: now } : null;
      return { current, transition, snapshot, event: draft, change: { itemId, userId: snapshot.userId } };
    });
    await this.saveChanged(tx, before, [...latest.values()]);
    return staged;
  }

  /** Appends staged events, in the order given; the log's lock is held from here until the caller commits. */
  appendEvents(tx: Queryable, events: readonly NewItemEvent[]): Promise<ItemEvent[]> {
    return this.store.events.appendAll(tx, events);
  }

  /** Records what a failed Plaid call says about the Item (once: a repeat of the same error changes nothing). */
  async recordCallError(itemId: string, error: PlaidApiError): Promise<void> {
    // Rate limits, outages and invalid requests say nothing about the Item: no transaction for them.
    if (statusForCallError(error.plaid) === null) return;
    const { errorType, errorCode, errorCodeReason, message, displayMessage } = error.plaid;
    try {
      await this.transition(itemId, (current, now) => applyCallError(current.snapshot, { errorType, errorCode, errorCodeReason, message, displayMessage }, now));
    } catch (failure) {
      this.logger.warn({ itemId, err: failure }, "could not record an Item error answered by Plaid");
    }
  }

  /** Stores a newly linked Item with its sealed access token and its first accounts answer, and records LINKED. */
  async recordLinkedItem(user: UserRecord, accessToken: string, read: PlaidItemState, countryCodes: string[], accounts: Account[] | null): Promise<ItemSnapshot> {
    const now = this.now();
    const { snapshot, event } = applyLinked(user.id, read, countryCodes, accounts?.map((account) => account.id) ?? [], now);
    const sealed = this.cipher.seal(accessToken, read.itemId);
    const stored = await this.store.db.transaction(async (tx) => {
      await this.store.items.insert(snapshot, sealed, tx);
      if (accounts) await this.store.reads.put(snapshot.itemId, "accounts", accounts, now, tx);
      return this.store.events.append(tx, { itemId: snapshot.itemId, userId: user.id, ...event!, occurredAt: now });
    });
    await this.announce({ events: [stored], changes: [{ itemId: snapshot.itemId, userId: user.id }] });
    return snapshot;
  }

  /**
   * After a commit: announces the changes (caches on every instance forget those Items), then publishes
   * the events in log order. Each is sent without waiting for the one before: the bus delivers and
   * forwards them in the order they are handed over.
   */
  async announce({ events, changes }: Committed): Promise<void> {
    const sent: Array<Promise<void>> = changes.map((change) => this.publisher.announceChange(change));
    for (const event of [...events].sort((a, b) => a.sequence - b.sequence)) {
      sent.push(
        this.publisher.publish(event).catch((error: unknown) => {
          // The event is committed; subscribers that miss it catch up from the log with `after`.
          this.logger.warn({ itemId: event.itemId, sequence: event.sequence, err: error }, "publishing an Item event failed");
        }),
      );
    }
    await Promise.all(sent);
  }

  /** Stores the snapshots that changed since they were read, in one statement; a removed Item loses its access token here. */
  private async saveChanged(tx: Queryable, before: ReadonlyMap<string, StoredItem>, latest: readonly StoredItem[]): Promise<void> {
    const changed = latest.filter((stored) => stored.snapshot !== before.get(stored.snapshot.itemId)!.snapshot);
    await this.store.items.saveSnapshots(
      changed.map((stored) => stored.snapshot),
      tx,
    );
    for (const { snapshot } of changed) {
      if (snapshot.status === "REMOVED" && before.get(snapshot.itemId)!.accessToken) await this.store.items.clearAccessToken(snapshot.itemId, tx);
    }
  }

  /** Stores a changed snapshot; a removed Item loses its access token here. */
  private async saveSnapshot(tx: Queryable, current: StoredItem, snapshot: ItemSnapshot): Promise<void> {
    await this.store.items.saveSnapshot(snapshot, tx);
    if (snapshot.status === "REMOVED" && current.accessToken) await this.store.items.clearAccessToken(snapshot.itemId, tx);
  }
}
