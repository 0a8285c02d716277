import DataLoader from "dataloader";
import type { ConsentEvent } from "../domain/consent.js";
import { NotFoundError } from "../domain/errors.js";
import type { Account, ItemSnapshot, PlaidItemState } from "../domain/item.js";
import type { PlaidDataSource } from "./plaid/plaid-datasource.js";
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
}

/** Runs one call per key, concurrently; a failed key becomes an Error for that key alone. */
function perKey<V>(call: (key: string) => Promise<V>) {
  return async (keys: readonly string[]): Promise<Array<V | Error>> => {
    const settled = await Promise.allSettled(keys.map(call));
    return settled.map((result) => (result.status === "fulfilled" ? result.value : toError(result.reason)));
  };
}

const toError = (reason: unknown): Error => (reason instanceof Error ? reason : new Error(String(reason)));

export function createLoaders({ store, plaid, cipher, forItem }: LoaderDeps): Loaders {
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

  return {
    storedItem,
    user,
    itemGet: new DataLoader(perKey(async (itemId) => forItem(itemId, async () => plaid.getItem(await accessToken(itemId))))),
    accounts: new DataLoader(perKey(async (itemId) => forItem(itemId, async () => plaid.getAccounts(await accessToken(itemId))))),
    consentEvents: new DataLoader(perKey(async (itemId) => forItem(itemId, async () => plaid.getConsentEvents(await accessToken(itemId), itemId)))),
    freshSnapshots: new Map(),
  };
}
