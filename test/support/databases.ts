import { randomBytes } from "node:crypto";
import pg from "pg";
import { openStore, type Store } from "../../src/datasources/store/store.js";

/** The machine's PostgreSQL (CI always has it). */
export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const inCi = Boolean(process.env.CI);

let reachable: Promise<boolean> | undefined;

/** Whether PostgreSQL answers; in CI an absent PostgreSQL is a failure, not a skip. */
export function postgresAvailable(): Promise<boolean> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.query("SELECT 1");
      return true;
    } catch (error) {
      if (inCi) throw new Error(`PostgreSQL at ${POSTGRES_URL} is required in CI: ${(error as Error).message}`, { cause: error });
      console.warn(`\n[tests] PostgreSQL at ${POSTGRES_URL} is not reachable: PostgreSQL store tests are skipped on this machine (they run in CI).\n`);
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return reachable;
}

/** A schema of its own for one test file, dropped at the end. */
export function uniqueSchema(): string {
  return `test_${randomBytes(6).toString("hex")}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

export interface StoreBackend {
  name: "pglite" | "postgres";
  open(): Promise<Store>;
  /** Removes what open() created. */
  cleanup(): Promise<void>;
}

/** PGlite always; PostgreSQL when reachable (always in CI). */
export async function storeBackends(): Promise<StoreBackend[]> {
  const backends: StoreBackend[] = [{ name: "pglite", open: () => openStore({}), cleanup: async () => {} }];
  if (await postgresAvailable()) {
    const schemas: string[] = [];
    backends.push({
      name: "postgres",
      open: () => {
        const schema = uniqueSchema();
        schemas.push(schema);
        return openStore({ databaseUrl: POSTGRES_URL, postgres: { schema } });
      },
      cleanup: async () => {
        for (const schema of schemas.splice(0)) await dropSchema(schema);
      },
    });
  }
  return backends;
}
