import DataLoader from "dataloader";
import type { ConsentEvent } from "../domain/consent.js";
import { GatewayError, NotFoundError, PlaidApiError } from "../domain/errors.js";
import { statusForCallError } from "../domain/item-transitions.js";
import type { Logger } from "../logger.js";
import type { Account, ItemSnapshot, PlaidItemState } from "../domain/item.js";
import type { PlaidDataSource } from "./plaid/plaid-datasource.js";
import type { ItemReadKind } from "./store/item-reads-repository.js";
import type { StoredItem } from "./store/items-repository.js";
import type { Store } from "./store/store.js";
import type { TokenCipher } from "./store/token-cipher.js";
import type { UserRecord } from "./store/users-repository.js";

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
}

/**
 * Failures after which the last answer Plaid gave is served instead: the Item needs its user, Plaid
 * limits the Item's calls, or Plaid is unreachable. Anything else (no access token, a token that does
 * not decrypt, an invalid request) is an error the client sees.
 */
function servesStoredAnswer(error: unknown): boolean {
  if (error instanceof PlaidApiError) return error.code === "RATE_LIMITED" || statusForCallError(error.plaid) !== null || error.httpStatus >= 500;
  return error instanceof GatewayError && error.code === "UPSTREAM_UNAVAILABLE";
}

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

export function createLoaders({ store, plaid, cipher, forItem, logger }: LoaderDeps): Loaders {
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
    if (!stored?.accessToken) throw new NotFoundError("Item");
    return cipher.open(stored.accessToken, itemId);
  };

  /**
   * Plaid's answer per Item, kept in the store when it changed; when Plaid cannot answer, the kept
   * answer (one query for the whole batch either way).
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
            if (!previous || JSON.stringify(previous.data) !== JSON.stringify(result.value)) {
              await store.reads.put(itemId, kind, result.value, new Date()).catch((error) => logger.warn({ itemId, kind, err: error }, "could not keep a Plaid answer"));
            }
            return result.value;
          }
          if (previous && servesStoredAnswer(result.reason)) {
            logger.info({ itemId, kind, fetchedAt: previous.fetchedAt, err: result.reason }, "serving the last answer Plaid gave");
            return revive(previous.data);
          }
          return toError(result.reason);
        }),
      );
    };

  return {
    storedItem,
    user,
    itemGet: new DataLoader(perKey(async (itemId) => forItem(itemId, async () => plaid.getItem(await accessToken(itemId))))),
    accounts: new DataLoader(
      readThrough("accounts", async (itemId) => forItem(itemId, async () => plaid.getAccounts(await accessToken(itemId))), (data) => data as Account[]),
    ),
    consentEvents: new DataLoader(
      readThrough("consent_events", async (itemId) => forItem(itemId, async () => plaid.getConsentEvents(await accessToken(itemId), itemId)), reviveConsentEvents),
    ),
    freshSnapshots: new Map(),
  };
}
