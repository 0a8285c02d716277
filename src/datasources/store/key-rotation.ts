import { randomBytes } from "node:crypto";
import type { Database } from "./database.js";
import { resealLinkTokens, type LinkTokenResealReport } from "./link-token-reseal.js";
import { resealRows, type SealedTokenColumns } from "./reseal-rows.js";
import { keyIdFor, TokenCipher } from "./token-cipher.js";
import { readKeyRing, writeKeyRing, type TokenKeySource } from "./token-keys.js";

/** A row whose token could not be opened; it is left exactly as it was. */
export interface ResealFailure {
  itemId: string;
  keyId: string;
  reason: string;
}

export interface ResealReport {
  activeKeyId: string;
  /** Rows re-sealed under the active key by this run. */
  resealed: number;
  /** Rows found under an older key that were sealed with the active key (or removed) before their turn came. */
  skipped: number;
  failed: ResealFailure[];
  /** The link tokens of Link sessions, sealed with the same keys. */
  linkTokens: LinkTokenResealReport;
  /** Rows holding a token (access or link token), by the id of the key that sealed them, after the run. */
  rowsByKeyId: Record<string, number>;
  /** Keys the cipher holds, other than the active one, that no row uses any more. */
  retirableKeyIds: string[];
}

export interface ResealOptions {
  /** Ids read per query while looking for rows to re-seal (each row still gets its own transaction). */
  pageSize?: number;
  /** Told after each row's transaction ended; the next row waits for it. */
  onRow?: (itemId: string, outcome: "resealed" | "skipped" | "failed") => void | Promise<void>;
}

const accessTokenColumns: SealedTokenColumns = {
  table: "items",
  id: "item_id",
  ciphertext: "access_token_ciphertext",
  keyId: "access_token_key_id",
  aad: (itemId) => itemId,
};

/**
 * Re-seals every stored access token (then every kept link token) not sealed with the cipher's active key. Each row is
 * locked (SELECT … FOR UPDATE), opened, sealed again and written in a transaction of its own, so
 * running gateways keep working throughout. A row that does not open (wrong key, altered bytes, a
 * ciphertext moved from another row) fails closed: reported by item id and left untouched. Passes repeat
 * until one re-seals nothing, which also catches rows an older gateway sealed while the run went on.
 */
export async function resealTokens(db: Database, cipher: TokenCipher, options: ResealOptions = {}): Promise<ResealReport> {
  const pageSize = options.pageSize ?? 100;
  const activeKeyId = cipher.activeKeyId;
  const { resealed, skipped, failed } = await resealRows(db, cipher, accessTokenColumns, { pageSize, onRow: options.onRow });

  const linkTokens = await resealLinkTokens(db, cipher, new Date(), pageSize);
  const rowsByKeyId = await countRowsByKeyId(db);
  const retirableKeyIds = cipher.keyIds.filter((id) => id !== activeKeyId && !(rowsByKeyId[id] ?? 0));
  return { activeKeyId, resealed, skipped, failed: failed.map(({ id, ...failure }) => ({ itemId: id, ...failure })), linkTokens, rowsByKeyId, retirableKeyIds };
}

/** Rows holding a token (an Item's access token or a Link session's link token), by key id. */
export async function countRowsByKeyId(db: Database): Promise<Record<string, number>> {
  const rows = await db.query<{ key_id: string; count: number | string }>(
    `SELECT key_id, count(*) AS count FROM (
       SELECT access_token_key_id AS key_id FROM items WHERE access_token_key_id IS NOT NULL
       UNION ALL SELECT link_token_key_id FROM link_sessions WHERE link_token_key_id IS NOT NULL
     ) AS sealed GROUP BY key_id ORDER BY key_id`,
  );
  return Object.fromEntries(rows.map((row) => [row.key_id, Number(row.count)]));
}

export interface KeyRotationOutput {
  /** Progress and results. */
  say(line: string): void;
  /** Rows that failed closed. */
  warn(line: string): void;
}

/**
 * `rotate-key`: picks the active key (a new one in DATA_DIR's key ring, or the configured
 * TOKEN_ENCRYPTION_KEY), re-seals every row not sealed with it, then names the keys no row uses
 * any more; the key ring drops them itself. Resolves to the report; failures are in it.
 */
export async function rotateTokenKey(source: TokenKeySource, db: Database, output: KeyRotationOutput): Promise<ResealReport> {
  const { say, warn } = output;
  let keys = source.keys;
  if (source.kind === "key-ring") {
    const fresh = randomBytes(32);
    keys = [fresh, ...source.keys];
    writeKeyRing(source.file, keys);
    say(`Generated key ${keyIdFor(fresh)} in ${source.file}; it is now the active key.`);
    say(`Older keys stay readable: ${source.keys.map(keyIdFor).join(", ")}.`);
  } else {
    const previous = keys.slice(1).map(keyIdFor);
    say(`Using the configured TOKEN_ENCRYPTION_KEY (key ${keyIdFor(keys[0]!)}) as the active key.`);
    say(
      previous.length > 0
        ? `TOKEN_ENCRYPTION_PREVIOUS_KEYS holds the older keys that stay readable: ${previous.join(", ")}.`
        : "TOKEN_ENCRYPTION_PREVIOUS_KEYS is empty: rows sealed with any other key cannot be opened and will be reported.",
    );
  }
  const cipher = new TokenCipher(keys);
  const before = await countRowsByKeyId(db);
  const pending = Object.entries(before)
    .filter(([id]) => id !== cipher.activeKeyId)
    .reduce((sum, [, count]) => sum + count, 0);
  say(`${pending} of ${Object.values(before).reduce((a, b) => a + b, 0)} stored tokens (access and link tokens) are sealed with another key; re-sealing them one row at a time.`);

  let done = 0;
  const report = await resealTokens(db, cipher, {
    onRow: () => {
      done += 1;
      if (done % 1000 === 0) say(`  ${done} rows processed…`);
    },
  });

  for (const failure of report.failed) {
    warn(`Item ${failure.itemId} (sealed with key ${failure.keyId}) fails closed: ${failure.reason}. Left untouched.`);
  }
  for (const failure of report.linkTokens.failed) {
    warn(`Link session ${failure.session}… (sealed with key ${failure.keyId}) fails closed: ${failure.reason}. Left untouched; it expires within hours.`);
  }
  say(
    `Re-sealed ${report.resealed} rows under key ${report.activeKeyId}; ${report.skipped} skipped (sealed with the active key or removed meanwhile); ${report.failed.length} failed.`,
  );
  const links = report.linkTokens;
  say(`Link tokens: re-sealed ${links.resealed} of unexpired sessions; dropped ${links.dropped} of expired sessions; ${links.failed.length} failed.`);
  const usage = Object.entries(report.rowsByKeyId).map(([id, count]) => `${id} ${count}`);
  say(`Rows by key now: ${usage.length > 0 ? usage.join(", ") : "none"}.`);

  if (source.kind === "key-ring") {
    const dropped = dropUnusedKeys(source.file, cipher.activeKeyId, report.retirableKeyIds);
    if (dropped === null) {
      say(`${source.file} changed during the run (another rotation?); it was left as it is.`);
    } else if (dropped.length > 0) {
      say(`Dropped from the key ring (no row uses them): ${dropped.join(", ")}.`);
    } else {
      say("No key could be dropped from the key ring: every older key is still used by a row.");
    }
  } else if (report.retirableKeyIds.length > 0) {
    say(`No row uses ${report.retirableKeyIds.join(", ")} any more: once every gateway runs with the new TOKEN_ENCRYPTION_KEY, remove them from TOKEN_ENCRYPTION_PREVIOUS_KEYS.`);
  } else if (keys.length > 1) {
    say("Every key in TOKEN_ENCRYPTION_PREVIOUS_KEYS is still used by a row; keep them.");
  }
  if (report.failed.length > 0) {
    warn(`${report.failed.length} rows could not be re-sealed; their keys stay in use. Restore those rows' tokens (or relink the Items) and run rotate-key again.`);
  }
  if (links.failed.length > 0) {
    warn(`${links.failed.length} link tokens could not be re-sealed; their keys stay in use until those sessions expire. Run rotate-key again after that.`);
  }
  return report;
}

/** Removes the given keys from the ring unless another process changed its active key; the dropped ids, or null. */
function dropUnusedKeys(file: string, activeKeyId: string, retirable: readonly string[]): string[] | null {
  const current = readKeyRing(file);
  if (keyIdFor(current[0]!) !== activeKeyId) return null;
  const drop = new Set(retirable);
  const kept = current.filter((key, index) => index === 0 || !drop.has(keyIdFor(key)));
  if (kept.length === current.length) return [];
  writeKeyRing(file, kept);
  return current.filter((key) => !kept.includes(key)).map(keyIdFor);
}
