import { randomUUID } from "node:crypto";
import type { UserRecord } from "../../domain/user.js";
import type { Queryable } from "./database.js";

interface UserRow {
  id: string;
  client_user_id: string;
  plaid_user_id: string | null;
  created_at: Date;
}

const toUser = (row: UserRow): UserRecord => ({
  id: row.id,
  clientUserId: row.client_user_id,
  plaidUserId: row.plaid_user_id,
  createdAt: new Date(row.created_at),
});

/** Users known to the gateway, keyed by the application's own user id (the token subject). */
export class UsersRepository {
  constructor(private readonly db: Queryable) {}

  async findByClientUserId(clientUserId: string): Promise<UserRecord | null> {
    const rows = await this.db.query<UserRow>("SELECT * FROM users WHERE client_user_id = $1", [clientUserId]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async findByIds(ids: readonly string[]): Promise<UserRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.query<UserRow>("SELECT * FROM users WHERE id = ANY($1::text[])", [ids]);
    return rows.map(toUser);
  }

  /** The user with this subject, created on first use. */
  async ensure(clientUserId: string): Promise<UserRecord> {
    const existing = await this.findByClientUserId(clientUserId);
    if (existing) return existing;
    await this.db.query("INSERT INTO users (id, client_user_id) VALUES ($1, $2) ON CONFLICT (client_user_id) DO NOTHING", [randomUUID(), clientUserId]);
    const created = await this.findByClientUserId(clientUserId);
    if (!created) throw new Error("User row vanished after insert");
    return created;
  }

  /** Records the Plaid user (usr_…) once; a concurrent first link keeps whichever was stored first. */
  async setPlaidUserId(id: string, plaidUserId: string): Promise<UserRecord> {
    const rows = await this.db.query<UserRow>("UPDATE users SET plaid_user_id = COALESCE(plaid_user_id, $2) WHERE id = $1 RETURNING *", [id, plaidUserId]);
    if (!rows[0]) throw new Error("Unknown user");
    return toUser(rows[0]);
  }
}
