import type { WebhookEnvelope } from "../datasources/plaid/plaid-webhook-mapping.js";
import type { Queryable } from "../datasources/store/database.js";
import type { Store } from "../datasources/store/store.js";
import type { WebhookOutcome } from "../datasources/store/webhook-receipts-repository.js";
import type { ItemEvent, NewItemEvent } from "../domain/item-event.js";
import { applyItemWebhook, confirmedWithPlaid, type WebhookTransition } from "../domain/item-webhooks.js";
import type { ItemChange } from "./item-event-ports.js";
import type { ItemLedger, StagedTransition } from "./item-ledger.js";

/** A verified webhook waiting to be taken in. */
export interface WebhookJob {
  bodySha256: string;
  envelope: WebhookEnvelope;
  receivedAt: Date;
}

/** What a webhook did, once the transaction that took it in committed. */
export interface WebhookDecision {
  outcome: WebhookOutcome | "duplicate";
  event: ItemEvent | null;
  change: ItemChange | null;
  /** Confirm the Item with /item/get now. */
  reconcile: boolean;
}

/** A decision inside the transaction, its event not yet appended. */
type Staged = Omit<WebhookDecision, "event"> & { event: NewItemEvent | null };

const nothing = { event: null, change: null, reconcile: false };

/**
 * Takes in webhooks that arrived together in one transaction: the receipts (deduplicated by body hash),
 * the Items' transitions and their events, so the log's lock and the commit are paid once for all. When
 * that transaction fails for a reason of its own, each webhook is taken in again on a savepoint of a
 * second one: a webhook that fails there is kept out alone, and the others still commit.
 */
export class WebhookBatchWriter {
  constructor(
    private readonly store: Store,
    private readonly ledger: ItemLedger,
  ) {}

  /** Per job, in the order given, its decision once committed, or the error that kept it out. */
  async write(jobs: readonly WebhookJob[]): Promise<Array<WebhookDecision | Error>> {
    let started = false;
    try {
      return await this.store.db.transaction(async (tx) => {
        started = true;
        return this.append(tx, await this.stage(tx, jobs));
      });
    } catch (error) {
      // No transaction could start (the store is unreachable): every webhook fails alike, at once.
      if (!started || jobs.length === 1) return jobs.map(() => asError(error));
      return this.writeEachOnItsOwn(jobs);
    }
  }

  private async writeEachOnItsOwn(jobs: readonly WebhookJob[]): Promise<Array<WebhookDecision | Error>> {
    try {
      return await this.store.db.transaction(async (tx) => {
        const staged: Array<Staged | Error> = [];
        for (const job of jobs) {
          await tx.query("SAVEPOINT webhook");
          try {
            staged.push((await this.stage(tx, [job]))[0]!);
            await tx.query("RELEASE SAVEPOINT webhook");
          } catch (error) {
            await tx.query("ROLLBACK TO SAVEPOINT webhook");
            staged.push(asError(error));
          }
        }
        return this.append(tx, staged);
      });
    } catch (error) {
      return jobs.map(() => asError(error));
    }
  }

  /** Receipts, transitions and outcomes of the jobs; the first of several with one body is the one taken in. */
  private async stage(tx: Queryable, jobs: readonly WebhookJob[]): Promise<Staged[]> {
    const first = new Map<string, WebhookJob>();
    for (const job of jobs) if (!first.has(job.bodySha256)) first.set(job.bodySha256, job);
    const receipts = [...first.values()].map(({ bodySha256, envelope: { itemId, webhookType, webhookCode } }) => ({
      bodySha256,
      itemId,
      webhookType,
      webhookCode,
      outcome: "unchanged" as const,
    }));
    const fresh = await this.store.webhookReceipts.recordAll(receipts, tx);
    const isNew = (job: WebhookJob) => first.get(job.bodySha256) === job && fresh.has(job.bodySha256);
    const applying = jobs.filter((job) => isNew(job) && job.envelope.webhookType === "ITEM" && job.envelope.item && job.envelope.itemId);
    const transitions = await this.ledger.stageWithin(
      tx,
      applying.map(({ envelope, receivedAt }) => ({
        itemId: envelope.itemId!,
        now: receivedAt,
        next: (current, at) => applyItemWebhook(current.snapshot, envelope.item!, at),
      })),
    );
    const transitionOf = new Map(applying.map((job, i) => [job, transitions[i]!] as const));
    const staged = jobs.map((job) => (isNew(job) ? decide(job.envelope, transitionOf.get(job)) : duplicate(job.envelope)));
    const outcomes = jobs.flatMap((job, i) => {
      const { outcome } = staged[i]!;
      return outcome === "duplicate" || outcome === "unchanged" ? [] : [{ bodySha256: job.bodySha256, outcome }];
    });
    await this.store.webhookReceipts.setOutcomes(outcomes, tx);
    return staged;
  }

  /** Appends the staged events in arrival order (the transaction's last statement) and pairs each with its webhook. */
  private async append(tx: Queryable, staged: ReadonlyArray<Staged | Error>): Promise<Array<WebhookDecision | Error>> {
    const drafts = staged.flatMap((entry) => (entry instanceof Error || !entry.event ? [] : [entry.event]));
    const appended = await this.ledger.appendEvents(tx, drafts);
    let next = 0;
    return staged.map((entry) => (entry instanceof Error ? entry : { ...entry, event: entry.event ? appended[next++]! : null }));
  }
}

/** A webhook received before changes nothing; one that could move the status is confirmed with /item/get. */
function duplicate(envelope: WebhookEnvelope): Staged {
  // Plaid's webhooks carry no id: a retry and a new event can have the same body (a login that breaks
  // again after a repair sends the same ERROR); /item/get tells the two apart.
  return { outcome: "duplicate", ...nothing, reconcile: envelope.item !== null && confirmedWithPlaid(envelope.item.code) };
}

function decide(envelope: WebhookEnvelope, applied: StagedTransition<WebhookTransition> | null | undefined): Staged {
  if (envelope.webhookType !== "ITEM") return { outcome: "ignored_type", ...nothing };
  if (!envelope.item || !envelope.itemId) return { outcome: "ignored_code", ...nothing };
  if (!applied) return { outcome: "unknown_item", ...nothing };
  if (applied.current.snapshot.status === "REMOVED") return { outcome: "removed_item", ...nothing };
  const changed = applied.snapshot !== applied.current.snapshot;
  return { outcome: changed ? "applied" : "unchanged", event: applied.event, change: applied.change, reconcile: applied.transition.reconcile };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
