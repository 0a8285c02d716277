import type { ItemSnapshot, ItemStatus, ItemUpdateType, PlaidErrorInfo } from "../../domain/item.js";
import type { SealedToken, StoredItem } from "../../domain/stored-item.js";
import type { Queryable } from "./database.js";

interface ItemRow {
  item_id: string;
  user_id: string;
  access_token_ciphertext: string | null;
  access_token_key_id: string | null;
  institution_id: string | null;
  institution_name: string | null;
  status: string;
  error: PlaidErrorInfo | null;
  new_accounts_available: boolean;
  consent_expires_at: Date | null;
  disconnect_at: Date | null;
  disconnect_reason: string | null;
  revoked_account_ids: string[];
  account_ids: string[];
  products: string[];
  billed_products: string[];
  available_products: string[];
  consented_products: string[];
  consented_use_cases: string[];
  consented_data_scopes: string[];
  update_type: string;
  webhook_url: string | null;
  country_codes: string[];
  plaid_created_at: Date | null;
  synced_at: Date;
  status_changed_at: Date;
  linked_at: Date;
  removed_at: Date | null;
}

const date = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));

function toStoredItem(row: ItemRow): StoredItem {
  return {
    snapshot: {
      itemId: row.item_id,
      userId: row.user_id,
      institutionId: row.institution_id,
      institutionName: row.institution_name,
      webhookUrl: row.webhook_url,
      status: row.status as ItemStatus,
      error: row.error,
      newAccountsAvailable: row.new_accounts_available,
      consentExpiresAt: date(row.consent_expires_at),
      disconnectAt: date(row.disconnect_at),
      disconnectReason: row.disconnect_reason,
      revokedAccountIds: row.revoked_account_ids,
      accountIds: row.account_ids,
      products: row.products,
      billedProducts: row.billed_products,
      availableProducts: row.available_products,
      consentedProducts: row.consented_products,
      consentedUseCases: row.consented_use_cases,
      consentedDataScopes: row.consented_data_scopes,
      updateType: row.update_type as ItemUpdateType,
      countryCodes: row.country_codes,
      createdAt: date(row.plaid_created_at),
      syncedAt: new Date(row.synced_at),
      statusChangedAt: new Date(row.status_changed_at),
      linkedAt: new Date(row.linked_at),
      removedAt: date(row.removed_at),
    },
    accessToken: row.access_token_ciphertext && row.access_token_key_id ? { ciphertext: row.access_token_ciphertext, keyId: row.access_token_key_id } : null,
  };
}

/** Snapshot columns in insert/update order, with the value each takes from a snapshot. */
const SNAPSHOT_COLUMNS: ReadonlyArray<[string, (s: ItemSnapshot) => unknown]> = [
  ["institution_id", (s) => s.institutionId],
  ["institution_name", (s) => s.institutionName],
  ["status", (s) => s.status],
  ["error", (s) => (s.error ? JSON.stringify(s.error) : null)],
  ["new_accounts_available", (s) => s.newAccountsAvailable],
  ["consent_expires_at", (s) => s.consentExpiresAt],
  ["disconnect_at", (s) => s.disconnectAt],
  ["disconnect_reason", (s) => s.disconnectReason],
  ["revoked_account_ids", (s) => s.revokedAccountIds],
  ["account_ids", (s) => s.accountIds],
  ["products", (s) => s.products],
  ["billed_products", (s) => s.billedProducts],
  ["available_products", (s) => s.availableProducts],
  ["consented_products", (s) => s.consentedProducts],
  ["consented_use_cases", (s) => s.consentedUseCases],
  ["consented_data_scopes", (s) => s.consentedDataScopes],
  ["update_type", (s) => s.updateType],
  ["webhook_url", (s) => s.webhookUrl],
  ["country_codes", (s) => s.countryCodes],
  ["plaid_created_at", (s) => s.createdAt],
  ["synced_at", (s) => s.syncedAt],
  ["status_changed_at", (s) => s.statusChangedAt],
  ["removed_at", (s) => s.removedAt],
];

export interface ItemListFilter {
  /** Without a status filter, removed Items are left out. */
  statuses?: readonly ItemStatus[];
}

/** Keyset position in the "newest status change first" order. */
export interface ItemListPosition {
  statusChangedAt: Date;
  itemId: string;
}

/** Items and their snapshots. */
export class ItemsRepository {
  constructor(private readonly db: Queryable) {}

  /** Stores a newly linked Item. */
  async insert(snapshot: ItemSnapshot, accessToken: SealedToken, db: Queryable = this.db): Promise<void> {
    const columns = ["item_id", "user_id", "access_token_ciphertext", "access_token_key_id", "linked_at", ...SNAPSHOT_COLUMNS.map(([c]) => c)];
    const values = [snapshot.itemId, snapshot.userId, accessToken.ciphertext, accessToken.keyId, snapshot.linkedAt, ...SNAPSHOT_COLUMNS.map(([, v]) => v(snapshot))];
    const placeholders = columns.map((_, i) => `$${i + 1}`);
    await db.query(`INSERT INTO items (${columns.join(", ")}) VALUES (${placeholders.join(", ")})`, values);
  }

  /** Writes every snapshot column of an existing Item. */
  async saveSnapshot(snapshot: ItemSnapshot, db: Queryable = this.db): Promise<void> {
    const sets = SNAPSHOT_COLUMNS.map(([column], i) => `${column} = $${i + 2}`);
    await db.query(`UPDATE items SET ${sets.join(", ")} WHERE item_id = $1`, [snapshot.itemId, ...SNAPSHOT_COLUMNS.map(([, v]) => v(snapshot))]);
  }

  /** Writes every snapshot column of several existing Items, in one statement. */
  async saveSnapshots(snapshots: readonly ItemSnapshot[], db: Queryable = this.db): Promise<void> {
    if (snapshots.length === 0) return;
    // Rows travel as one JSON array read with the table's own column types; jsonb columns take the object itself.
    const rows = snapshots.map((snapshot) =>
      Object.fromEntries([["item_id", snapshot.itemId], ...SNAPSHOT_COLUMNS.map(([column, value]) => [column, column === "error" ? snapshot.error : value(snapshot)])]),
    );
    const sets = SNAPSHOT_COLUMNS.map(([column]) => `${column} = given.${column}`);
    await db.query(`UPDATE items SET ${sets.join(", ")} FROM json_populate_recordset(NULL::items, $1::json) AS given WHERE items.item_id = given.item_id`, [JSON.stringify(rows)]);
  }

  /** Deletes the Item's access token (after removal); the row and its history stay. */
  async clearAccessToken(itemId: string, db: Queryable = this.db): Promise<void> {
    await db.query("UPDATE items SET access_token_ciphertext = NULL, access_token_key_id = NULL WHERE item_id = $1", [itemId]);
  }

  async findById(itemId: string, db: Queryable = this.db): Promise<StoredItem | null> {
    const rows = await db.query<ItemRow>("SELECT * FROM items WHERE item_id = $1", [itemId]);
    return rows[0] ? toStoredItem(rows[0]) : null;
  }

  /** Reads an Item and locks its row until the surrounding transaction ends. */
  async findByIdForUpdate(itemId: string, tx: Queryable): Promise<StoredItem | null> {
    const rows = await tx.query<ItemRow>("SELECT * FROM items WHERE item_id = $1 FOR UPDATE", [itemId]);
    return rows[0] ? toStoredItem(rows[0]) : null;
  }

  /** Reads and locks several Items, always in item_id order (the same order everywhere avoids deadlocks). */
  async findByIdsForUpdate(itemIds: readonly string[], tx: Queryable): Promise<StoredItem[]> {
    const rows = await tx.query<ItemRow>("SELECT * FROM items WHERE item_id = ANY($1::text[]) ORDER BY item_id FOR UPDATE", [itemIds]);
    return rows.map(toStoredItem);
  }

  async findByIds(itemIds: readonly string[]): Promise<StoredItem[]> {
    if (itemIds.length === 0) return [];
    const rows = await this.db.query<ItemRow>("SELECT * FROM items WHERE item_id = ANY($1::text[])", [itemIds]);
    return rows.map(toStoredItem);
  }

  /** A user's Items, most recently linked first. */
  async listByUser(userId: string, filter: ItemListFilter = {}): Promise<StoredItem[]> {
    const { clause, params } = statusClause(filter, 2);
    const rows = await this.db.query<ItemRow>(`SELECT * FROM items WHERE user_id = $1 ${clause} ORDER BY linked_at DESC, item_id DESC`, [userId, ...params]);
    return rows.map(toStoredItem);
  }

  /** Items across all users, newest status change first, one page after the given position. */
  async listAll(filter: ItemListFilter, limit: number, after?: ItemListPosition): Promise<StoredItem[]> {
    const { clause, params } = statusClause(filter, 1);
    const conditions = [clause.replace(/^AND /, "")].filter(Boolean);
    const values: unknown[] = [...params];
    if (after) {
      values.push(after.statusChangedAt, after.itemId);
      conditions.push(`(status_changed_at, item_id) < ($${values.length - 1}, $${values.length})`);
    }
    values.push(limit);
    const where = conditions.length ? `WHERE ${conditions.join(" AND ")}` : "";
    const rows = await this.db.query<ItemRow>(`SELECT * FROM items ${where} ORDER BY status_changed_at DESC, item_id DESC LIMIT $${values.length}`, values);
    return rows.map(toStoredItem);
  }

  async countAll(filter: ItemListFilter): Promise<number> {
    const { clause, params } = statusClause(filter, 1);
    const rows = await this.db.query<{ count: number | string }>(`SELECT count(*) AS count FROM items WHERE true ${clause}`, params);
    return Number(rows[0]?.count ?? 0);
  }

  /** The live Items confirmed with Plaid least recently (oldest `synced_at` first), leaving out `skip`. */
  async listLeastRecentlyConfirmed(limit: number, skip: readonly string[] = []): Promise<StoredItem[]> {
    const rows = await this.db.query<ItemRow>("SELECT * FROM items WHERE status <> 'REMOVED' AND NOT (item_id = ANY($1::text[])) ORDER BY synced_at, item_id LIMIT $2", [
      skip,
      limit,
    ]);
    return rows.map(toStoredItem);
  }

  /** How many Items are live and when the least recently confirmed of them was last confirmed with Plaid (null: none live). */
  async confirmationBacklog(): Promise<{ live: number; oldestSyncedAt: Date | null }> {
    const rows = await this.db.query<{ live: number | string; oldest: Date | string | null }>(
      "SELECT count(*) AS live, min(synced_at) AS oldest FROM items WHERE status <> 'REMOVED'",
    );
    return { live: Number(rows[0]?.live ?? 0), oldestSyncedAt: date(rows[0]?.oldest ?? null) };
  }
}

function statusClause(filter: ItemListFilter, firstParam: number): { clause: string; params: unknown[] } {
  if (filter.statuses && filter.statuses.length > 0) {
    return { clause: `AND status = ANY($${firstParam}::text[])`, params: [filter.statuses] };
  }
  return { clause: "AND status <> 'REMOVED'", params: [] };
}
