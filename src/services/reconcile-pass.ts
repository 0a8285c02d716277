import type { SweepBudget } from "../domain/reconcile-budget.js";
import type { Logger } from "../logger.js";

/** What became of one Item the sweep looked at. */
export type SweepOutcome = "confirmed" | "changed" | "skipped" | "failed" | "backoff";

/**
 * One pass of the reconciliation sweep, for its log line: from the first look at the queue until
 * nothing is due, or until as many Items have been handled as were live when it began.
 */
export class SweepPass {
  private active = false;
  private startedAt = 0;
  private live = 0;
  private lagSeconds = 0;
  private readonly counts: Record<SweepOutcome, number> = { confirmed: 0, changed: 0, skipped: 0, failed: 0, backoff: 0 };

  constructor(private readonly logger: Logger) {}

  /** Starts a pass unless one is running. */
  begin(live: number, lagSeconds: number): void {
    if (this.active) return;
    this.active = true;
    this.startedAt = performance.now();
    this.live = live;
    this.lagSeconds = lagSeconds;
    for (const outcome of Object.keys(this.counts) as SweepOutcome[]) this.counts[outcome] = 0;
  }

  record(outcome: SweepOutcome): void {
    this.counts[outcome]++;
  }

  /** As many Items handled (confirmed or failed) as were live at the start. */
  complete(): boolean {
    return this.handled() >= Math.max(1, this.live);
  }

  /** Ends the pass with one log line, when it handled anything (`budget` null: the sweep stopped). */
  end(budget: SweepBudget | null): void {
    if (!this.active) return;
    this.active = false;
    if (this.handled() === 0) return;
    const { confirmed, changed, skipped, failed, backoff } = this.counts;
    const line = {
      confirmed: confirmed + changed,
      changed,
      failed: failed + backoff,
      skipped,
      liveItems: this.live,
      lagSecondsAtStart: Math.round(this.lagSeconds),
      durationMs: Math.round(performance.now() - this.startedAt),
      spacingMs: budget ? Math.round(budget.spacingMs) : undefined,
    };
    if (budget && !budget.keepsInterval) {
      this.logger.warn(line, "reconciliation pass: ITEM_RECONCILE_MAX_SHARE of Plaid's limit cannot confirm every live Item within ITEM_RECONCILE_INTERVAL_SECONDS");
    } else {
      this.logger.info(line, "reconciliation pass");
    }
  }

  private handled(): number {
    const { confirmed, changed, failed, backoff } = this.counts;
    return confirmed + changed + failed + backoff;
  }
}
