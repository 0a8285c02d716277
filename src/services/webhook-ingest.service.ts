import DataLoader from "dataloader";
import { AsyncResource } from "node:async_hooks";
import { MalformedWebhookError, parseWebhook, type WebhookEnvelope } from "../datasources/plaid/plaid-webhook-mapping.js";
import type { Store } from "../datasources/store/store.js";
import type { WebhookOutcome } from "../datasources/store/webhook-receipts-repository.js";
import type { Logger } from "../logger.js";
import type { ItemLedger } from "./item-ledger.js";
import type { ItemReconciler } from "./item-reconciler.js";
import { WebhookBatchWriter, type WebhookDecision, type WebhookJob } from "./webhook-batch-writer.js";

export interface IngestResult {
  outcome: WebhookOutcome | "duplicate";
  webhookType: string;
  webhookCode: string;
  itemId: string | null;
}

export interface WebhookIngestOptions {
  /** Transactions taking webhooks in at once; default 2 on PostgreSQL, 1 on PGlite (one connection). */
  concurrentBatches?: number;
  /** Most webhooks one transaction takes in. Default 200. */
  maxBatchSize?: number;
  now?: () => Date;
}

/**
 * Takes in verified webhooks: each is committed (receipt deduplicated by body hash, the Item's transition
 * and its event) before it is answered, together with the webhooks that arrived while the previous
 * transaction was running, so a burst shares one commit. Once answered, the events are published and,
 * where a webhook moved the status or did not fit, the Item is confirmed with /item/get (a body received
 * before, at most once per Item and cool-down).
 */
export class WebhookIngestService {
  private readonly writer: WebhookBatchWriter;
  private readonly lanes: Lanes;
  private readonly loader: DataLoader<QueuedWebhook, IngestResult>;
  private readonly now: () => Date;
  private readonly announcing = new Set<Promise<void>>();

  constructor(
    store: Store,
    private readonly ledger: ItemLedger,
    private readonly reconciler: ItemReconciler,
    private readonly logger: Logger,
    options: WebhookIngestOptions = {},
  ) {
    this.writer = new WebhookBatchWriter(store, ledger);
    this.now = options.now ?? (() => new Date());
    // Batches serve many requests: they run outside any one request's scope (taken here, at start).
    this.lanes = new Lanes(options.concurrentBatches ?? (store.db.kind === "postgres" ? 2 : 1), inThisScope());
    this.loader = new DataLoader((jobs) => this.takeIn(jobs), {
      cache: false,
      maxBatchSize: options.maxBatchSize ?? 200,
      batchScheduleFn: (dispatch) => this.lanes.enter(dispatch),
    });
  }

  /** Resolves once the webhook is committed; rejects when it could not be (answer 503: Plaid retries). */
  ingest(bodySha256: string, rawBody: Buffer): Promise<IngestResult> {
    return this.loader.load({ bodySha256, envelope: readEnvelope(rawBody), receivedAt: this.now(), inRequestScope: inThisScope() });
  }

  /** Resolves when everything committed so far has been handed to the event bus (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.announcing.size > 0) await Promise.allSettled([...this.announcing]);
  }

  private async takeIn(jobs: readonly QueuedWebhook[]): Promise<Array<IngestResult | Error>> {
    try {
      const decisions = await this.writer.write(jobs);
      this.afterAnswering(jobs, decisions);
      return decisions.map((decision, i) => {
        if (decision instanceof Error) return decision;
        const { webhookType, webhookCode, itemId } = jobs[i]!.envelope;
        return { outcome: decision.outcome, webhookType, webhookCode, itemId };
      });
    } finally {
      this.lanes.leave();
    }
  }

  /** Publishes, confirms and logs once the answers are out: a committed webhook never waits for the event bus. */
  private afterAnswering(jobs: readonly QueuedWebhook[], decisions: ReadonlyArray<WebhookDecision | Error>): void {
    const done = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.announce(jobs, decisions))
      .catch((error: unknown) => this.logger.warn({ err: error }, "announcing committed webhooks failed"));
    this.announcing.add(done);
    void done.finally(() => this.announcing.delete(done));
  }

  private announce(jobs: readonly QueuedWebhook[], decisions: ReadonlyArray<WebhookDecision | Error>): Promise<void> {
    const taken = jobs.flatMap((job, i) => {
      const decision = decisions[i]!;
      return decision instanceof Error ? [] : [{ job, decision }];
    });
    const events = taken.flatMap(({ decision }) => (decision.event ? [decision.event] : []));
    const changes = new Map(taken.flatMap(({ decision }) => (decision.change ? [[decision.change.itemId, decision.change] as const] : [])));
    const published = this.ledger.announce({ events, changes: [...changes.values()] });
    for (const { job, decision } of taken) {
      const { webhookType, webhookCode, itemId } = job.envelope;
      job.inRequestScope(() => {
        if (decision.reconcile && itemId) this.confirm(itemId, decision);
        this.logger.info({ webhookType, webhookCode, itemId, outcome: decision.outcome }, "webhook received");
      });
    }
    return published;
  }

  /** A body received before confirms the Item at most once per cool-down: a replay cannot spend Plaid's rate limit. */
  private confirm(itemId: string, decision: WebhookDecision): void {
    if (decision.outcome === "duplicate") this.reconciler.scheduleAfterDuplicate(itemId);
    else this.reconciler.schedule(itemId);
  }
}

/** A webhook in the queue, with the scope of the request that brought it (its log lines carry that request's id). */
interface QueuedWebhook extends WebhookJob {
  inRequestScope: RunIn;
}

type RunIn = (fn: () => void) => void;

/** Runs functions later in the async context of now. */
const inThisScope = (): RunIn => AsyncResource.bind((fn: () => void) => fn());

/**
 * At most `width` batches are written at once; a batch that has to wait keeps gathering the webhooks
 * that arrive meanwhile, which is what makes a burst share one commit.
 */
class Lanes {
  private busy = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly width: number,
    private readonly runIn: RunIn,
  ) {}

  enter(dispatch: () => void): void {
    if (this.busy >= this.width) {
      this.waiting.push(dispatch);
      return;
    }
    this.busy++;
    // Webhooks verified in the same turn of the event loop go in together.
    setImmediate(() => this.runIn(dispatch));
  }

  leave(): void {
    const next = this.waiting.shift();
    if (next) this.runIn(next);
    else this.busy--;
  }
}

/** The webhook's envelope; a body Plaid signed but that is not a webhook is recorded as such, not refused. */
function readEnvelope(rawBody: Buffer): WebhookEnvelope {
  try {
    return parseWebhook(JSON.parse(rawBody.toString("utf8")));
  } catch (error) {
    if (error instanceof SyntaxError || error instanceof MalformedWebhookError) {
      return { webhookType: "UNREADABLE", webhookCode: "UNREADABLE", itemId: null, item: null };
    }
    throw error;
  }
}
