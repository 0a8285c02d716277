import pg from "pg";
import { StoreUnavailableError } from "../../domain/errors.js";
import type { Database, Queryable } from "./database.js";
import { tryPostgresSessionLock } from "./postgres-session-lock.js";

const INT8_OID = 20;

/** Answers int8 (bigserial sequences, counts) as numbers, as PGlite does, so both stores read alike. */
const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === INT8_OID && format !== "binary") return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as "text");
  },
};

/**
 * Plaid gives up on a webhook after 10 s: a statement bounded by this, a connection that answers nothing
 * bounded a little after it, and a store found unresponsive failing at once, keep a webhook's answer
 * (503, so Plaid retries) well within 5 s when the database hangs.
 */
const DEFAULT_STATEMENT_TIMEOUT_MS = 2_000;
/** How much longer than the server's own statement timeout the gateway waits for any answer at all. */
const ANSWER_MARGIN_MS = 500;

export interface PostgresOptions {
  /** Schema to use instead of public (tests give each run its own). */
  schema?: string;
  max?: number;
  /**
   * Longest one statement may run (PostgreSQL's statement_timeout; default 2000 ms). A lock is waited for
   * at most half of it, a connection at most as long, and a server that answers nothing at all is given
   * up on shortly after it.
   */
  statementTimeoutMs?: number;
}

/** SQLSTATEs meaning the server gave up on the statement or will not serve now; the first two leave the connection usable. */
const SERVER_REFUSALS: Record<string, string> = {
  "57014": "statement timeout",
  "55P03": "lock timeout",
  "57P01": "server shutting down",
  "57P02": "server crashed",
  "57P03": "server not accepting connections yet",
  "53300": "too many connections",
};
const USABLE_AFTER = new Set(["57014", "55P03"]);
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);
/** node-postgres' own words when the server did not answer in time (a read, a connection, a place in the pool). */
const NO_ANSWER_MESSAGES = new Set(["Query read timeout", "Connection terminated due to connection timeout", "timeout exceeded when trying to connect"]);
const LOST_CONNECTION = /^Connection terminated|not queryable/;

interface StoreFailure {
  reason: string;
  /** The server answered nothing: other operations would wait alike. */
  noAnswer: boolean;
  /** The connection can still roll back and be reused. */
  connectionUsable: boolean;
}

/** Whether an error from node-postgres means the store is unreachable or too slow (as opposed to a fault of the statement). */
function storeFailureOf(error: unknown): StoreFailure | null {
  if (!(error instanceof Error)) return null;
  const code = (error as { code?: unknown }).code;
  if (NO_ANSWER_MESSAGES.has(error.message)) return { reason: `no answer: ${error.message}`, noAnswer: true, connectionUsable: false };
  if (typeof code === "string" && code in SERVER_REFUSALS) {
    return { reason: SERVER_REFUSALS[code]!, noAnswer: false, connectionUsable: USABLE_AFTER.has(code) };
  }
  if (typeof code === "string" && code.startsWith("08")) return { reason: `connection exception ${code}`, noAnswer: false, connectionUsable: false };
  if ((typeof code === "string" && NETWORK_CODES.has(code)) || LOST_CONNECTION.test(error.message)) {
    return { reason: `connection lost${typeof code === "string" ? ` (${code})` : ""}`, noAnswer: false, connectionUsable: false };
  }
  return null;
}

/**
 * Turns store failures into StoreUnavailableError. After a server that answered nothing, every operation
 * fails at once for a while instead of each waiting out its own deadline against the same hung server.
 */
class StoreAvailability {
  private quietUntil = 0;

  constructor(private readonly backoffMs: number) {}

  /** Throws while the store was just found unresponsive. */
  check(): void {
    if (Date.now() < this.quietUntil) throw new StoreUnavailableError("the store answered nothing moments ago");
  }

  /** The error to throw for `error`, and whether the connection it came from is still usable. */
  judge(error: unknown): { error: unknown; connectionUsable: boolean } {
    if (error instanceof StoreUnavailableError) return { error, connectionUsable: false };
    const failure = storeFailureOf(error);
    if (!failure) return { error, connectionUsable: true };
    if (failure.noAnswer) this.quietUntil = Date.now() + this.backoffMs;
    return { error: new StoreUnavailableError(failure.reason, { cause: error }), connectionUsable: failure.connectionUsable };
  }
}

/** A pooled connection to PostgreSQL; every statement, lock wait and connection has a deadline. */
export async function openPostgresDatabase(connectionString: string, options: PostgresOptions = {}): Promise<Database> {
  if (options.schema && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) {
    throw new Error(`Invalid schema name "${options.schema}"`);
  }
  const statementTimeoutMs = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  if (!Number.isInteger(statementTimeoutMs) || statementTimeoutMs < 1) throw new Error("statementTimeoutMs must be a positive whole number of milliseconds");
  const connection = {
    connectionString,
    connectionTimeoutMillis: statementTimeoutMs,
    statement_timeout: statementTimeoutMs,
    lock_timeout: Math.max(1, Math.floor(statementTimeoutMs / 2)),
    query_timeout: statementTimeoutMs + ANSWER_MARGIN_MS,
    options: options.schema ? `-c search_path=${options.schema}` : undefined,
  };
  const pool = new pg.Pool({ ...connection, max: options.max ?? 10, types });
  // An idle client that loses its connection must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  const availability = new StoreAvailability(statementTimeoutMs);
  if (options.schema) await createSchema(pool, options.schema, availability);
  return {
    kind: "postgres",
    ...wrap(pool, {
      before: () => availability.check(),
      failed: (error) => availability.judge(error).error,
    }),
    transaction: (fn) => inTransaction(pool, availability, fn),
    trySessionLock: (name) => tryPostgresSessionLock(connection, name),
    close: () => pool.end(),
  };
}

/** Instances starting together can race to create the schema; the loser finds it there. */
async function createSchema(pool: pg.Pool, schema: string, availability: StoreAvailability): Promise<void> {
  await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`).catch((error: { code?: string }) => {
    if (error.code !== "23505" && error.code !== "42P06") throw availability.judge(error).error;
  });
}

/** What runs around every statement: a check before it, and what its failure is turned into. */
interface Guard {
  before(): void;
  failed(error: unknown): unknown;
}

function wrap(target: pg.Pool | pg.PoolClient, { before, failed }: Guard): Queryable {
  return {
    query: async <Row>(sql: string, params: readonly unknown[] = []) => {
      before();
      try {
        return (await target.query(sql, params as unknown[])).rows as Row[];
      } catch (error) {
        throw failed(error);
      }
    },
    exec: async (sql: string) => {
      before();
      try {
        await target.query(sql);
      } catch (error) {
        throw failed(error);
      }
    },
  };
}

async function inTransaction<T>(pool: pg.Pool, availability: StoreAvailability, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  availability.check();
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw availability.judge(error).error;
  }
  let broken = false;
  // A connection lost mid-transaction fails the statement in flight; the event it also emits must not end the process.
  const lost = () => {
    broken = true;
  };
  client.on("error", lost);
  const tx = wrap(client, {
    // Once the connection is lost or hung, later statements (a savepoint's rollback) fail at once rather than queue behind it.
    before: () => {
      if (broken) throw new StoreUnavailableError("the transaction's connection was lost");
    },
    failed: (error) => {
      const judged = availability.judge(error);
      if (!judged.connectionUsable) broken = true;
      return judged.error;
    },
  });
  try {
    await tx.query("BEGIN");
    const result = await fn(tx);
    await tx.query("COMMIT");
    return result;
  } catch (error) {
    // A connection that answered nothing is not asked to roll back: closing it ends the transaction on the server.
    if (!broken) {
      await client.query("ROLLBACK").catch(() => {
        broken = true;
      });
    }
    throw error;
  } finally {
    client.off("error", lost);
    // A connection that is lost, hung or cannot even roll back is discarded rather than returned to the pool.
    client.release(broken);
  }
}
