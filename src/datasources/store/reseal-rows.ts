import type { Database } from "./database.js";
import { TokenDecryptionError, type TokenCipher } from "./token-cipher.js";

/** Where one kind of sealed token is kept: a table whose rows each hold one, keyed by a text column. */
export interface SealedTokenColumns {
  table: string;
  /** The row's key; rows are visited in its order. */
  id: string;
  ciphertext: string;
  keyId: string;
  /** The associated data the row's token is sealed with. */
  aad(id: string): string;
}

export type RowResealOutcome = "resealed" | "skipped" | "failed";

/** A row whose token could not be opened; it is left exactly as it was. */
export interface RowResealFailure {
  id: string;
  keyId: string;
  reason: string;
}

export interface RowResealReport {
  resealed: number;
  /** Rows found under an older key that were sealed with the active key (or removed) before their turn came. */
  skipped: number;
  /** In the order they were found. */
  failed: RowResealFailure[];
}

export interface RowResealOptions {
  /** Ids read per query while looking for rows to re-seal (each row still gets its own transaction). */
  pageSize: number;
  /** Told after each row's transaction ended; the next row waits for it. */
  onRow?: (id: string, outcome: RowResealOutcome) => void | Promise<void>;
}

/**
 * Re-seals every token of `columns` not sealed with the cipher's active key, page by page in id order.
 * Each row is locked (SELECT … FOR UPDATE), opened, sealed again and written in a transaction of its
 * own. A row that does not open fails closed: reported and left untouched, and not tried again.
 * Passes repeat until one re-seals nothing (at most ten), which also catches rows sealed meanwhile.
 */
export async function resealRows(db: Database, cipher: TokenCipher, columns: SealedTokenColumns, options: RowResealOptions): Promise<RowResealReport> {
  const failed = new Map<string, RowResealFailure>();
  let resealed = 0;
  let skipped = 0;
  for (let pass = 0; pass < 10; pass += 1) {
    let resealedThisPass = 0;
    let after = "";
    for (;;) {
      const page = await db.query<{ id: string }>(
        `SELECT ${columns.id} AS id FROM ${columns.table}
          WHERE ${columns.keyId} IS NOT NULL AND ${columns.keyId} <> $1 AND ${columns.id} > $2
          ORDER BY ${columns.id} LIMIT $3`,
        [cipher.activeKeyId, after, options.pageSize],
      );
      if (page.length === 0) break;
      after = page[page.length - 1]!.id;
      for (const { id } of page) {
        if (failed.has(id)) continue;
        const outcome = await resealRow(db, cipher, columns, id);
        if (outcome === "resealed") {
          resealed += 1;
          resealedThisPass += 1;
        } else if (outcome === "skipped") {
          skipped += 1;
        } else {
          failed.set(id, { id, ...outcome });
        }
        await options.onRow?.(id, typeof outcome === "string" ? outcome : "failed");
      }
    }
    if (resealedThisPass === 0) break;
  }
  return { resealed, skipped, failed: [...failed.values()] };
}

async function resealRow(db: Database, cipher: TokenCipher, columns: SealedTokenColumns, id: string): Promise<"resealed" | "skipped" | Omit<RowResealFailure, "id">> {
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ ciphertext: string | null; key_id: string | null }>(
      `SELECT ${columns.ciphertext} AS ciphertext, ${columns.keyId} AS key_id FROM ${columns.table} WHERE ${columns.id} = $1 FOR UPDATE`,
      [id],
    );
    // Removed meanwhile (token deleted) or already sealed with the active key by a running gateway.
    if (!row?.ciphertext || !row.key_id || row.key_id === cipher.activeKeyId) return "skipped";
    let next;
    try {
      next = cipher.reseal({ ciphertext: row.ciphertext, keyId: row.key_id }, columns.aad(id));
    } catch (error) {
      if (error instanceof TokenDecryptionError) return { keyId: row.key_id, reason: error.message };
      throw error;
    }
    await tx.query(`UPDATE ${columns.table} SET ${columns.ciphertext} = $2, ${columns.keyId} = $3 WHERE ${columns.id} = $1`, [id, next.ciphertext, next.keyId]);
    return "resealed";
  });
}
