import pg from "pg";
import { StoreUnavailableError } from "../../domain/errors.js";
import type { SessionLock } from "./database.js";

/** Two-key advisory locks: the name's hash and the schema's, so each deployment sharing a database has its own. */
const TRY_LOCK = "SELECT pg_try_advisory_lock(hashtext($1), hashtext(current_schema())) AS locked";
const UNLOCK = "SELECT pg_advisory_unlock(hashtext($1), hashtext(current_schema()))";
/**
 * The server probes this session's peer after 15 s of silence, every 5 s, 3 times: a holder whose host
 * vanished (not only one whose process died) loses the lock within about half a minute, not the
 * operating system's two hours. No effect over a Unix socket.
 */
const SERVER_KEEPALIVES = "SET tcp_keepalives_idle = 15; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3";

/**
 * A session advisory lock on a connection opened for it alone, with the pool's settings (schema,
 * deadlines). The lock lives as long as the connection: when the process dies or its connection drops,
 * PostgreSQL frees it and another instance may take it. TCP keep-alives on both ends notice a silent peer.
 */
export async function tryPostgresSessionLock(config: pg.ClientConfig, name: string): Promise<SessionLock | null> {
  const client = new pg.Client({ ...config, keepAlive: true, keepAliveInitialDelayMillis: 15_000 });
  const lost = new AbortController();
  const loseIt = () => lost.abort();
  // Without an error listener a dropped connection would end the process.
  client.on("error", loseIt);
  client.on("end", loseIt);
  try {
    await client.connect();
    await client.query(SERVER_KEEPALIVES);
    const { rows } = await client.query<{ locked: boolean }>(TRY_LOCK, [name]);
    if (rows[0]?.locked === true) return heldBy(client, name, lost);
  } catch (error) {
    await client.end().catch(() => {});
    // The reason names a code, never the connection string.
    throw new StoreUnavailableError(`session lock ${name}: ${(error as { code?: string }).code ?? "connection failed"}`, { cause: error });
  }
  await client.end().catch(() => {});
  return null;
}

function heldBy(client: pg.Client, name: string, lost: AbortController): SessionLock {
  return {
    lost: lost.signal,
    async stillHeld() {
      if (lost.signal.aborted) return false;
      try {
        await client.query("SELECT 1");
        return true;
      } catch {
        lost.abort();
        await client.end().catch(() => {});
        return false;
      }
    },
    async release() {
      if (!lost.signal.aborted) await client.query(UNLOCK, [name]).catch(() => {});
      await client.end().catch(() => {});
    },
  };
}
