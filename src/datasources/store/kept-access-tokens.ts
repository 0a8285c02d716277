import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { createHash, randomBytes } from "node:crypto";
import path from "node:path";
import type { SealedToken } from "../../domain/stored-item.js";

/**
 * A new access token Plaid issued for an Item while the store could not take it, kept sealed (with the
 * Item's id as additional data, as in the store) until a later rotation of the Item stores it.
 */
export interface KeptAccessToken {
  itemId: string;
  /** SHA-256 (hex) of the access token Plaid invalidated: the kept one is stored only in its place. */
  replacedTokenSha256: string;
  sealed: SealedToken;
  /** When Plaid issued it (ISO 8601). */
  issuedAt: string;
  /** Plaid's request_id of the /item/access_token/invalidate call that issued it. */
  plaidRequestId: string;
}

/** A kept file that cannot be read as one (altered or cut short): named, never shown. */
export class KeptAccessTokenError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file} is not a kept access token (${reason}); it is left as it is`);
    this.name = "KeptAccessTokenError";
  }
}

const SAFE_ITEM_ID = /^[A-Za-z0-9_-]{1,128}$/;

function isKeptAccessToken(value: unknown): value is KeptAccessToken {
  const kept = value as Partial<KeptAccessToken> | null;
  return (
    typeof kept === "object" &&
    kept !== null &&
    typeof kept.itemId === "string" &&
    typeof kept.replacedTokenSha256 === "string" &&
    typeof kept.sealed?.ciphertext === "string" &&
    typeof kept.sealed.keyId === "string" &&
    typeof kept.issuedAt === "string" &&
    typeof kept.plaidRequestId === "string"
  );
}

/**
 * New access tokens kept on disk (DATA_DIR/access-token-rotations/, one file per Item, mode 0600), written
 * and flushed before the store is asked to save them, so a store failure or a stop in between loses none.
 */
export class KeptAccessTokens {
  constructor(readonly dir: string) {}

  /** The file that keeps the Item's new token (the Item's id, or its hash when the id is not a safe file name). */
  fileOf(itemId: string): string {
    const name = SAFE_ITEM_ID.test(itemId) ? itemId : `sha256-${createHash("sha256").update(itemId).digest("hex")}`;
    return path.join(this.dir, `${name}.json`);
  }

  /** Writes the record atomically and durably (a temporary file, flushed, renamed over the target); answers the file. */
  keep(record: KeptAccessToken): string {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const file = this.fileOf(record.itemId);
    const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    const fd = openSync(temp, "wx", 0o600);
    try {
      writeSync(fd, JSON.stringify(record));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
    const dir = openSync(this.dir, "r");
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
    return file;
  }

  /** The Item's kept token, or null when there is none. */
  read(itemId: string): KeptAccessToken | null {
    const file = this.fileOf(itemId);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new KeptAccessTokenError(file, "not JSON");
    }
    if (!isKeptAccessToken(parsed)) throw new KeptAccessTokenError(file, "fields missing");
    if (parsed.itemId !== itemId) throw new KeptAccessTokenError(file, "kept for another Item");
    return parsed;
  }

  /** Deletes the Item's kept token, once the store holds it. */
  discard(itemId: string): void {
    rmSync(this.fileOf(itemId), { force: true });
  }
}
