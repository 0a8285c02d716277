import type { Store } from "../datasources/store/store.js";

export interface WebhookArrivalOptions {
  /** Longest to wait for the webhook (default 5 s). */
  timeoutMs?: number;
  /** How often the store is asked meanwhile (default 50 ms). */
  pollMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Waits for a webhook an action makes Plaid send (Sandbox helpers): until one more receipt for the
 * Item and code is in the store, whichever instance took it in. A receipt is written in the same
 * transaction that applies the webhook, so once it is there the Item already shows its effect.
 */
export class WebhookArrival {
  private readonly timeoutMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly store: Store,
    options: WebhookArrivalOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.pollMs = options.pollMs ?? 50;
  }

  /** Runs the action, then waits for its webhook; answers whether it arrived in time. */
  async after(itemId: string, webhookCode: string, action: () => Promise<unknown>): Promise<boolean> {
    const before = await this.store.webhookReceipts.countFor(itemId, webhookCode);
    await action();
    const deadline = Date.now() + this.timeoutMs;
    while (Date.now() < deadline) {
      await sleep(this.pollMs);
      if ((await this.store.webhookReceipts.countFor(itemId, webhookCode)) > before) return true;
    }
    return false;
  }
}
