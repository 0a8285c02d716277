import { randomBytes } from "node:crypto";
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";
import { decodeKey, type Config } from "../../config.js";
import { TokenCipher } from "./token-cipher.js";

/** The key ring file in DATA_DIR: one 64-hex key per line, the active key first, older keys after. */
const KEY_RING_FILE = "token-encryption.key";

/** Where the token keys come from. */
export type TokenKeySource = { kind: "configured"; keys: Buffer[] } | { kind: "key-ring"; keys: Buffer[]; file: string };

type KeySettings = Pick<Config, "dataDir" | "tokenEncryptionKey" | "tokenEncryptionPreviousKeys">;

/** TOKEN_ENCRYPTION_KEY and TOKEN_ENCRYPTION_PREVIOUS_KEYS when set, otherwise DATA_DIR's key ring (created on first use). */
export function loadTokenKeys(settings: KeySettings): TokenKeySource {
  if (settings.tokenEncryptionKey) {
    const keys = [settings.tokenEncryptionKey, ...settings.tokenEncryptionPreviousKeys].map((text) => decodeKey(text)!);
    return { kind: "configured", keys };
  }
  const file = keyRingPath(settings.dataDir);
  return { kind: "key-ring", keys: readOrCreateKeyRing(file), file };
}

export function keyRingPath(dataDir: string): string {
  return path.join(dataDir, KEY_RING_FILE);
}

/**
 * The gateway's cipher. With DATA_DIR's key ring it re-reads the file when it changes, so a gateway
 * keeps opening rows and seals with the new active key after `rotate-key` ran next to it.
 */
export function openTokenCipher(settings: KeySettings): TokenCipher {
  const source = loadTokenKeys(settings);
  if (source.kind === "configured") return new TokenCipher(source.keys);
  const ring = watchKeyRing(source.file, source.keys);
  return new TokenCipher(source.keys, { reload: ring });
}

/** Reads the ring again only when the file was replaced or changed (one stat per call otherwise). */
function watchKeyRing(file: string, initial: Buffer[]): () => Buffer[] {
  let stamp = fileStamp(file);
  let keys = initial;
  return () => {
    const now = fileStamp(file);
    if (now !== stamp) {
      keys = readKeyRing(file);
      stamp = now;
    }
    return keys;
  };
}

function fileStamp(file: string): string {
  const stat = statSync(file, { bigint: true });
  return `${stat.ino}:${stat.size}:${stat.mtimeNs}`;
}

/**
 * Reads the key ring, creating it with one fresh key when it does not exist yet (mode 0600, exclusive
 * create, so two processes starting together agree on one key). A file written by earlier versions
 * (a single hex key) is a ring of one.
 */
export function readOrCreateKeyRing(file: string): Buffer[] {
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    writeFileSync(file, formatKeyRing([randomBytes(32)]), { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return readKeyRing(file);
}

/** Reads an existing key ring; a line that is not a 64-hex key stops with its line number (never its content). */
export function readKeyRing(file: string): Buffer[] {
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const keys: Buffer[] = [];
  const seen = new Set<string>();
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((raw, index) => {
      const line = raw.trim();
      if (line === "" || line.startsWith("#")) return;
      if (!/^[0-9a-fA-F]{64}$/.test(line)) {
        throw new Error(`${file} line ${index + 1} is not a 32-byte hex key`);
      }
      const hex = line.toLowerCase();
      if (seen.has(hex)) return;
      seen.add(hex);
      keys.push(Buffer.from(hex, "hex"));
    });
  if (keys.length === 0) throw new Error(`${file} holds no key; restore it from a backup (rows sealed with its keys cannot be opened without them)`);
  return keys;
}

/** Replaces the key ring atomically (a new file renamed over the old one), mode 0600. */
export function writeKeyRing(file: string, keys: readonly Buffer[]): void {
  if (keys.length === 0) throw new Error("A key ring needs at least one key");
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const fd = openSync(temporary, "wx", 0o600);
  try {
    writeSync(fd, formatKeyRing(keys));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temporary, file);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // Nothing left to clean up.
    }
    throw error;
  }
}

function formatKeyRing(keys: readonly Buffer[]): string {
  return keys.map((key) => key.toString("hex")).join("\n") + "\n";
}
