import type { PlaidDataSource } from "../datasources/plaid/plaid-datasource.js";
import type { Logger } from "../logger.js";
import type { ItemGate } from "./item-gate.js";
import type { ItemLedger } from "./item-ledger.js";

/**
 * Confirms Items with /item/get in the background, after a webhook was applied. One read per Item at
 * a time; a request that arrives while one runs is served by one more read afterwards, so a burst of
 * webhooks for an Item costs at most two Plaid calls and the last read always follows the last webhook.
 */
export class ItemReconciler {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();

  constructor(
    private readonly gate: ItemGate,
    private readonly ledger: ItemLedger,
    private readonly plaid: PlaidDataSource,
    private readonly logger: Logger,
  ) {}

  schedule(itemId: string): void {
    if (this.running.has(itemId)) {
      this.again.add(itemId);
      return;
    }
    const run = this.reconcile(itemId).finally(() => {
      this.running.delete(itemId);
      if (this.again.delete(itemId)) this.schedule(itemId);
    });
    this.running.set(itemId, run);
  }

  /** Resolves when no reconciliation is running (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  private async reconcile(itemId: string): Promise<void> {
    try {
      const stored = await this.gate.live(itemId);
      if (!stored) return;
      const read = await this.gate.call(stored, (accessToken) => this.plaid.getItem(accessToken));
      await this.ledger.applyPlaidRead(itemId, read, "RECONCILED");
    } catch (error) {
      this.logger.warn({ itemId, err: error }, "could not confirm an Item with Plaid after a webhook");
    }
  }
}
