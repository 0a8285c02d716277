import DataLoader from "dataloader";
import { NotFoundError } from "../domain/errors.js";
import type { StoredItem } from "../domain/stored-item.js";
import type { UserRecord } from "../domain/user.js";
import type { Viewer } from "../domain/viewer.js";
import type { ItemGate } from "./item-gate.js";
import type { ItemPlaidReads } from "./item-plaid-reads.js";
import type { Loaders, RenewableScope } from "./request-scope.js";
import { StaleDataCollector } from "./stale-data.js";
import type { UsersService } from "./users.service.js";

export interface LoaderSources {
  gate: ItemGate;
  reads: ItemPlaidReads;
  users: UsersService;
}

/** The loaders of one request: batch functions over the gate, the Plaid reads and the users. */
function createLoaders({ gate, reads, users }: LoaderSources, staleData: StaleDataCollector): Loaders {
  const storedItem = new DataLoader<string, StoredItem | null>((ids) => gate.findMany(ids));
  const rowOf = async (itemId: string): Promise<StoredItem> => {
    const stored = await storedItem.load(itemId);
    if (!stored) throw new NotFoundError("Item");
    return stored;
  };
  return {
    storedItem,
    user: new DataLoader<string, UserRecord | null>((ids) => users.findMany(ids)),
    accounts: new DataLoader((itemIds) => reads.accounts(itemIds, rowOf, staleData)),
    consentEvents: new DataLoader((itemIds) => reads.consentEvents(itemIds, rowOf, staleData)),
    freshSnapshots: new Map(),
  };
}

/** Opens the scope of one request for the viewer. */
export function openRequestScope(viewer: Viewer, sources: LoaderSources): RenewableScope {
  let user: Promise<UserRecord> | undefined;
  const staleData = new StaleDataCollector();
  const scope: RenewableScope = {
    viewer,
    staleData,
    loaders: createLoaders(sources, staleData),
    user: () => (user ??= sources.users.ensure(viewer.clientUserId)),
    renewLoaders: () => {
      scope.loaders = createLoaders(sources, staleData);
    },
  };
  return scope;
}
