import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Reads a generated secret from DATA_DIR, creating it (mode 0600, exclusive create so two processes
 * starting together agree on one value) when it does not exist yet.
 */
export function readOrCreateSecretFile(file: string, bytes = 32): Buffer {
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    writeFileSync(file, randomBytes(bytes).toString("hex") + "\n", { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const text = readFileSync(file, "utf8").trim();
  if (!/^[0-9a-f]+$/.test(text) || text.length !== bytes * 2) {
    throw new Error(`${file} is not a ${bytes}-byte hex secret; delete it to generate a new one`);
  }
  return Buffer.from(text, "hex");
}
