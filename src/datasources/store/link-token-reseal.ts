import type { Database } from "./database.js";
import { linkTokenAad } from "./link-sessions-repository.js";
import { resealRows, type SealedTokenColumns } from "./reseal-rows.js";
import type { TokenCipher } from "./token-cipher.js";

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

const linkTokenColumns: SealedTokenColumns = {
  table: "link_sessions",
  id: "link_token_sha256",
  ciphertext: "link_token_ciphertext",
  keyId: "link_token_key_id",
  aad: linkTokenAad,
};

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
  const { resealed, failed } = await resealRows(db, cipher, linkTokenColumns, { pageSize });
  return {
    resealed,
    dropped: Number(dropped[0]?.count ?? 0),
    failed: failed.map(({ id, ...failure }) => ({ session: id.slice(0, 12), ...failure })),
  };
}
