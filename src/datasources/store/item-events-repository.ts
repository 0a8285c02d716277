import type { ItemEvent, NewItemEvent } from "../../domain/item-event.js";
import type { ItemStatus, PlaidErrorInfo } from "../../domain/item.js";
import type { Queryable } from "./database.js";

interface EventRow {
  sequence: number | string;
  item_id: string;
  user_id: string;
  previous_status: string | null;
  status: string;
  cause: string;
  error: PlaidErrorInfo | null;
  occurred_at: Date;
}

const toEvent = (row: EventRow): ItemEvent => ({
  sequence: Number(row.sequence),
  itemId: row.item_id,
  userId: row.user_id,
  previousStatus: row.previous_status as ItemStatus | null,
  status: row.status as ItemStatus,
  cause: row.cause,
  error: row.error,
  occurredAt: new Date(row.occurred_at),
});

/**
 * Serializes appends so sequence order is commit order: a reader that has seen sequence N never
 * later finds a smaller one committed behind it (which replay after a cursor relies on).
 */
const APPEND_LOCK = 7_263_002;

/** The append-only log of Item status changes. */
export class ItemEventsRepository {
  constructor(private readonly db: Queryable) {}

  /** Appends an event; call inside the transaction that changed the Item. */
  async append(tx: Queryable, event: NewItemEvent): Promise<ItemEvent> {
    const [stored] = await this.appendAll(tx, [event]);
    return stored!;
  }

  /**
   * Appends events in the order given, in one statement; call inside the transaction that changed the
   * Items, as its last statement: the log's lock is held from here until the commit.
   */
  async appendAll(tx: Queryable, events: readonly NewItemEvent[]): Promise<ItemEvent[]> {
    if (events.length === 0) return [];
    await tx.query("SELECT pg_advisory_xact_lock($1)", [APPEND_LOCK]);
    const rows = await tx.query<EventRow>(
      `INSERT INTO item_events (item_id, user_id, previous_status, status, cause, error, occurred_at)
       SELECT item_id, user_id, previous_status, status, cause, error, occurred_at
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::timestamptz[]) WITH ORDINALITY
         AS given (item_id, user_id, previous_status, status, cause, error, occurred_at, position)
       ORDER BY position RETURNING *`,
      [
        events.map((event) => event.itemId),
        events.map((event) => event.userId),
        events.map((event) => event.previousStatus),
        events.map((event) => event.status),
        events.map((event) => event.cause),
        events.map((event) => (event.error ? JSON.stringify(event.error) : null)),
        events.map((event) => event.occurredAt),
      ],
    );
    // Sequences are drawn in insertion order, which is the order given.
    return rows.map(toEvent).sort((a, b) => a.sequence - b.sequence);
  }

  /** An Item's events, newest first, strictly before the given sequence when one is given. */
  async listForItem(itemId: string, limit: number, beforeSequence?: number): Promise<ItemEvent[]> {
    const rows = await this.db.query<EventRow>(
      `SELECT * FROM item_events WHERE item_id = $1 AND ($2::bigint IS NULL OR sequence < $2::bigint)
       ORDER BY sequence DESC LIMIT $3`,
      [itemId, beforeSequence ?? null, limit],
    );
    return rows.map(toEvent);
  }

  /** How many events the Item's log holds. */
  async countForItem(itemId: string): Promise<number> {
    const rows = await this.db.query<{ n: number | string }>("SELECT count(*) AS n FROM item_events WHERE item_id = $1", [itemId]);
    return Number(rows[0]?.n ?? 0);
  }

  /** One event by its sequence, or null. */
  async findBySequence(sequence: number): Promise<ItemEvent | null> {
    const rows = await this.db.query<EventRow>("SELECT * FROM item_events WHERE sequence = $1::bigint", [sequence]);
    return rows[0] ? toEvent(rows[0]) : null;
  }

  /** The newest sequence in the log (0 when it is empty). */
  async latestSequence(): Promise<number> {
    const rows = await this.db.query<{ latest: number | string | null }>("SELECT max(sequence) AS latest FROM item_events");
    return Number(rows[0]?.latest ?? 0);
  }

  /** Events after a sequence, oldest first, optionally only one user's or only some Items'. */
  async listAfter(afterSequence: number, filter: { userId?: string; itemIds?: readonly string[] }, limit: number): Promise<ItemEvent[]> {
    const rows = await this.db.query<EventRow>(
      `SELECT * FROM item_events WHERE sequence > $1::bigint
         AND ($2::text IS NULL OR user_id = $2)
         AND ($3::text[] IS NULL OR item_id = ANY($3::text[]))
       ORDER BY sequence ASC LIMIT $4`,
      [afterSequence, filter.userId ?? null, filter.itemIds ?? null, limit],
    );
    return rows.map(toEvent);
  }
}
