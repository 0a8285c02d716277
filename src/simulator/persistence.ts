import { existsSync, readFileSync, renameSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { PersistedState } from "./types.js";

/** Reads a state file written by `writeStateFile`; a missing file means a fresh simulator. */
export function readStateFile(path: string): PersistedState | null {
  if (!existsSync(path)) return null;
  const parsed = JSON.parse(readFileSync(path, "utf8")) as PersistedState;
  if (parsed.version !== 1) throw new Error(`unsupported simulator state file version in ${path}`);
  return parsed;
}

/** Writes the state atomically: a temporary file in the same directory, then a rename over the target. */
export function writeStateFile(path: string, state: PersistedState): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temp, JSON.stringify(state), { mode: 0o600 });
  renameSync(temp, path);
}
