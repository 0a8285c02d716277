import type { Queryable } from "./database.js";

/** Kinds of Plaid answers kept per Item. */
export type ItemReadKind = "accounts" | "consent_events";

export interface StoredRead {
  itemId: string;
  kind: ItemReadKind;
  /** The answer as JSON (dates as ISO strings). */
  data: unknown;
  fetchedAt: Date;
}

interface ReadRow {
  item_id: string;
  kind: string;
  data: unknown;
  fetched_at: Date;
}

/** The last answer Plaid gave for an Item's accounts or consent log. */
export class ItemReadsRepository {
  constructor(private readonly db: Queryable) {}

  async findMany(kind: ItemReadKind, itemIds: readonly string[]): Promise<StoredRead[]> {
    if (itemIds.length === 0) return [];
    const rows = await this.db.query<ReadRow>("SELECT * FROM item_reads WHERE kind = $1 AND item_id = ANY($2::text[])", [kind, itemIds]);
    return rows.map((row) => ({ itemId: row.item_id, kind: row.kind as ItemReadKind, data: row.data, fetchedAt: new Date(row.fetched_at) }));
  }

  async put(itemId: string, kind: ItemReadKind, data: unknown, fetchedAt: Date, db: Queryable = this.db): Promise<void> {
    await db.query(
      `INSERT INTO item_reads (item_id, kind, data, fetched_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (item_id, kind) DO UPDATE SET data = EXCLUDED.data, fetched_at = EXCLUDED.fetched_at`,
      [itemId, kind, JSON.stringify(data), fetchedAt],
    );
  }
}
