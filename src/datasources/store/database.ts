/** The SQL surface every repository uses; PGlite and PostgreSQL both provide it with the same SQL. */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/** A lock held by one connection of its own for as long as that connection lives (PostgreSQL: a session advisory lock). */
export interface SessionLock {
  /** Aborted once the connection holding the lock is lost: the lock is then free for another session. */
  readonly lost: AbortSignal;
  /** Whether the connection still answers, and so still holds the lock; one that does not is given up. */
  stillHeld(): Promise<boolean>;
  /** Gives the lock up and closes its connection. */
  release(): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: "pglite" | "postgres";
  /** Runs fn in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Takes the named lock on a connection of its own, or answers null while another session holds it.
   * Names are per schema, so deployments sharing one database in different schemas never contend.
   */
  trySessionLock(name: string): Promise<SessionLock | null>;
  close(): Promise<void>;
}
