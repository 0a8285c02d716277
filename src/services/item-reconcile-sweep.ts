import { ExponentialBackoff, type IBackoff } from "cockatiel";
import { setTimeout as delay } from "node:timers/promises";
import { isTransientFailure, PlaidCircuitOpenError, PlaidCoolDownError } from "../datasources/plaid/plaid-errors.js";
import type { SessionLock } from "../datasources/store/database.js";
import type { Store } from "../datasources/store/store.js";
import { GatewayError } from "../domain/errors.js";
import { sweepBudget, type SweepBudget } from "../domain/reconcile-budget.js";
import type { StoredItem } from "../domain/stored-item.js";
import type { Logger } from "../logger.js";
import type { ItemGate } from "./item-gate.js";
import type { ItemLedger } from "./item-ledger.js";
import type { ItemPlaidReads } from "./item-plaid-reads.js";
import { SweepPass, type SweepOutcome } from "./reconcile-pass.js";
import type { ReconcileObserver } from "./reconcile-observer.js";

/** The session lock held by the one instance that sweeps. */
const LOCK_NAME = "item-reconcile-sweep";
/** Items read from the store at a time, least recently confirmed first. */
const BATCH_SIZE = 100;
/** Longest a sweeper waits before it looks at the queue again, and an instance that does not sweep before it asks for the lock again. */
const MAX_WAIT_MS = 60_000;
/** Shortest wait between two looks at a queue with nothing due. */
const MIN_IDLE_WAIT_MS = 250;
/** Items set aside after a failure of their own, remembered at most. */
const MAX_SET_ASIDE = 10_000;

export interface ReconcileSweepOptions {
  /** ITEM_RECONCILE_INTERVAL_SECONDS, in milliseconds: every live Item is confirmed at least this often. */
  intervalMs: number;
  /** ITEM_RECONCILE_MAX_SHARE: the share of Plaid's per-client /item/get limit the sweep may use. */
  maxShare: number;
}

/**
 * The reconciliation sweep: every live Item is confirmed with /item/get at least once per interval,
 * least recently confirmed first, spread evenly over the interval (see sweepBudget). What Plaid says is
 * applied as any /item/get is: a changed status is recorded and published with cause RECONCILED, and a
 * webhook that is not this gateway's is repaired. Plaid failures and 429s pause the sweep with an
 * exponential backoff. Of several instances sharing one store, only the one holding the store's
 * session lock sweeps; the others ask for it again a few times per interval, so when the sweeper dies
 * (its connection drops and PostgreSQL frees the lock) another takes over within one interval.
 */
export class ItemReconcileSweep {
  private readonly stopping = new AbortController();
  private running: Promise<void> | null = null;
  /** Items whose own confirmation failed, with the time (ms) they may be tried again. */
  private readonly setAside = new Map<string, number>();
  private readonly backoffs: ExponentialBackoff<unknown>;
  private backoff: IBackoff<unknown> | null = null;
  /** When (performance.now) the next confirmation may start. */
  private nextCallAt = 0;
  private readonly pass: SweepPass;

  constructor(
    private readonly store: Store,
    private readonly gate: ItemGate,
    private readonly reads: ItemPlaidReads,
    private readonly ledger: ItemLedger,
    private readonly logger: Logger,
    private readonly observer: ReconcileObserver,
    private readonly options: ReconcileSweepOptions,
  ) {
    this.backoffs = new ExponentialBackoff({ initialDelay: 1_000, maxDelay: Math.min(5 * MAX_WAIT_MS, Math.max(1_000, options.intervalMs / 10)) });
    this.pass = new SweepPass(logger);
  }

  /** Starts asking for the lock, and sweeping whenever this instance holds it. */
  start(): void {
    this.running ??= this.run();
  }

  /** Stops after the confirmation in flight and gives the lock up. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  private async run(): Promise<void> {
    // Asked a few times per interval, so another instance takes over within one interval of the sweeper's end.
    const askAgainMs = Math.min(this.options.intervalMs / 4, MAX_WAIT_MS);
    while (!this.stopping.signal.aborted) {
      const lock = await this.store.db.trySessionLock(LOCK_NAME).catch((error: unknown) => {
        this.logger.warn({ err: error }, "could not ask for the reconciliation sweep's lock; asking again later");
        return null;
      });
      if (lock) await this.sweepWhileHolding(lock);
      else await pause(askAgainMs, this.stopping.signal);
    }
  }

  private async sweepWhileHolding(lock: SessionLock): Promise<void> {
    const signal = AbortSignal.any([this.stopping.signal, lock.lost]);
    this.observer.sweeping(true);
    this.logger.info({ intervalSeconds: this.options.intervalMs / 1000, maxShare: this.options.maxShare }, "this instance runs the reconciliation sweep");
    try {
      while (!signal.aborted && (await lock.stillHeld())) await pause(await this.step(signal), signal);
    } catch (error) {
      this.logger.error({ err: error }, "the reconciliation sweep failed; it starts over");
      await pause(MAX_WAIT_MS, this.stopping.signal);
    } finally {
      this.pass.end(null);
      this.observer.sweeping(false);
      await lock.release();
    }
    if (!this.stopping.signal.aborted) this.logger.warn("this instance no longer runs the reconciliation sweep: it lost its lock's connection");
  }

  /** One look at the queue: the due Items of one batch confirmed, paced; answers how long to wait before the next look. */
  private async step(signal: AbortSignal): Promise<number> {
    let budget: SweepBudget;
    let rows: StoredItem[];
    try {
      const now = Date.now();
      const backlog = await this.store.items.confirmationBacklog();
      const lagSeconds = backlog.oldestSyncedAt ? Math.max(0, (now - backlog.oldestSyncedAt.getTime()) / 1000) : 0;
      this.observer.lag(lagSeconds);
      budget = sweepBudget(this.options.intervalMs, backlog.live, this.options.maxShare);
      this.pass.begin(backlog.live, lagSeconds);
      rows = await this.store.items.listLeastRecentlyConfirmed(BATCH_SIZE, this.setAsideIds(now));
    } catch (error) {
      return this.pauseAfter(error);
    }
    const due = rows.filter((row) => Date.now() - row.snapshot.syncedAt.getTime() >= budget.minAgeMs);
    if (due.length === 0) {
      this.pass.end(budget);
      return this.idleWait(rows[0], budget);
    }
    let handled = 0;
    for (const row of due) {
      await pause(this.nextCallAt - performance.now(), signal);
      if (signal.aborted) return 0;
      const outcome = await this.confirm(row.snapshot.itemId, budget);
      this.pass.record(outcome.kind);
      if (outcome.kind === "backoff") return this.pauseAfter(outcome.error);
      if (outcome.kind === "skipped") continue;
      handled++;
      this.backoff = null;
      if (this.pass.complete()) this.pass.end(budget);
    }
    // A batch whose Items were all confirmed elsewhere meanwhile: look again shortly, not at once.
    return handled > 0 ? 0 : MIN_IDLE_WAIT_MS;
  }

  /** Confirms one Item with Plaid through the usual path (gate, shared /item/get, ledger), unless it is no longer due. */
  private async confirm(itemId: string, budget: SweepBudget): Promise<{ kind: SweepOutcome; error?: unknown }> {
    try {
      const stored = await this.gate.live(itemId);
      // Removed (or without an access token), or confirmed by another path since the queue was read: not due any more.
      if (!stored) this.setAsideUntil(itemId, Date.now() + budget.minAgeMs);
      if (!stored || Date.now() - stored.snapshot.syncedAt.getTime() < budget.minAgeMs) return { kind: "skipped" };
      this.nextCallAt = performance.now() + budget.spacingMs;
      const read = await this.reads.itemState(stored);
      const snapshot = await this.ledger.applyPlaidRead(itemId, read, "RECONCILED");
      const changed = snapshot.status !== stored.snapshot.status;
      this.observer.confirmed(changed);
      return { kind: changed ? "changed" : "confirmed" };
    } catch (error) {
      this.observer.failed();
      if (affectsEveryItem(error)) return { kind: "backoff", error };
      this.setAsideUntil(itemId, Date.now() + budget.minAgeMs);
      this.logger.info({ itemId, err: error }, "could not confirm an Item with Plaid; the sweep tries it again later");
      return { kind: "failed" };
    }
  }

  /** How long to pause after Plaid or the store failed: an exponential backoff, at least until an open circuit half-opens. */
  private pauseAfter(error: unknown): number {
    this.backoff = (this.backoff ?? this.backoffs).next(undefined);
    const circuit = error instanceof PlaidCircuitOpenError ? error.retryAt.getTime() - Date.now() : 0;
    const delayMs = Math.max(this.backoff.duration, circuit);
    this.logger.warn({ err: error, delayMs: Math.round(delayMs) }, "the reconciliation sweep pauses: Plaid or the store failed");
    return delayMs;
  }

  /** With nothing due: until the least recently confirmed Item (or one set aside) is due, within bounds. */
  private idleWait(next: StoredItem | undefined, budget: SweepBudget): number {
    const now = Date.now();
    const dueAt = next ? next.snapshot.syncedAt.getTime() + budget.minAgeMs : Infinity;
    const retryAt = Math.min(Infinity, ...this.setAside.values());
    const wait = Math.min(dueAt, retryAt) - now;
    return Math.min(Math.max(wait, MIN_IDLE_WAIT_MS), MAX_WAIT_MS, budget.minAgeMs);
  }

  private setAsideUntil(itemId: string, until: number): void {
    this.setAside.delete(itemId);
    if (this.setAside.size >= MAX_SET_ASIDE) this.setAside.delete(this.setAside.keys().next().value!);
    this.setAside.set(itemId, until);
  }

  /** The Items still set aside (those whose time has come are let back in). */
  private setAsideIds(now: number): string[] {
    for (const [itemId, until] of this.setAside) if (until <= now) this.setAside.delete(itemId);
    return [...this.setAside.keys()];
  }
}

/**
 * A failure that says Plaid or the store is unwell, or Plaid limits the whole client: the sweep backs
 * off. One Item's own trouble (its 429 cool-down, an error about it) only sets that Item aside.
 */
function affectsEveryItem(error: unknown): boolean {
  if (error instanceof PlaidCoolDownError) return false;
  if (isTransientFailure(error)) return true;
  return error instanceof GatewayError && ["RATE_LIMITED", "UPSTREAM_UNAVAILABLE", "STORE_UNAVAILABLE"].includes(error.code);
}

/** Waits, unless told to stop (then at once). Never keeps the process alive by itself. */
async function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return;
  await delay(ms, undefined, { signal, ref: false }).catch(() => {});
}
