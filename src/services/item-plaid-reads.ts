import { isDeepStrictEqual } from "node:util";
import type { PlaidDataSource } from "../datasources/plaid/plaid-datasource.js";
import type { ItemReadKind } from "../datasources/store/item-reads-repository.js";
import type { Store } from "../datasources/store/store.js";
import type { ConsentEvent } from "../domain/consent.js";
import type { Account, PlaidItemState } from "../domain/item.js";
import type { StoredItem } from "../domain/stored-item.js";
import type { Logger } from "../logger.js";
import type { ItemGate } from "./item-gate.js";
import { staleReason, type StaleDataCollector, type StaleField } from "./stale-data.js";

/** The stored Item a read is for (rejects with NOT_FOUND when there is none). */
export type ItemRowLookup = (itemId: string) => Promise<StoredItem>;

const STALE_FIELDS: Record<ItemReadKind, StaleField> = { accounts: "accounts", consent_events: "consentEvents" };

/** How often an unchanged Plaid answer has its fetch time brought up to date (one write per Item and kind at most). */
const CONFIRMED_AT_RESOLUTION_MS = 60_000;

const reviveConsentEvents = (data: unknown): ConsentEvent[] =>
  (data as Array<ConsentEvent & { createdAt: string }>).map((event) => ({ ...event, createdAt: new Date(event.createdAt) }));

const toError = (reason: unknown): Error => (reason instanceof Error ? reason : new Error(String(reason)));

/**
 * What Plaid says about Items, read through the gate for one request: /item/get, and the accounts and
 * consent log with Plaid's last answer kept per Item, served (and reported as stale) when Plaid cannot
 * answer: the Item needs its user, Plaid limits the Item's calls, or Plaid is unreachable.
 */
export class ItemPlaidReads {
  constructor(
    private readonly gate: ItemGate,
    private readonly plaid: PlaidDataSource,
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** /item/get for one Item. A failure leaves the stored snapshot to be served: reported as stale here. */
  async item(itemId: string, rowOf: ItemRowLookup, staleData: StaleDataCollector): Promise<PlaidItemState> {
    let stored: StoredItem | null = null;
    try {
      stored = await rowOf(itemId);
      return await this.gate.call(stored, (accessToken) => this.plaid.getItem(accessToken));
    } catch (error) {
      if (stored) staleData.record(itemId, "item", stored.snapshot.syncedAt, staleReason(error) ?? "UPSTREAM_UNAVAILABLE");
      throw error;
    }
  }

  /** /accounts/get for each Item (an Error in place of an Item's answer when there is none to give). */
  accounts(itemIds: readonly string[], rowOf: ItemRowLookup, staleData: StaleDataCollector): Promise<Array<Account[] | Error>> {
    const fetch = async (itemId: string) => this.gate.call(await rowOf(itemId), (accessToken) => this.plaid.getAccounts(accessToken));
    return this.readThrough("accounts", itemIds, fetch, (data) => data as Account[], staleData);
  }

  /** /consent/events/get for each Item, as `accounts`. */
  consentEvents(itemIds: readonly string[], rowOf: ItemRowLookup, staleData: StaleDataCollector): Promise<Array<ConsentEvent[] | Error>> {
    const fetch = async (itemId: string) => this.gate.call(await rowOf(itemId), (accessToken) => this.plaid.getConsentEvents(accessToken, itemId));
    return this.readThrough("consent_events", itemIds, fetch, reviveConsentEvents, staleData);
  }

  /** Keeps Plaid's latest answer for the Item's accounts (served when Plaid cannot answer). */
  async keepAccounts(itemId: string, accounts: Account[]): Promise<void> {
    await this.store.reads.put(itemId, "accounts", accounts, this.now());
  }

  /** Plaid's answer per Item, kept when it changed; the kept answer when Plaid cannot answer. One query for the batch either way. */
  private async readThrough<V>(
    kind: ItemReadKind,
    itemIds: readonly string[],
    fetch: (itemId: string) => Promise<V>,
    revive: (data: unknown) => V,
    staleData: StaleDataCollector,
  ): Promise<Array<V | Error>> {
    const [settled, stored] = await Promise.all([Promise.allSettled(itemIds.map(fetch)), this.store.reads.findMany(kind, itemIds)]);
    const kept = new Map(stored.map((read) => [read.itemId, read]));
    return Promise.all(
      itemIds.map(async (itemId, i) => {
        const result = settled[i]!;
        const previous = kept.get(itemId);
        if (result.status === "fulfilled") {
          await this.keepIfChanged(itemId, kind, result.value, previous);
          return result.value;
        }
        const reason = staleReason(result.reason);
        if (previous && reason) {
          this.logger.info({ itemId, kind, fetchedAt: previous.fetchedAt, reason, err: result.reason }, "serving the last answer Plaid gave");
          staleData.record(itemId, STALE_FIELDS[kind], previous.fetchedAt, reason);
          return revive(previous.data);
        }
        return toError(result.reason);
      }),
    );
  }

  /**
   * Kept when it changed; an unchanged answer only refreshes its time now and then, so the fetchedAt
   * reported with stale data stays close to when Plaid last confirmed it.
   */
  private async keepIfChanged(itemId: string, kind: ItemReadKind, value: unknown, previous: { data: unknown; fetchedAt: Date } | undefined): Promise<void> {
    const now = this.now();
    // The kept answer comes back from jsonb (keys reordered, dates as strings): compare as JSON values.
    const changed = !previous || !isDeepStrictEqual(previous.data, JSON.parse(JSON.stringify(value)));
    if (changed || now.getTime() - previous.fetchedAt.getTime() >= CONFIRMED_AT_RESOLUTION_MS) {
      await this.store.reads.put(itemId, kind, value, now).catch((error) => this.logger.warn({ itemId, kind, err: error }, "could not keep a Plaid answer"));
    }
  }
}
