import { LRUCache } from "lru-cache";
import type { PlaidDataSource } from "../datasources/plaid/plaid-datasource.js";
import type { PlaidItemState } from "../domain/item.js";
import type { Logger } from "../logger.js";
import type { ItemGate } from "./item-gate.js";
import type { ItemLedger } from "./item-ledger.js";
import type { ReconcileObserver } from "./reconcile-observer.js";

/**
 * After an update (done, refused or unanswered) the Item's webhook is not updated again for this long,
 * so two instances told different PUBLIC_URLs (a rolling deploy that changes it) cannot keep an Item
 * going back and forth.
 */
const RETRY_AFTER_MS = 10 * 60_000;
/** Items whose last update is remembered at most. */
const MAX_REMEMBERED_UPDATES = 10_000;

export interface WebhookRepairOptions {
  /** WEBHOOK_URL_REPAIR. */
  enabled: boolean;
  /**
   * Where Plaid sends this gateway's webhooks (PUBLIC_URL/webhooks/plaid); null until the server
   * listens, and always when Plaid cannot reach the gateway (no PUBLIC_URL, or a loopback one).
   */
  webhookUrl: () => string | null;
  /** Milliseconds on a clock that never goes back; default performance.now. */
  now?: () => number;
}

/**
 * Keeps every Item's webhook at Plaid pointed at this gateway. Each /item/get answer the gateway stores
 * is checked: a webhook that is not PUBLIC_URL/webhooks/plaid (the gateway moved, PUBLIC_URL changed,
 * someone pointed it elsewhere) is fixed with /item/webhook/update, and Plaid acknowledges at the new URL
 * with WEBHOOK_UPDATE_ACKNOWLEDGED. At most one update per Item every ten minutes on an instance, and
 * none while the gateway has no address Plaid can reach.
 */
export class ItemWebhookRepair {
  private readonly running = new Map<string, Promise<void>>();
  private readonly updatedAt: LRUCache<string, number>;
  private readonly now: () => number;

  constructor(
    private readonly gate: ItemGate,
    private readonly ledger: ItemLedger,
    private readonly plaid: PlaidDataSource,
    private readonly logger: Logger,
    private readonly observer: ReconcileObserver,
    private readonly options: WebhookRepairOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
    this.updatedAt = new LRUCache({ max: MAX_REMEMBERED_UPDATES });
  }

  /** Checks what /item/get said of the Item; a webhook that is not this gateway's is fixed in the background. */
  check(itemId: string, read: PlaidItemState): void {
    const target = this.options.webhookUrl();
    if (!this.options.enabled || !target || read.webhookUrl === target || this.running.has(itemId)) return;
    // Plaid refuses /item/webhook/update while the Item needs its user: the first read after the repair tries again.
    if (read.error) return;
    const updated = this.updatedAt.get(itemId);
    if (updated !== undefined && this.now() - updated < RETRY_AFTER_MS) return;
    this.updatedAt.set(itemId, this.now());
    const run = this.repair(itemId, target).finally(() => this.running.delete(itemId));
    this.running.set(itemId, run);
  }

  /** Resolves when no update is running (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  private async repair(itemId: string, target: string): Promise<void> {
    let webhook: string;
    try {
      const stored = await this.gate.live(itemId);
      if (!stored) return;
      webhook = (await this.gate.call(stored, (accessToken) => this.plaid.updateItemWebhook(accessToken, target))) ?? target;
    } catch (error) {
      this.observer.webhookUpdated(false);
      this.logger.warn({ itemId, err: error }, "could not point the Item's webhook at this gateway; an /item/get ten minutes from now or later tries again");
      return;
    }
    this.observer.webhookUpdated(true);
    this.logger.info({ itemId, webhook }, "pointed the Item's webhook at this gateway");
    // Plaid's acknowledgement arrives as a webhook too; the stored snapshot need not wait for it.
    await this.ledger
      .transition(itemId, (current) => ({
        snapshot: current.snapshot.status === "REMOVED" || current.snapshot.webhookUrl === webhook ? current.snapshot : { ...current.snapshot, webhookUrl: webhook },
        event: null,
      }))
      .catch((error: unknown) => this.logger.warn({ itemId, err: error }, "could not store the Item's new webhook; the next /item/get will"));
  }
}
