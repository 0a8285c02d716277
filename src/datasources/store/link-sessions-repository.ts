import { createHash } from "node:crypto";
import type { Queryable } from "./database.js";

export interface LinkSession {
  userId: string;
  itemId: string | null;
  countryCodes: string[];
  createdAt: Date;
  expiresAt: Date;
}

interface LinkSessionRow {
  user_id: string;
  item_id: string | null;
  country_codes: string[];
  created_at: Date;
  expires_at: Date;
}

const hashToken = (linkToken: string): string => createHash("sha256").update(linkToken).digest("hex");

/** Link tokens the gateway created, stored only as hashes, with the session's user and countries. */
export class LinkSessionsRepository {
  constructor(private readonly db: Queryable) {}

  async record(linkToken: string, session: Omit<LinkSession, "createdAt">): Promise<void> {
    await this.db.query(
      `INSERT INTO link_sessions (link_token_sha256, user_id, item_id, country_codes, expires_at)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (link_token_sha256) DO NOTHING`,
      [hashToken(linkToken), session.userId, session.itemId, session.countryCodes, session.expiresAt],
    );
  }

  /** The session a link token was created for (expired ones too), or null for a token the gateway never made. */
  async findByToken(linkToken: string): Promise<LinkSession | null> {
    const rows = await this.db.query<LinkSessionRow>("SELECT user_id, item_id, country_codes, created_at, expires_at FROM link_sessions WHERE link_token_sha256 = $1", [
      hashToken(linkToken),
    ]);
    const row = rows[0];
    return row ? { userId: row.user_id, itemId: row.item_id, countryCodes: row.country_codes, createdAt: new Date(row.created_at), expiresAt: new Date(row.expires_at) } : null;
  }

  /** The user's most recent unexpired session for linking a new Item. */
  async latestNewItemSession(userId: string, now: Date): Promise<LinkSession | null> {
    const rows = await this.db.query<LinkSessionRow>(
      `SELECT user_id, item_id, country_codes, created_at, expires_at FROM link_sessions
       WHERE user_id = $1 AND item_id IS NULL AND expires_at > $2 ORDER BY created_at DESC LIMIT 1`,
      [userId, now],
    );
    const row = rows[0];
    return row ? { userId: row.user_id, itemId: row.item_id, countryCodes: row.country_codes, createdAt: new Date(row.created_at), expiresAt: new Date(row.expires_at) } : null;
  }
}
