import { isDeepStrictEqual } from "node:util";
import DataLoader from "dataloader";
import type { ConsentEvent } from "../domain/consent.js";
import { NotFoundError } from "../domain/errors.js";
import type { Logger } from "../logger.js";
import type { Account, ItemSnapshot, PlaidItemState } from "../domain/item.js";
import type { PlaidDataSource } from "../datasources/plaid/plaid-datasource.js";
import { staleReason, type StaleDataCollector, type StaleField } from "./stale-data.js";
import type { ItemReadKind } from "../datasources/store/item-reads-repository.js";
import type { StoredItem } from "../domain/stored-item.js";
import type { Store } from "../datasources/store/store.js";
import { openAccessToken, type TokenCipher } from "../datasources/store/token-cipher.js";
import type { UserRecord } from "../domain/user.js";

/** Per-request loaders: each distinct (Plaid endpoint, Item) and each row is fetched at most once per request. */
export interface Loaders {
  storedItem: DataLoader<string, StoredItem | null>;
  user: DataLoader<string, UserRecord | null>;
  itemGet: DataLoader<string, PlaidItemState>;
  accounts: DataLoader<string, Account[]>;
  consentEvents: DataLoader<string, ConsentEvent[]>;
  /** Snapshots already brought up to date in this request, so a second look neither calls Plaid nor writes again. */
  freshSnapshots: Map<string, Promise<ItemSnapshot>>;
}

export interface LoaderDeps {
  store: Store;
  plaid: PlaidDataSource;
  cipher: TokenCipher;
  /** Runs a Plaid call for an Item so that what its failure says about the Item is recorded. */
  forItem: <T>(itemId: string, call: () => Promise<T>) => Promise<T>;
  logger: Logger;
  /** Told what this request serves from stored data instead of Plaid's current answer. */
  staleData?: StaleDataCollector;
}

const STALE_FIELDS: Record<ItemReadKind, StaleField> = { accounts: "accounts", consent_events: "consentEvents" };

/** How often an unchanged Plaid answer has its fetch time brought up to date (one write per Item and kind at most). */
const CONFIRMED_AT_RESOLUTION_MS = 60_000;

const reviveConsentEvents = (data: unknown): ConsentEvent[] =>
  (data as Array<ConsentEvent & { createdAt: string }>).map((event) => ({ ...event, createdAt: new Date(event.createdAt) }));

/** Runs one call per key, concurrently; a failed key becomes an Error for that key alone. */
function perKey<V>(call: (key: string) => Promise<V>) {
  return async (keys: readonly string[]): Promise<Array<V | Error>> => {
    const settled = await Promise.allSettled(keys.map(call));
    return settled.map((result) => (result.status === "fulfilled" ? result.value : toError(result.reason)));
  };
}

const toError = (reason: unknown): Error => (reason instanceof Error ? reason : new Error(String(reason)));

export function createLoaders({ store, plaid, cipher, forItem, logger, staleData }: LoaderDeps): Loaders {
  const storedItem = new DataLoader<string, StoredItem | null>(async (ids) => {
    const rows = await store.items.findByIds(ids);
    const byId = new Map(rows.map((row) => [row.snapshot.itemId, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
  const user = new DataLoader<string, UserRecord | null>(async (ids) => {
    const rows = await store.users.findByIds(ids);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });

  /** The decrypted access token of an Item that still has one. */
  const accessToken = async (itemId: string): Promise<string> => {
    const stored = await storedItem.load(itemId);
    if (!stored) throw new NotFoundError("Item");
    return openAccessToken(cipher, stored);
  };

  /**
   * Plaid's answer per Item, kept in the store when it changed; when Plaid cannot answer (the Item
   * needs its user, Plaid limits the Item's calls, or Plaid is unreachable), the kept answer, reported
   * as stale. One query for the whole batch either way.
   */
  const readThrough =
    <V>(kind: ItemReadKind, fetch: (itemId: string) => Promise<V>, revive: (data: unknown) => V) =>
    async (itemIds: readonly string[]): Promise<Array<V | Error>> => {
      const [settled, stored] = await Promise.all([Promise.allSettled(itemIds.map(fetch)), store.reads.findMany(kind, itemIds)]);
      const kept = new Map(stored.map((read) => [read.itemId, read]));
      return Promise.all(
        itemIds.map(async (itemId, i) => {
          const result = settled[i]!;
          const previous = kept.get(itemId);
          if (result.status === "fulfilled") {
            // Kept when it changed; an unchanged answer only refreshes its time now and then, so the
            // fetchedAt reported with stale data stays close to when Plaid last confirmed it.
            const now = new Date();
            // The kept answer comes back from jsonb (keys reordered, dates as strings): compare as JSON values.
            const changed = !previous || !isDeepStrictEqual(previous.data, JSON.parse(JSON.stringify(result.value)));
            if (changed || now.getTime() - previous.fetchedAt.getTime() >= CONFIRMED_AT_RESOLUTION_MS) {
              await store.reads.put(itemId, kind, result.value, now).catch((error) => logger.warn({ itemId, kind, err: error }, "could not keep a Plaid answer"));
            }
            return result.value;
          }
          const reason = staleReason(result.reason);
          if (previous && reason) {
            logger.info({ itemId, kind, fetchedAt: previous.fetchedAt, reason, err: result.reason }, "serving the last answer Plaid gave");
            staleData?.record(itemId, STALE_FIELDS[kind], previous.fetchedAt, reason);
            return revive(previous.data);
          }
          return toError(result.reason);
        }),
      );
    };

  return {
    storedItem,
    user,
    // A failed refresh leaves the Item's stored snapshot to be served (ItemsService.fresh): reported as stale here.
    itemGet: new DataLoader(
      perKey(async (itemId) => {
        try {
          return await forItem(itemId, async () => plaid.getItem(await accessToken(itemId)));
        } catch (error) {
          const stored = await storedItem.load(itemId).catch(() => null);
          if (stored) staleData?.record(itemId, "item", stored.snapshot.syncedAt, staleReason(error) ?? "UPSTREAM_UNAVAILABLE");
          throw error;
        }
      }),
    ),
    accounts: new DataLoader(
      readThrough(
        "accounts",
        async (itemId) => forItem(itemId, async () => plaid.getAccounts(await accessToken(itemId))),
        (data) => data as Account[],
      ),
    ),
    consentEvents: new DataLoader(
      readThrough("consent_events", async (itemId) => forItem(itemId, async () => plaid.getConsentEvents(await accessToken(itemId), itemId)), reviveConsentEvents),
    ),
    freshSnapshots: new Map(),
  };
}
