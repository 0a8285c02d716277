import { AccessTokenRotationsRepository } from "./access-token-rotations-repository.js";
import type { Database } from "./database.js";
import { ItemEventsRepository } from "./item-events-repository.js";
import { ItemReadsRepository } from "./item-reads-repository.js";
import { ItemsRepository } from "./items-repository.js";
import { LinkSessionsRepository } from "./link-sessions-repository.js";
import { migrate } from "./migrate.js";
import { openPgliteDatabase, type PgliteOptions } from "./pglite-database.js";
import { openPostgresDatabase, type PostgresOptions } from "./postgres-database.js";
import { UsersRepository } from "./users-repository.js";
import { WebhookReceiptsRepository } from "./webhook-receipts-repository.js";

/** The gateway's persistent state: one database and its repositories. */
export interface Store {
  db: Database;
  users: UsersRepository;
  items: ItemsRepository;
  events: ItemEventsRepository;
  reads: ItemReadsRepository;
  linkSessions: LinkSessionsRepository;
  webhookReceipts: WebhookReceiptsRepository;
  rotations: AccessTokenRotationsRepository;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** PostgreSQL when set; otherwise PGlite. */
  databaseUrl?: string;
  /** PGlite folder; in memory when undefined. */
  pgliteDir?: string;
  postgres?: PostgresOptions;
  pglite?: PgliteOptions;
}

/** Opens the store and applies pending migrations. */
export async function openStore(options: StoreOptions): Promise<Store> {
  const db = options.databaseUrl ? await openPostgresDatabase(options.databaseUrl, options.postgres) : await openPgliteDatabase(options.pgliteDir, options.pglite);
  try {
    await migrate(db);
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
  return {
    db,
    users: new UsersRepository(db),
    items: new ItemsRepository(db),
    events: new ItemEventsRepository(db),
    reads: new ItemReadsRepository(db),
    linkSessions: new LinkSessionsRepository(db),
    webhookReceipts: new WebhookReceiptsRepository(db),
    rotations: new AccessTokenRotationsRepository(db),
    close: () => db.close(),
  };
}
