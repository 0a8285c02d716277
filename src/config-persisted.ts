import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { GraphQLError, parse } from "graphql";
import { ConfigError, readInt, readList, type EnvReader } from "./config-values.js";

/** `allow-list`: only the manifests' operations run. `accept`: their hashes run, and so does any other operation. */
export type PersistedDocumentsMode = "allow-list" | "accept";

/** The operations of the clients' persisted-documents manifests (PERSISTED_DOCUMENTS). */
export interface PersistedDocumentsConfig {
  /** The manifests read, as absolute paths, in the order given. */
  files: string[];
  mode: PersistedDocumentsMode;
  /** Each document's text by its SHA-256, as lower-case hex without the `sha256:` prefix. */
  documents: ReadonlyMap<string, string>;
}

const MODES: readonly PersistedDocumentsMode[] = ["allow-list", "accept"];
/** A document id as GraphQL Code Generator's client preset writes it (`sha256:` and the hex digest), or the bare digest. */
const DOCUMENT_ID = /^(?:sha256:)?([0-9a-fA-F]{64})$/;

/** PERSISTED_QUERIES_TTL_SECONDS, PERSISTED_DOCUMENTS and PERSISTED_DOCUMENTS_MODE. */
export function readPersistedOperations(read: EnvReader): { persistedQueriesTtlSeconds: number; persistedDocuments: PersistedDocumentsConfig | null } {
  const persistedQueriesTtlSeconds = readInt(read, "PERSISTED_QUERIES_TTL_SECONDS", 86_400, 60, 2_592_000);
  const files = readList(read, "PERSISTED_DOCUMENTS").map((file) => path.resolve(file));
  const mode = (read("PERSISTED_DOCUMENTS_MODE") ?? "allow-list").toLowerCase();
  if (!MODES.includes(mode as PersistedDocumentsMode)) {
    throw new ConfigError("PERSISTED_DOCUMENTS_MODE", `must be allow-list or accept (got "${mode.slice(0, 20)}")`);
  }
  if (files.length === 0) {
    if (read("PERSISTED_DOCUMENTS_MODE")) throw new ConfigError("PERSISTED_DOCUMENTS_MODE", "needs PERSISTED_DOCUMENTS (the manifests of the operations)");
    return { persistedQueriesTtlSeconds, persistedDocuments: null };
  }
  const documents = new Map<string, string>();
  for (const file of files) {
    for (const [hash, text] of readManifest(file)) documents.set(hash, text);
  }
  return { persistedQueriesTtlSeconds, persistedDocuments: { files, mode: mode as PersistedDocumentsMode, documents } };
}

/**
 * One persisted-documents.json as the client preset writes it (`presetConfig: { persistedDocuments: true }`):
 * a JSON object mapping each document's id (`sha256:<hex>`) to its text. Every entry is checked: the id
 * must be the SHA-256 of the text (the preset's default hash algorithm) and the text must parse.
 */
function readManifest(file: string): Map<string, string> {
  const fail = (message: string) => new ConfigError("PERSISTED_DOCUMENTS", `${file}: ${message}`);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw fail(code === "ENOENT" ? "no such file" : `cannot be read (${code ?? (error as Error).message})`);
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw fail(`is not JSON (${(error as Error).message})`);
  }
  if (!manifest || typeof manifest !== "object" || Array.isArray(manifest)) {
    throw fail("must be a JSON object mapping each document's SHA-256 to its text, as the client preset's persisted-documents.json does");
  }
  const documents = new Map<string, string>();
  for (const [id, document] of Object.entries(manifest)) {
    const hash = DOCUMENT_ID.exec(id)?.[1]?.toLowerCase();
    if (!hash)
      throw fail(`"${id.slice(0, 80)}" is not a SHA-256 document id ("sha256:" and 64 hexadecimal characters); generate it with the client preset's default hashAlgorithm`);
    if (typeof document !== "string" || document.trim() === "") throw fail(`the entry "${id}" must be the document's text`);
    if (createHash("sha256").update(document).digest("hex") !== hash) throw fail(`the entry "${id}" is not the SHA-256 of its document`);
    try {
      parse(document);
    } catch (error) {
      throw fail(`the entry "${id}" does not parse (${error instanceof GraphQLError ? error.message : String(error)})`);
    }
    documents.set(hash, document);
  }
  if (documents.size === 0) throw fail("holds no documents");
  return documents;
}
