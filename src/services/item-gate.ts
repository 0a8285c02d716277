import type { Store } from "../datasources/store/store.js";
import { openAccessToken, type TokenCipher } from "../datasources/store/token-cipher.js";
import { BadInputError, NotFoundError, PlaidApiError } from "../domain/errors.js";
import type { StoredItem } from "../domain/stored-item.js";
import type { ItemLedger } from "./item-ledger.js";
import type { ItemReadCache } from "./item-read-cache.js";
import type { RequestScope } from "./request-scope.js";

/** How every refusal to act on a removed Item reads. */
const REMOVED_ITEM_MESSAGE = "The Item is already removed: link the institution again to connect it";

/** A Plaid call for one Item, given the Item's decrypted access token (which never leaves the server). */
export type ItemCall<T> = (accessToken: string) => Promise<T>;

/**
 * The gate to Items and to Plaid about them. It decides which Items a viewer may see (their own, or
 * any for an admin; another user's Item reads exactly like a missing one) and runs every Item-scoped
 * Plaid call: visible → not removed → open the access token → call → learn from an Item error.
 */
export class ItemGate {
  constructor(
    private readonly store: Store,
    private readonly cipher: TokenCipher,
    private readonly ledger: ItemLedger,
    private readonly cache: ItemReadCache,
  ) {}

  /** The stored Item if the viewer may see it, else null. */
  async visible(scope: RequestScope, itemId: string): Promise<StoredItem | null> {
    const stored = await scope.loaders.storedItem.load(itemId);
    if (!stored) return null;
    if (scope.viewer.isAdmin) return stored;
    const user = await scope.user();
    return stored.snapshot.userId === user.id ? stored : null;
  }

  /** The stored Item if the viewer may see it; NOT_FOUND otherwise, exactly as for a missing Item. */
  async require(scope: RequestScope, itemId: string): Promise<StoredItem> {
    const stored = await this.visible(scope, itemId);
    if (!stored) throw new NotFoundError("Item");
    return stored;
  }

  /** The visible Item as the store has it now, past this request's and this instance's caches (after work another instance may have done). */
  async requireCurrent(scope: RequestScope, itemId: string): Promise<StoredItem> {
    const visible = await this.require(scope, itemId);
    return (await this.store.items.findById(itemId)) ?? visible;
  }

  /** The stored Item if the viewer may act on it at Plaid: visible and not removed. */
  async requireLive(scope: RequestScope, itemId: string): Promise<StoredItem> {
    const stored = await this.require(scope, itemId);
    if (stored.snapshot.status === "REMOVED") throw new BadInputError(REMOVED_ITEM_MESSAGE, { argument: "itemId" });
    return stored;
  }

  /**
   * The ids that are not the viewer's own live Items, admins included (bulk actions are the owner's):
   * unknown, someone else's and removed ids read alike, so nobody learns whether another user's Item exists.
   */
  async notOwnLive(scope: RequestScope, itemIds: readonly string[]): Promise<string[]> {
    const user = await scope.user();
    const stored = await this.findMany(itemIds);
    return itemIds.filter((_id, i) => {
      const item = stored[i];
      return !item || item.snapshot.userId !== user.id || item.snapshot.status === "REMOVED";
    });
  }

  /** A visible, live Item's Plaid call: `requireLive`, then `call`. */
  async callVisible<T>(scope: RequestScope, itemId: string, call: ItemCall<T>): Promise<T> {
    return this.call(await this.requireLive(scope, itemId), call);
  }

  /** Stored Items by id, in the order asked (null where there is none); visibility is the caller's `visible`. */
  findMany(itemIds: readonly string[]): Promise<Array<StoredItem | null>> {
    return this.cache.rowsByIds(itemIds, (missing) => this.store.items.findByIds(missing));
  }

  /** For work no viewer asked for (confirmations after webhooks): the Item by id while it is live, else null. */
  async live(itemId: string): Promise<StoredItem | null> {
    const stored = await this.store.items.findById(itemId);
    return stored?.accessToken && stored.snapshot.status !== "REMOVED" ? stored : null;
  }

  /**
   * Calls Plaid for the Item with its access token. When Plaid answers with an error about the Item
   * itself (login required, permission revoked, Item gone), the Item's status follows before the error
   * goes on. A removed Item has no token left and reads as not found.
   */
  async call<T>(item: StoredItem, call: ItemCall<T>): Promise<T> {
    const accessToken = openAccessToken(this.cipher, item);
    try {
      return await call(accessToken);
    } catch (error) {
      if (error instanceof PlaidApiError) await this.ledger.recordCallError(item.snapshot.itemId, error);
      throw error;
    }
  }
}
