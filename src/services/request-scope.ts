import type DataLoader from "dataloader";
import type { ConsentEvent } from "../domain/consent.js";
import type { Account, ItemSnapshot } from "../domain/item.js";
import type { StoredItem } from "../domain/stored-item.js";
import type { UserRecord } from "../domain/user.js";
import type { Viewer } from "../domain/viewer.js";
import type { StaleDataCollector } from "./stale-data.js";

/** Per-request loaders: each distinct (Plaid endpoint, Item) and each row is fetched at most once per request. */
export interface Loaders {
  storedItem: DataLoader<string, StoredItem | null>;
  user: DataLoader<string, UserRecord | null>;
  accounts: DataLoader<string, Account[]>;
  consentEvents: DataLoader<string, ConsentEvent[]>;
  /** Snapshots already brought up to date in this request, so a second look neither calls Plaid nor writes again. */
  freshSnapshots: Map<string, Promise<ItemSnapshot>>;
}

/** What one request carries through the services: who asks, its per-request loaders and what it served stale. */
export interface RequestScope {
  viewer: Viewer;
  loaders: Loaders;
  /** What this request served from stored data instead of Plaid's current answer. */
  staleData: StaleDataCollector;
  /** The viewer's user row, created on first use; one lookup per request. */
  user(): Promise<UserRecord>;
}

/** A request's scope that can start over with fresh loaders (a subscription does so for each event it delivers). */
export interface RenewableScope extends RequestScope {
  renewLoaders(): void;
}
