import { mkdirSync } from "node:fs";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { Mutex, withTimeout, type MutexInterface } from "async-mutex";
import { StoreUnavailableError } from "../../domain/errors.js";
import type { Database, Queryable, SessionLock } from "./database.js";

export interface PgliteOptions {
  /**
   * Longest an operation waits for its turn (PGlite runs one at a time); default 2000 ms. Past it the
   * store counts as unavailable, as PostgreSQL does past its statement timeout. An operation that has
   * started runs to its end: PGlite cannot be interrupted.
   */
  statementTimeoutMs?: number;
}

const DEFAULT_STATEMENT_TIMEOUT_MS = 2000;

const TURN_TIMEOUT = Symbol("turn timeout");

const wrap = (tx: Transaction): Queryable => ({
  query: async <Row>(sql: string, params: readonly unknown[] = []) => (await tx.query<Row>(sql, params as unknown[])).rows,
  exec: async (sql: string) => void (await tx.exec(sql)),
});

/**
 * PostgreSQL compiled to WASM, kept in a folder (or in memory when dataDir is undefined). PGlite runs one
 * operation at a time; an operation that cannot start within the deadline (another one holds the store)
 * fails with StoreUnavailableError and never runs later, so nothing is half done or done twice.
 */
export async function openPgliteDatabase(dataDir?: string, options: PgliteOptions = {}): Promise<Database> {
  const timeoutMs = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new Error("statementTimeoutMs must be a positive whole number of milliseconds");
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = dataDir ? new PGlite(dataDir) : new PGlite();
  await db.waitReady;
  const turn: MutexInterface = withTimeout(new Mutex(), timeoutMs, TURN_TIMEOUT as unknown as Error);
  const inTurn = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await turn.runExclusive(work);
    } catch (error) {
      if (error === (TURN_TIMEOUT as unknown)) throw new StoreUnavailableError(`PGlite was busy for over ${timeoutMs} ms`);
      throw error;
    }
  };
  const locks = new InProcessLocks();
  return {
    kind: "pglite",
    query: <Row>(sql: string, params: readonly unknown[] = []) => inTurn(async () => (await db.query<Row>(sql, params as unknown[])).rows),
    exec: (sql: string) => inTurn(async () => void (await db.exec(sql))),
    transaction: (fn) => inTurn(() => db.transaction((tx) => fn(wrap(tx)))),
    trySessionLock: async (name) => locks.take(name),
    close: () => db.close(),
  };
}

/** PGlite serves one process: a session lock is this process's alone, held until released. */
class InProcessLocks {
  private readonly held = new Set<string>();

  take(name: string): SessionLock | null {
    if (this.held.has(name)) return null;
    this.held.add(name);
    const lost = new AbortController();
    return {
      lost: lost.signal,
      stillHeld: async () => !lost.signal.aborted,
      release: async () => {
        lost.abort();
        this.held.delete(name);
      },
    };
  }
}
