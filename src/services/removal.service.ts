import type { PlaidDataSource } from "../datasources/plaid/plaid-datasource.js";
import { BadInputError, PlaidApiError } from "../domain/errors.js";
import type { ItemSnapshot } from "../domain/item.js";
import { applyRemoval } from "../domain/item-transitions.js";
import type { ItemGate } from "./item-gate.js";
import type { ItemLedger } from "./item-ledger.js";
import type { RequestScope } from "./request-scope.js";

/** Most Items one removeUserItems call takes. */
const MAX_ITEMS_PER_REMOVAL = 100;

/** Removing Items: at Plaid first, then in the store, so a Plaid failure leaves everything as it was. */
export class RemovalService {
  constructor(
    private readonly plaid: PlaidDataSource,
    private readonly gate: ItemGate,
    private readonly ledger: ItemLedger,
  ) {}

  /** Removes one Item at Plaid (/item/remove); the gateway keeps it, REMOVED, with its history and without its token. */
  async removeItem(scope: RequestScope, itemId: string): Promise<ItemSnapshot> {
    await this.gate.callVisible(scope, itemId, async (accessToken) => {
      try {
        await this.plaid.removeItem(accessToken);
      } catch (error) {
        // Plaid no longer knows the Item: it is gone there already, so the removal stands.
        if (!(error instanceof PlaidApiError && error.plaid.errorCode === "ITEM_NOT_FOUND")) throw error;
      }
    });
    return this.ledger.transition(itemId, (current, now) => applyRemoval(current.snapshot, now));
  }

  /**
   * Removes several of the viewer's own Items with one /user/items/remove call. All or nothing: if
   * any id is unknown, already removed or someone else's, nothing is removed anywhere.
   */
  async removeUserItems(scope: RequestScope, itemIds: readonly string[]): Promise<{ removedItemIds: string[]; items: ItemSnapshot[]; requestId: string }> {
    if (itemIds.length === 0) throw new BadInputError("itemIds must name at least one Item", { argument: "itemIds" });
    if (itemIds.length > MAX_ITEMS_PER_REMOVAL) throw new BadInputError(`itemIds can name at most ${MAX_ITEMS_PER_REMOVAL} Items`, { argument: "itemIds" });
    const duplicates = [...new Set(itemIds.filter((id, index) => itemIds.indexOf(id) !== index))];
    if (duplicates.length > 0) throw new BadInputError(`itemIds lists these Items more than once: ${duplicates.join(", ")}`, { argument: "itemIds", itemIds: duplicates });

    const refused = await this.gate.notOwnLive(scope, itemIds);
    if (refused.length > 0) {
      throw new BadInputError(`Nothing was removed: these are not Items of yours that can be removed: ${refused.join(", ")}`, { argument: "itemIds", itemIds: refused });
    }
    const user = await scope.user();
    if (!user.plaidUserId) {
      throw new BadInputError("These Items are not associated with a Plaid user; remove them one at a time with removeItem", { argument: "itemIds" });
    }

    const requestId = await this.plaid.removeUserItems(user.plaidUserId, [...itemIds]);
    const items = await this.ledger.transitionAll(itemIds, (current, now) => applyRemoval(current.snapshot, now));
    return { removedItemIds: [...itemIds], items, requestId };
  }
}
