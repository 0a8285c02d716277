import type { SealedToken } from "../../domain/stored-item.js";
import type { Queryable } from "./database.js";

/** What claiming an Item's rotation found: it is ours now, or another one started at `startedAt` and has not finished. */
export type RotationClaim = { claimed: true } | { claimed: false; startedAt: Date };

/** Rotations of Items' access tokens under way, one per Item at a time, and the swap of a rotated token. */
export class AccessTokenRotationsRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Claims the Item's rotation: free, or left behind by a rotation that started before `abandonedBefore`
   * (one that did not finish: a process that stopped half way). Any other claim is still under way.
   */
  async claim(itemId: string, now: Date, abandonedBefore: Date): Promise<RotationClaim> {
    const claimed = await this.db.query<{ item_id: string }>(
      `INSERT INTO access_token_rotations (item_id, started_at) VALUES ($1, $2)
       ON CONFLICT (item_id) DO UPDATE SET started_at = EXCLUDED.started_at WHERE access_token_rotations.started_at < $3
       RETURNING item_id`,
      [itemId, now, abandonedBefore],
    );
    if (claimed.length > 0) return { claimed: true };
    const [held] = await this.db.query<{ started_at: Date }>("SELECT started_at FROM access_token_rotations WHERE item_id = $1", [itemId]);
    // Finished between the two statements: nobody holds it any more, but this run did not claim it either.
    return { claimed: false, startedAt: held ? new Date(held.started_at) : now };
  }

  /** Ends the Item's rotation claim (in the transaction that stored the new token, or after a rotation that changed nothing). */
  async release(itemId: string, db: Queryable = this.db): Promise<void> {
    await db.query("DELETE FROM access_token_rotations WHERE item_id = $1", [itemId]);
  }

  /** Stores the Item's new sealed access token (inside the caller's transaction, its row locked). */
  async storeToken(itemId: string, sealed: SealedToken, tx: Queryable): Promise<void> {
    await tx.query("UPDATE items SET access_token_ciphertext = $2, access_token_key_id = $3 WHERE item_id = $1", [itemId, sealed.ciphertext, sealed.keyId]);
  }
}
