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

  /**
   * Records receipts in one statement; answers the hashes recorded now (the others were received before).
   * Rows go in in hash order, so transactions recording the same bodies wait for each other in one order.
   */
  async recordAll(receipts: readonly WebhookReceipt[], db: Queryable = this.db): Promise<Set<string>> {
    if (receipts.length === 0) return new Set();
    const rows = await db.query<{ body_sha256: string }>(
      `INSERT INTO webhook_receipts (body_sha256, item_id, webhook_type, webhook_code, outcome)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) ORDER BY 1
       ON CONFLICT (body_sha256) DO NOTHING RETURNING body_sha256`,
      [
        receipts.map((receipt) => receipt.bodySha256),
        receipts.map((receipt) => receipt.itemId),
        receipts.map((receipt) => receipt.webhookType),
        receipts.map((receipt) => receipt.webhookCode),
        receipts.map((receipt) => receipt.outcome),
      ],
    );
    return new Set(rows.map((row) => row.body_sha256));
  }

  /** How many webhooks with this code have been taken in for the Item (a change in it means one more arrived and was applied). */
  async countFor(itemId: string, webhookCode: string): Promise<number> {
    const rows = await this.db.query<{ n: number | string }>("SELECT count(*) AS n FROM webhook_receipts WHERE item_id = $1 AND webhook_code = $2", [itemId, webhookCode]);
    return Number(rows[0]?.n ?? 0);
  }

  /** Sets outcomes once they are known, within the transaction that recorded the receipts. */
  async setOutcomes(outcomes: ReadonlyArray<{ bodySha256: string; outcome: WebhookOutcome }>, db: Queryable = this.db): Promise<void> {
    if (outcomes.length === 0) return;
    await db.query(
      `UPDATE webhook_receipts AS receipt SET outcome = given.outcome
       FROM unnest($1::text[], $2::text[]) AS given (body_sha256, outcome) WHERE receipt.body_sha256 = given.body_sha256`,
      [outcomes.map((entry) => entry.bodySha256), outcomes.map((entry) => entry.outcome)],
    );
  }
}
