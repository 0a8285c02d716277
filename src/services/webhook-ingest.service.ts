import { MalformedWebhookError, parseWebhook, type WebhookEnvelope } from "../datasources/plaid/plaid-webhook-mapping.js";
import type { Queryable } from "../datasources/store/database.js";
import type { ItemEvent } from "../domain/item-event.js";
import type { Store } from "../datasources/store/store.js";
import type { WebhookOutcome } from "../datasources/store/webhook-receipts-repository.js";
import { applyItemWebhook, confirmedWithPlaid } from "../domain/item-webhooks.js";
import type { Logger } from "../logger.js";
import type { ItemReconciler } from "./item-reconciler.js";
import type { ItemChange } from "./item-event-ports.js";
import type { ItemLedger } from "./item-ledger.js";

export interface IngestResult {
  outcome: WebhookOutcome | "duplicate";
  webhookType: string;
  webhookCode: string;
  itemId: string | null;
}

/**
 * Takes in one verified webhook: in one transaction the receipt (deduplicated by body hash), the
 * Item's transition and its event; after the commit the event is published and, where the webhook
 * moved the status or did not fit, the Item is confirmed with /item/get.
 */
export class WebhookIngestService {
  constructor(
    private readonly store: Store,
    private readonly ledger: ItemLedger,
    private readonly reconciler: ItemReconciler,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async ingest(bodySha256: string, rawBody: Buffer): Promise<IngestResult> {
    const envelope = readEnvelope(rawBody);
    const now = this.now();
    const { outcome, event, change, reconcile } = await this.store.db.transaction(async (tx) => {
      const fresh = await this.store.webhookReceipts.record(
        { bodySha256, itemId: envelope.itemId, webhookType: envelope.webhookType, webhookCode: envelope.webhookCode, outcome: "unchanged" },
        tx,
      );
      // Plaid's webhooks carry no id: a retry and a new event can have the same body (a login that breaks
      // again after a repair sends the same ERROR). The repeat changes nothing by itself, but one that
      // could move the status is confirmed with /item/get, which tells the two apart.
      if (!fresh) return { outcome: "duplicate" as const, event: null, change: null, reconcile: envelope.item !== null && confirmedWithPlaid(envelope.item.code) };
      const decided = await this.decide(tx, envelope, now);
      await this.store.webhookReceipts.setOutcome(bodySha256, decided.outcome, tx);
      return decided;
    });
    await this.ledger.announce({ events: event ? [event] : [], changes: change ? [change] : [] });
    if (reconcile && envelope.itemId) this.reconciler.schedule(envelope.itemId);
    this.logger.info({ webhookType: envelope.webhookType, webhookCode: envelope.webhookCode, itemId: envelope.itemId, outcome }, "webhook received");
    return { outcome, webhookType: envelope.webhookType, webhookCode: envelope.webhookCode, itemId: envelope.itemId };
  }

  private async decide(tx: Queryable, envelope: WebhookEnvelope, now: Date): Promise<Decision> {
    const nothing = { event: null, change: null, reconcile: false };
    if (envelope.webhookType !== "ITEM") return { outcome: "ignored_type", ...nothing };
    if (!envelope.item || !envelope.itemId) return { outcome: "ignored_code", ...nothing };
    const webhook = envelope.item;
    const applied = await this.ledger.applyWithin(tx, envelope.itemId, now, (current, at) => applyItemWebhook(current.snapshot, webhook, at));
    if (!applied) return { outcome: "unknown_item", ...nothing };
    if (applied.current.snapshot.status === "REMOVED") return { outcome: "removed_item", ...nothing };
    const changed = applied.snapshot !== applied.current.snapshot;
    return { outcome: changed ? "applied" : "unchanged", event: applied.event, change: applied.change, reconcile: applied.transition.reconcile };
  }
}

/** What a webhook did to its Item, to announce once committed. */
interface Decision {
  outcome: WebhookOutcome;
  event: ItemEvent | null;
  change: ItemChange | null;
  reconcile: boolean;
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
