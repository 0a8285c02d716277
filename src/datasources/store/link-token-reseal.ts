import type { Database } from "./database.js";
import { linkTokenAad } from "./link-sessions-repository.js";
import { TokenDecryptionError, type TokenCipher } from "./token-cipher.js";

/** A link session whose token could not be opened; it is left exactly as it was. */
export interface LinkTokenResealFailure {
  /** The first 12 hex characters of the link token's SHA-256 (the row's key), never the token. */
  session: string;
  keyId: string;
  reason: string;
}

export interface LinkTokenResealReport {
  /** Unexpired sessions whose link token was re-sealed under the active key. */
  resealed: number;
  /** Expired sessions whose sealed link token was dropped (nothing asks Plaid about them any more). */
  dropped: number;
  failed: LinkTokenResealFailure[];
}

interface SealedRow {
  link_token_ciphertext: string | null;
  link_token_key_id: string | null;
}

/**
 * Re-seals the link tokens of unexpired sessions that are not sealed with the active key, one row per
 * transaction (SELECT … FOR UPDATE), as for access tokens; expired sessions lose their sealed token
 * instead. A token that does not open fails closed: reported by its hash prefix and left untouched.
 */
export async function resealLinkTokens(db: Database, cipher: TokenCipher, now: Date = new Date(), pageSize = 100): Promise<LinkTokenResealReport> {
  const dropped = await db.query<{ count: number | string }>(
    `WITH dropped AS (
       UPDATE link_sessions SET link_token_ciphertext = NULL, link_token_key_id = NULL
       WHERE expires_at <= $1 AND link_token_ciphertext IS NOT NULL RETURNING 1
     ) SELECT count(*) AS count FROM dropped`,
    [now],
  );
  const failed = new Map<string, LinkTokenResealFailure>();
  let resealed = 0;
  for (let pass = 0; pass < 10; pass += 1) {
    let resealedThisPass = 0;
    let after = "";
    for (;;) {
      const page = await db.query<{ link_token_sha256: string }>(
        `SELECT link_token_sha256 FROM link_sessions
          WHERE link_token_key_id IS NOT NULL AND link_token_key_id <> $1 AND link_token_sha256 > $2
          ORDER BY link_token_sha256 LIMIT $3`,
        [cipher.activeKeyId, after, pageSize],
      );
      if (page.length === 0) break;
      after = page[page.length - 1]!.link_token_sha256;
      for (const { link_token_sha256: tokenHash } of page) {
        if (failed.has(tokenHash)) continue;
        const outcome = await resealRow(db, cipher, tokenHash);
        if (outcome === "resealed") {
          resealed += 1;
          resealedThisPass += 1;
        } else if (outcome !== "skipped") {
          failed.set(tokenHash, { session: tokenHash.slice(0, 12), ...outcome });
        }
      }
    }
    if (resealedThisPass === 0) break;
  }
  return { resealed, dropped: Number(dropped[0]?.count ?? 0), failed: [...failed.values()] };
}

async function resealRow(db: Database, cipher: TokenCipher, tokenHash: string): Promise<"resealed" | "skipped" | Omit<LinkTokenResealFailure, "session">> {
  return db.transaction(async (tx) => {
    const [row] = await tx.query<SealedRow>("SELECT link_token_ciphertext, link_token_key_id FROM link_sessions WHERE link_token_sha256 = $1 FOR UPDATE", [tokenHash]);
    if (!row?.link_token_ciphertext || !row.link_token_key_id || row.link_token_key_id === cipher.activeKeyId) return "skipped";
    let next;
    try {
      next = cipher.reseal({ ciphertext: row.link_token_ciphertext, keyId: row.link_token_key_id }, linkTokenAad(tokenHash));
    } catch (error) {
      if (error instanceof TokenDecryptionError) return { keyId: row.link_token_key_id, reason: error.message };
      throw error;
    }
    await tx.query("UPDATE link_sessions SET link_token_ciphertext = $2, link_token_key_id = $3 WHERE link_token_sha256 = $1", [tokenHash, next.ciphertext, next.keyId]);
    return "resealed";
  });
}
