import type { PlaidDataSource } from "../datasources/plaid/plaid-datasource.js";
import type { Logger } from "../logger.js";
import type { ItemGate } from "./item-gate.js";
import type { ItemLedger } from "./item-ledger.js";

/** How long after a received-again webhook confirmed an Item no other received-again webhook does. */
const REPLAY_COOL_DOWN_MS = 60_000;
/** Items whose cool-down is remembered at most; beyond that the oldest is forgotten first. */
const REPLAY_COOL_DOWN_ITEMS = 10_000;

export interface ItemReconcilerOptions {
  /** Default REPLAY_COOL_DOWN_MS. */
  replayCoolDownMs?: number;
  /** Default REPLAY_COOL_DOWN_ITEMS. */
  maxCoolingItems?: number;
  /** Milliseconds on a clock that never goes back; default performance.now. */
  now?: () => number;
}

/**
 * Confirms Items with /item/get in the background, after a webhook was applied. One read per Item at
 * a time; a request that arrives while one runs is served by one more read afterwards, so a burst of
 * webhooks for an Item costs at most two Plaid calls and the last read always follows the last webhook.
 */
export class ItemReconciler {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly coolDown: ReplayCoolDown;

  constructor(
    private readonly gate: ItemGate,
    private readonly ledger: ItemLedger,
    private readonly plaid: PlaidDataSource,
    private readonly logger: Logger,
    options: ItemReconcilerOptions = {},
  ) {
    this.coolDown = new ReplayCoolDown(
      options.replayCoolDownMs ?? REPLAY_COOL_DOWN_MS,
      options.maxCoolingItems ?? REPLAY_COOL_DOWN_ITEMS,
      options.now ?? (() => performance.now()),
    );
  }

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

  /**
   * After a webhook whose body was received before. It may be a new event (a login that breaks again
   * after a repair sends the same ERROR) or a replay; replays must not spend the Item's /item/get rate
   * limit at Plaid, so such webhooks confirm an Item at most once per cool-down.
   */
  scheduleAfterDuplicate(itemId: string): void {
    if (this.coolDown.enter(itemId)) this.schedule(itemId);
    else this.logger.debug({ itemId }, "webhook received again during the Item's cool-down: not confirmed with Plaid");
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

/** When each Item's cool-down started, oldest first; bounded, so replays for many Items cannot grow it. */
class ReplayCoolDown {
  private readonly startedAt = new Map<string, number>();

  constructor(
    private readonly lengthMs: number,
    private readonly maxItems: number,
    private readonly now: () => number,
  ) {}

  /** Starts the Item's cool-down and answers true, unless one is still running. */
  enter(itemId: string): boolean {
    const now = this.now();
    const started = this.startedAt.get(itemId);
    if (started !== undefined && now - started < this.lengthMs) return false;
    this.startedAt.delete(itemId);
    this.forgetEnded(now);
    this.startedAt.set(itemId, now);
    return true;
  }

  private forgetEnded(now: number): void {
    for (const [itemId, started] of this.startedAt) {
      if (now - started < this.lengthMs && this.startedAt.size < this.maxItems) return;
      this.startedAt.delete(itemId);
    }
  }
}
