import type { Queryable } from "./database.js";

/** What the gateway did with a verified webhook. */
export type WebhookOutcome = "applied" | "unchanged" | "unknown_item" | "ignored_type" | "ignored_code" | "removed_item";

export interface WebhookReceipt {
  bodySha256: string;
  itemId: string | null;
  webhookType: string;
  webhookCode: string;
  outcome: WebhookOutcome;
}

/** Every verified webhook, keyed by the SHA-256 of its body: Plaid's webhooks carry no id, so the body is the id. */
export class WebhookReceiptsRepository {
  constructor(private readonly db: Queryable) {}

  /** Records a receipt; false when this body was received before (a duplicate). */
  async record(receipt: WebhookReceipt, db: Queryable = this.db): Promise<boolean> {
    const rows = await db.query(
      `INSERT INTO webhook_receipts (body_sha256, item_id, webhook_type, webhook_code, outcome) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (body_sha256) DO NOTHING RETURNING body_sha256`,
      [receipt.bodySha256, receipt.itemId, receipt.webhookType, receipt.webhookCode, receipt.outcome],
    );
    return rows.length === 1;
  }

  /** Sets the outcome once it is known, within the same transaction as the receipt. */
  async setOutcome(bodySha256: string, outcome: WebhookOutcome, db: Queryable = this.db): Promise<void> {
    await db.query("UPDATE webhook_receipts SET outcome = $2 WHERE body_sha256 = $1", [bodySha256, outcome]);
  }
}
