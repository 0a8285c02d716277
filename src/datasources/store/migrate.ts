import type { Database } from "./database.js";
import { sql as initial } from "./migrations/001-initial.js";
import { sql as itemReads } from "./migrations/002-item-reads.js";
import { sql as sealedLinkTokens } from "./migrations/003-sealed-link-tokens.js";
import { sql as itemConfirmations } from "./migrations/004-item-confirmations.js";
import { sql as accessTokenRotations } from "./migrations/005-access-token-rotations.js";

interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration, in order. Append only: a released migration is never edited. */
const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "initial", sql: initial },
  { version: 2, name: "item-reads", sql: itemReads },
  { version: 3, name: "sealed-link-tokens", sql: sealedLinkTokens },
  { version: 4, name: "item-confirmations", sql: itemConfirmations },
  { version: 5, name: "access-token-rotations", sql: accessTokenRotations },
];

/** Arbitrary constant naming the lock that keeps instances from migrating at the same time. */
const MIGRATION_LOCK = 7_263_001;

/** Applies the migrations not yet applied, each in its own transaction; safe to run from many instances at once. */
export async function migrate(db: Database): Promise<number[]> {
  await db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  });
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    const done = await db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
      const rows = await tx.query("SELECT 1 FROM schema_migrations WHERE version = $1", [migration.version]);
      if (rows.length > 0) return false;
      await tx.exec(migration.sql);
      await tx.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [migration.version, migration.name]);
      return true;
    });
    if (done) applied.push(migration.version);
  }
  return applied;
}

/** True when every known migration is applied (used by readiness checks). */
export async function migrationsComplete(db: Database): Promise<boolean> {
  const rows = await db.query<{ version: number }>("SELECT version FROM schema_migrations");
  const have = new Set(rows.map((row) => Number(row.version)));
  return MIGRATIONS.every((migration) => have.has(migration.version));
}
