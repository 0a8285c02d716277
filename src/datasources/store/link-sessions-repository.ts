import { createHash } from "node:crypto";
import type { SealedToken } from "../../domain/stored-item.js";
import type { Queryable } from "./database.js";
import type { TokenCipher } from "./token-cipher.js";

export interface LinkSession {
  userId: string;
  /** The Item an update-mode token was made for; null for a new Item (or update mode on the user's most recently broken Item). */
  itemId: string | null;
  countryCodes: string[];
  createdAt: Date;
  expiresAt: Date;
}

/** A session with its link token still sealed (rows written before tokens were kept have none). */
export interface SealedLinkSession extends LinkSession {
  /** SHA-256 of the link token: the row's key, and what the sealed token is bound to. */
  tokenHash: string;
  sealedToken: SealedToken | null;
}

/** A session whose link token is kept, ready to be opened. */
export type KeptLinkSession = SealedLinkSession & { sealedToken: SealedToken };

interface LinkSessionRow {
  link_token_sha256: string;
  user_id: string;
  item_id: string | null;
  country_codes: string[];
  created_at: Date;
  expires_at: Date;
  link_token_ciphertext: string | null;
  link_token_key_id: string | null;
}

const COLUMNS = "link_token_sha256, user_id, item_id, country_codes, created_at, expires_at, link_token_ciphertext, link_token_key_id";

const hashToken = (linkToken: string): string => createHash("sha256").update(linkToken).digest("hex");

/** The additional data a link token is sealed with: its row, so a ciphertext moved to another row does not open. */
export const linkTokenAad = (tokenHash: string): string => `link_sessions:${tokenHash}`;

function toSession(row: LinkSessionRow): SealedLinkSession {
  return {
    tokenHash: row.link_token_sha256,
    userId: row.user_id,
    itemId: row.item_id,
    countryCodes: row.country_codes,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
    sealedToken: row.link_token_ciphertext && row.link_token_key_id ? { ciphertext: row.link_token_ciphertext, keyId: row.link_token_key_id } : null,
  };
}

/** The link token of a stored session, opened for a call to Plaid. */
export function openLinkToken(cipher: TokenCipher, session: KeptLinkSession): string {
  return cipher.open(session.sealedToken, linkTokenAad(session.tokenHash));
}

/** Link tokens the gateway created: found by hash, kept sealed, with the session's user and countries. */
export class LinkSessionsRepository {
  constructor(private readonly db: Queryable) {}

  /** Stores a new session with its link token sealed by the cipher's active key. */
  async record(linkToken: string, session: Omit<LinkSession, "createdAt">, cipher: TokenCipher): Promise<void> {
    const tokenHash = hashToken(linkToken);
    const sealed = cipher.seal(linkToken, linkTokenAad(tokenHash));
    await this.db.query(
      `INSERT INTO link_sessions (link_token_sha256, user_id, item_id, country_codes, expires_at, link_token_ciphertext, link_token_key_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (link_token_sha256) DO NOTHING`,
      [tokenHash, session.userId, session.itemId, session.countryCodes, session.expiresAt, sealed.ciphertext, sealed.keyId],
    );
  }

  /** The session a link token was created for (expired ones too), or null for a token the gateway never made. */
  async findByToken(linkToken: string): Promise<LinkSession | null> {
    const rows = await this.db.query<LinkSessionRow>(`SELECT ${COLUMNS} FROM link_sessions WHERE link_token_sha256 = $1`, [hashToken(linkToken)]);
    return rows[0] ? toSession(rows[0]) : null;
  }

  /** The user's most recent unexpired session for linking a new Item. */
  async latestNewItemSession(userId: string, now: Date): Promise<LinkSession | null> {
    const rows = await this.db.query<LinkSessionRow>(
      `SELECT ${COLUMNS} FROM link_sessions WHERE user_id = $1 AND item_id IS NULL AND expires_at > $2 ORDER BY created_at DESC LIMIT 1`,
      [userId, now],
    );
    return rows[0] ? toSession(rows[0]) : null;
  }

  /** The user's unexpired sessions whose link token is kept, newest first, at most `limit`. */
  async recentSealed(userId: string, now: Date, limit: number): Promise<KeptLinkSession[]> {
    const rows = await this.db.query<LinkSessionRow>(
      `SELECT ${COLUMNS} FROM link_sessions
       WHERE user_id = $1 AND expires_at > $2 AND link_token_ciphertext IS NOT NULL
       ORDER BY created_at DESC, link_token_sha256 LIMIT $3`,
      [userId, now, limit],
    );
    return rows.map(toSession).filter((session): session is KeptLinkSession => session.sealedToken !== null);
  }

  /** Drops the sealed link tokens of the user's expired sessions: nothing asks Plaid about them any more. */
  async forgetExpiredTokens(userId: string, now: Date): Promise<void> {
    await this.db.query(
      `UPDATE link_sessions SET link_token_ciphertext = NULL, link_token_key_id = NULL
       WHERE user_id = $1 AND expires_at <= $2 AND link_token_ciphertext IS NOT NULL`,
      [userId, now],
    );
  }
}
