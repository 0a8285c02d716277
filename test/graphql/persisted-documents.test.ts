import { generate } from "@graphql-codegen/cli";
import { parse, print, type DocumentNode } from "graphql";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as generated from "../../generated/graphql.js";
import { loadConfig, type PersistedDocumentsConfig } from "../../src/config.js";
import { normalizedText, PersistedDocuments, type DocumentResolution } from "../../src/graphql/persisted-documents.js";

const root = path.resolve(import.meta.dirname, "../..");
/** The repository's own manifest, written by `npm run codegen` (client preset, persistedDocuments). */
const MANIFEST = path.join(root, "generated/persisted-documents.json");
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Every generated document with the hash the client preset gave it. */
const hashed = Object.entries(generated).flatMap(([name, value]) => {
  const hash = (value as { __meta__?: { hash?: string } }).__meta__?.hash;
  return hash ? [{ name, document: value as DocumentNode, hash }] : [];
});
const hashOf = (document: unknown) => (document as { __meta__: { hash: string } }).__meta__.hash;

const VIEWER = print(generated.ViewerDocument);
const OUTSIDE = "query Outside { viewer { clientUserId } }";

function documents(mode: PersistedDocumentsConfig["mode"] | null): PersistedDocuments {
  const config = mode ? loadConfig({ PERSISTED_DOCUMENTS: MANIFEST, PERSISTED_DOCUMENTS_MODE: mode }).persistedDocuments : null;
  return new PersistedDocuments(config, { maxTokens: 15_000 });
}

function outcome(resolution: DocumentResolution): string {
  if (resolution.kind === "refused") return `refused ${String(resolution.error.extensions.code)}`;
  if (resolution.kind === "apq") return `apq ${resolution.sha256Hash.slice(0, 8)}${resolution.query ? " +query" : ""}`;
  return resolution.query === VIEWER ? "runs its text" : resolution.query === undefined ? "no query" : `runs ${resolution.query.slice(0, 30)}`;
}

describe("persisted documents: the client preset's manifest and ids", () => {
  const temporary: string[] = [];
  afterAll(() => temporary.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it("hashes a document as the client preset does, so a client's printed text is found in the manifest", () => {
    const manifest = JSON.parse(readFileSync(MANIFEST, "utf8")) as Record<string, string>;
    expect(hashed.length).toBeGreaterThan(20);
    for (const { name, document, hash } of hashed) {
      expect(`sha256:${sha256(normalizedText(parse(print(document))))}`, name).toBe(hash);
      expect(manifest[hash], name).toBe(normalizedText(document));
    }
  });

  it("reads a manifest GraphQL Code Generator's client preset writes", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "persisted-documents-"));
    temporary.push(dir);
    writeFileSync(path.join(dir, "operations.graphql"), "query Mine { viewer { clientUserId items { edges { node { id status } } } } }\n");
    await generate(
      {
        schema: path.join(root, "schema.graphql"),
        documents: path.join(dir, "operations.graphql"),
        generates: { [`${dir}/client/`]: { preset: "client", presetConfig: { persistedDocuments: true, fragmentMasking: false } } },
        silent: true,
      },
      true,
    );
    const file = path.join(dir, "client/persisted-documents.json");
    const config = loadConfig({ PERSISTED_DOCUMENTS: file }).persistedDocuments!;
    expect(config).toMatchObject({ files: [file], mode: "allow-list" });
    const [[id, text]] = Object.entries(JSON.parse(readFileSync(file, "utf8")) as Record<string, string>);
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(config.documents.get(id!.slice("sha256:".length))).toBe(text);
    const resolved = new PersistedDocuments(config, {}).resolve({ query: "query Mine {\n  viewer {\n    items { edges { node { status id } } }\n    clientUserId\n  }\n}" });
    expect(resolved.kind).toBe("query");
  }, 60_000);

  it.each([
    ["a query in the manifest, as printed by a client", { query: VIEWER }, "runs its text", "runs its text", "runs its text"],
    ["a query outside it", { query: OUTSIDE }, "refused PERSISTED_QUERY_NOT_ALLOWED", "runs query Outside { viewer { cli", "runs query Outside { viewer { cli"],
    [
      "introspection",
      { query: "{ __schema { types { name } } }" },
      "refused PERSISTED_QUERY_NOT_ALLOWED",
      "runs { __schema { types { name } ",
      "runs { __schema { types { name } ",
    ],
    ["a documentId of the manifest", { documentId: hashOf(generated.ViewerDocument) }, "runs query Viewer", "runs query Viewer", "refused PERSISTED_QUERY_NOT_SUPPORTED"],
    [
      "an unknown documentId",
      { documentId: `sha256:${"0".repeat(64)}` },
      "refused PERSISTED_QUERY_NOT_ALLOWED",
      "refused PERSISTED_QUERY_NOT_FOUND",
      "refused PERSISTED_QUERY_NOT_SUPPORTED",
    ],
    [
      "the APQ extension with a manifest hash, prefixed",
      { extensions: { persistedQuery: { version: 1, sha256Hash: hashOf(generated.ViewerDocument) } } },
      "runs query Viewer",
      "runs query Viewer",
      `apq ${hashOf(generated.ViewerDocument).slice("sha256:".length, "sha256:".length + 8)}`,
    ],
    [
      "the APQ extension with an unknown hash",
      { extensions: { persistedQuery: { version: 1, sha256Hash: "A".repeat(64) } } },
      "refused PERSISTED_QUERY_NOT_ALLOWED",
      "apq aaaaaaaa",
      "apq aaaaaaaa",
    ],
    [
      "a hash with its own query",
      { query: OUTSIDE, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(OUTSIDE) } } },
      "refused PERSISTED_QUERY_NOT_ALLOWED",
      "apq",
      "apq",
    ],
    [
      "a hash with another query",
      { query: OUTSIDE, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(VIEWER) } } },
      "refused BAD_REQUEST",
      "refused BAD_REQUEST",
      "refused BAD_REQUEST",
    ],
    ["a manifest hash with the client's printed query", { query: VIEWER, documentId: hashOf(generated.ViewerDocument) }, "runs its text", "runs its text", "runs its text"],
    [
      "a client preset hash of a document outside the manifest, with its text",
      { query: print(parse(OUTSIDE)), extensions: { persistedQuery: { version: 1, sha256Hash: sha256(normalizedText(parse(OUTSIDE))) } } },
      "refused PERSISTED_QUERY_NOT_ALLOWED",
      "runs query Outside {\n  viewer {",
      "runs query Outside {\n  viewer {",
    ],
    ["a hash of the wrong length", { extensions: { persistedQuery: { version: 1, sha256Hash: "abc123" } } }, "refused BAD_REQUEST", "refused BAD_REQUEST", "refused BAD_REQUEST"],
    ["a documentId that is no hash", { documentId: 42 }, "refused BAD_REQUEST", "refused BAD_REQUEST", "refused BAD_REQUEST"],
    [
      "another APQ version",
      { query: VIEWER, extensions: { persistedQuery: { version: 2, sha256Hash: sha256(VIEWER) } } },
      "refused BAD_REQUEST",
      "refused BAD_REQUEST",
      "refused BAD_REQUEST",
    ],
    ["no query and no id", {}, "no query", "no query", "no query"],
  ])("%s: allow-list, accept mode and no manifest each decide", (_what, request, allowList, accept, open) => {
    const outcomes = [documents("allow-list"), documents("accept"), documents(null)].map((persisted) => outcome(persisted.resolve(request)));
    const expected = [allowList, accept, open];
    expect(outcomes.map((text, index) => text.slice(0, expected[index]!.length))).toEqual(expected);
  });

  it("says what a careless client sent wrong", () => {
    const persisted = documents("allow-list");
    const message = (request: object) => {
      const resolved = persisted.resolve(request);
      return resolved.kind === "refused" ? resolved.error.message : resolved.kind;
    };
    expect(message({ extensions: { persistedQuery: { version: 1, sha256Hash: "abc123" } } })).toBe(
      'extensions.persistedQuery.sha256Hash must be a SHA-256 hash: 64 hexadecimal characters, optionally prefixed "sha256:" (got 6 characters).',
    );
    expect(message({ documentId: `sha256:${"z".repeat(64)}` })).toMatch(/^documentId must be a SHA-256 hash: .*\(got 71 characters, not all hexadecimal\)\.$/);
    expect(message({ query: OUTSIDE, documentId: hashOf(generated.ViewerDocument) })).toBe(
      "documentId is not the SHA-256 of the query sent with it: send the query's hash, or the query alone.",
    );
    expect(message({ documentId: `sha256:${"1".repeat(64)}` })).toBe(
      `This gateway only runs operations from its persisted-documents manifest, and it holds no document with the id sha256:${"1".repeat(64)}.`,
    );
    expect(message({ query: OUTSIDE })).toBe("This gateway only runs operations from its persisted-documents manifest, and this operation is not in it.");
    expect(message({ query: "{ not graphql" })).toMatch(/only runs operations from its persisted-documents manifest/);
  });
});
