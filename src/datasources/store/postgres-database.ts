import pg from "pg";
import type { Database, Queryable } from "./database.js";

const INT8_OID = 20;

/** Answers int8 (bigserial sequences, counts) as numbers, as PGlite does, so both stores read alike. */
const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === INT8_OID && format !== "binary") return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as "text");
  },
};

export interface PostgresOptions {
  /** Schema to use instead of public (tests give each run its own). */
  schema?: string;
  max?: number;
}

/** A pooled connection to PostgreSQL. */
export async function openPostgresDatabase(connectionString: string, options: PostgresOptions = {}): Promise<Database> {
  if (options.schema && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) {
    throw new Error(`Invalid schema name "${options.schema}"`);
  }
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5_000,
    types,
    options: options.schema ? `-c search_path=${options.schema}` : undefined,
  });
  // An idle client that loses its connection must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  if (options.schema) {
    // Instances starting together can race to create the schema; the loser finds it there.
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`).catch((error: { code?: string }) => {
      if (error.code !== "23505" && error.code !== "42P06") throw error;
    });
  }
  const wrap = (target: pg.Pool | pg.PoolClient): Queryable => ({
    query: async <Row>(sql: string, params: readonly unknown[] = []) => (await target.query(sql, params as unknown[])).rows as Row[],
    exec: async (sql: string) => void (await target.query(sql)),
  });
  return {
    kind: "postgres",
    ...wrap(pool),
    async transaction(fn) {
      const client = await pool.connect();
      let broken = false;
      // A connection lost mid-transaction fails the statement in flight; the event it also emits must not end the process.
      const lost = () => {
        broken = true;
      };
      client.on("error", lost);
      try {
        await client.query("BEGIN");
        const result = await fn(wrap(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {
          broken = true;
        });
        throw error;
      } finally {
        client.off("error", lost);
        // A connection that cannot even roll back is discarded rather than returned to the pool.
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
