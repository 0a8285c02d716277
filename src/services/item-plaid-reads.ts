import { LRUCache } from "lru-cache";
import type { PlaidDataSource } from "../datasources/plaid/plaid-datasource.js";
import type { ItemReadKind } from "../datasources/store/item-reads-repository.js";
import type { Store } from "../datasources/store/store.js";
import type { ConsentEvent } from "../domain/consent.js";
import { aboutItem, GatewayError } from "../domain/errors.js";
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

/** JSON with every object's keys in order: the same for an answer and for what jsonb gives back of it. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(
          Object.keys(inner)
            .sort()
            .map((name) => [name, (inner as Record<string, unknown>)[name]]),
        )
      : inner,
  );
}

/** Plaid answers kept per instance: the JSON last kept per (kind, Item) and when, so an unchanged answer needs no store read. */
const MAX_KEPT_FINGERPRINTS = 50_000;

interface KeptFingerprint {
  json: string;
  fetchedAt: number;
}

/**
 * What Plaid says about Items, read through the gate for one request: /item/get, and the accounts and
 * consent log with Plaid's last answer kept per Item, served (and reported as stale) when Plaid cannot
 * answer: the Item needs its user, Plaid limits the Item's calls, or Plaid is unreachable. Requests
 * that want the same (endpoint, Item) at the same time share one call to Plaid.
 */
export class ItemPlaidReads {
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly kept = new LRUCache<string, KeptFingerprint>({ max: MAX_KEPT_FINGERPRINTS });

  constructor(
    private readonly gate: ItemGate,
    private readonly plaid: PlaidDataSource,
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** /item/get for a stored Item, shared by every request asking for it meanwhile. */
  itemState(stored: StoredItem): Promise<PlaidItemState> {
    return this.shared(`/item/get ${stored.snapshot.itemId}`, () => this.gate.call(stored, (accessToken) => this.plaid.getItem(accessToken)));
  }

  /** /accounts/get for each Item (an Error in place of an Item's answer when there is none to give). */
  accounts(itemIds: readonly string[], rowOf: ItemRowLookup, staleData: StaleDataCollector): Promise<Array<Account[] | Error>> {
    const fetch = (stored: StoredItem) => this.gate.call(stored, (accessToken) => this.plaid.getAccounts(accessToken));
    return this.readThrough("accounts", itemIds, rowOf, fetch, (data) => data as Account[], staleData);
  }

  /** /consent/events/get for each Item, as `accounts`. */
  consentEvents(itemIds: readonly string[], rowOf: ItemRowLookup, staleData: StaleDataCollector): Promise<Array<ConsentEvent[] | Error>> {
    const fetch = (stored: StoredItem) => this.gate.call(stored, (accessToken) => this.plaid.getConsentEvents(accessToken, stored.snapshot.itemId));
    return this.readThrough("consent_events", itemIds, rowOf, fetch, reviveConsentEvents, staleData);
  }

  /** Keeps Plaid's latest answer for the Item's accounts (served when Plaid cannot answer). */
  async keepAccounts(itemId: string, accounts: Account[]): Promise<void> {
    const now = this.now();
    await this.store.reads.put(itemId, "accounts", accounts, now);
    this.kept.set(`accounts ${itemId}`, { json: canonicalJson(accounts), fetchedAt: now.getTime() });
  }

  /** One call per key at a time: a request that finds one running waits for its answer. */
  private shared<V>(key: string, call: () => Promise<V>): Promise<V> {
    const running = this.inFlight.get(key) as Promise<V> | undefined;
    if (running) return running;
    const started = call().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }

  /** Plaid's answer per Item, kept when it changed; the kept answer when Plaid cannot answer (one store query for those). */
  private async readThrough<V>(
    kind: ItemReadKind,
    itemIds: readonly string[],
    rowOf: ItemRowLookup,
    fetch: (stored: StoredItem) => Promise<V>,
    revive: (data: unknown) => V,
    staleData: StaleDataCollector,
  ): Promise<Array<V | Error>> {
    const settled = await Promise.allSettled(
      itemIds.map((itemId) =>
        this.shared(`${kind} ${itemId}`, async () => {
          const value = await fetch(await rowOf(itemId));
          await this.keepIfChanged(itemId, kind, value);
          return value;
        }),
      ),
    );
    const unanswered = itemIds.filter((itemId, i) => settled[i]!.status === "rejected" && staleReason((settled[i] as PromiseRejectedResult).reason));
    const kept = new Map(unanswered.length > 0 ? (await this.store.reads.findMany(kind, unanswered)).map((read) => [read.itemId, read]) : []);
    return itemIds.map((itemId, i) => {
      const result = settled[i]!;
      if (result.status === "fulfilled") return result.value;
      const reason = staleReason(result.reason);
      const previous = kept.get(itemId);
      if (!previous || !reason) return this.unanswered(itemId, kind, result.reason);
      this.logger.info({ itemId, kind, fetchedAt: previous.fetchedAt, reason, err: result.reason }, "serving the last answer Plaid gave");
      staleData.record(itemId, STALE_FIELDS[kind], previous.fetchedAt, reason);
      return revive(previous.data);
    });
  }

  /**
   * The error that stands in for one Item's answer: it names the Item, so a client reading a list of Items
   * knows which one's field is null. What is not the gateway's own error is logged here and shown masked.
   */
  private unanswered(itemId: string, kind: ItemReadKind, reason: unknown): GatewayError {
    if (reason instanceof GatewayError) return aboutItem(reason, itemId);
    this.logger.error({ itemId, kind, err: reason }, "unexpected error while reading from Plaid");
    return new GatewayError("INTERNAL_SERVER_ERROR", "Internal server error", { itemId });
  }

  /**
   * Kept when it changed; an unchanged answer only refreshes its time now and then, so the fetchedAt
   * reported with stale data stays close to when Plaid last confirmed it. What was kept is remembered,
   * so the store is read for it once per Item, not once per answer.
   */
  private async keepIfChanged(itemId: string, kind: ItemReadKind, value: unknown): Promise<void> {
    const key = `${kind} ${itemId}`;
    const json = canonicalJson(value);
    const previous = this.kept.get(key) ?? (await this.storedFingerprint(itemId, kind));
    const now = this.now().getTime();
    const changed = !previous || previous.json !== json;
    if (!changed && now - previous.fetchedAt < CONFIRMED_AT_RESOLUTION_MS) {
      this.kept.set(key, previous);
      return;
    }
    try {
      await this.store.reads.put(itemId, kind, value, new Date(now));
      this.kept.set(key, { json, fetchedAt: now });
    } catch (error) {
      this.logger.warn({ itemId, kind, err: error }, "could not keep a Plaid answer");
    }
  }

  /** What the store keeps for the Item, as the JSON this instance would write for it (jsonb reorders keys). */
  private async storedFingerprint(itemId: string, kind: ItemReadKind): Promise<KeptFingerprint | undefined> {
    const [stored] = await this.store.reads.findMany(kind, [itemId]).catch(() => []);
    return stored ? { json: canonicalJson(stored.data), fetchedAt: stored.fetchedAt.getTime() } : undefined;
  }
}
