import { printExecutableGraphQLDocument } from "@graphql-tools/documents";
import { GraphQLError, Kind, parse, visit, type ASTNode, type DocumentNode, type ParseOptions } from "graphql";
import { LRUCache } from "lru-cache";
import { createHash } from "node:crypto";
import type { PersistedDocumentsConfig } from "../config.js";

/** A request refused because its operation is not in the persisted-documents manifest (allow-list mode). */
const PERSISTED_QUERY_NOT_ALLOWED = "PERSISTED_QUERY_NOT_ALLOWED";

/** Texts whose normalized hash is remembered, by the hash of the text as sent. */
const NORMALIZED_HASHES = 5_000;
const APQ_FIELD = "extensions.persistedQuery.sha256Hash";
const HASH = /^(?:sha256:)?([0-9a-fA-F]{64})$/;

/** What a request may send besides its text: a persisted document's id, as `documentId` or in Apollo's APQ extension. */
export interface PersistedRequest {
  query?: unknown;
  documentId?: unknown;
  extensions?: unknown;
}

export type DocumentResolution =
  /** Run this text; undefined when the request sent none and named no document. */
  | { kind: "query"; query: string | undefined }
  /** Apollo's automatic persisted query protocol (HTTP): look the hash up, or register the query sent with it. */
  | { kind: "apq"; sha256Hash: string; query: string | undefined }
  | { kind: "refused"; error: GraphQLError };

interface DocumentReference {
  /** Lower-case hex, without `sha256:`. */
  hash: string;
  field: "documentId" | typeof APQ_FIELD;
}

/**
 * Which document a request runs, over HTTP and WebSocket alike. With PERSISTED_DOCUMENTS, a document id
 * (`documentId`, or the APQ extension's `sha256Hash`, bare or `sha256:`-prefixed as the client preset
 * writes it) runs the manifest's text, and a query sent as text is in the manifest when its SHA-256, or
 * that of its normalized form (the form the client preset hashes), is. In allow-list mode nothing else
 * runs, introspection included. Without a manifest, ids are Apollo's automatic persisted queries.
 */
export class PersistedDocuments {
  private readonly normalizedHashes = new LRUCache<string, string>({ max: NORMALIZED_HASHES });

  constructor(
    private readonly config: PersistedDocumentsConfig | null,
    private readonly parseOptions: ParseOptions,
  ) {}

  resolve(request: PersistedRequest): DocumentResolution {
    const query = typeof request.query === "string" && request.query !== "" ? request.query : undefined;
    const reference = readReference(request);
    if (reference instanceof GraphQLError) return { kind: "refused", error: reference };
    const allowList = this.config?.mode === "allow-list";
    if (!reference) {
      if (query !== undefined && allowList && !this.inManifest(query)) return { kind: "refused", error: notAllowed() };
      return { kind: "query", query };
    }
    const text = this.config?.documents.get(reference.hash);
    if (query !== undefined) return this.withQuery(reference, query, text !== undefined);
    if (text !== undefined) return { kind: "query", query: text };
    if (allowList) return { kind: "refused", error: notAllowed(reference.hash) };
    if (reference.field === APQ_FIELD) return { kind: "apq", sha256Hash: reference.hash, query: undefined };
    return { kind: "refused", error: unknownDocumentId(reference.hash, this.config !== null) };
  }

  /**
   * A query sent with an id: the id must be the SHA-256 of the text, or of its normalized form (a client
   * preset id). The client's own text then runs (its fields in its order): what normalizing leaves out,
   * `@client` and `@connection`, is unknown to the schema and fails validation. Apollo registers a query
   * only under the SHA-256 of its exact text; under a client preset id one outside the manifest just runs.
   */
  private withQuery(reference: DocumentReference, query: string, inManifest: boolean): DocumentResolution {
    const exact = sha256(query);
    if (reference.hash !== exact && this.normalizedHash(query, exact) !== reference.hash) {
      return { kind: "refused", error: badRequest(`${reference.field} is not the SHA-256 of the query sent with it: send the query's hash, or the query alone.`) };
    }
    if (inManifest) return { kind: "query", query };
    if (this.config?.mode === "allow-list") return { kind: "refused", error: notAllowed() };
    return reference.field === APQ_FIELD && reference.hash === exact ? { kind: "apq", sha256Hash: exact, query } : { kind: "query", query };
  }

  private inManifest(query: string): boolean {
    const documents = this.config?.documents;
    const exact = sha256(query);
    return Boolean(documents && (documents.has(exact) || documents.has(this.normalizedHash(query, exact))));
  }

  /** The hash the client preset gives this text's document; empty when it does not parse (it is then in no manifest). */
  private normalizedHash(query: string, exact: string): string {
    let hash = this.normalizedHashes.get(exact);
    if (hash === undefined) {
      try {
        hash = sha256(normalizedText(parse(query, this.parseOptions)));
      } catch {
        hash = "";
      }
      this.normalizedHashes.set(exact, hash);
    }
    return hash;
  }
}

/** Automatic persisted queries are Apollo's HTTP protocol: a hash alone over WebSocket cannot be looked up. */
export function apqNeedsHttp(): GraphQLError {
  return new GraphQLError("Automatic persisted queries (a hash without its query) work over HTTP only: over WebSocket, send the query.", {
    extensions: { code: "PERSISTED_QUERY_NOT_SUPPORTED" },
  });
}

/**
 * The text GraphQL Code Generator's client preset hashes for a document: `@client` selections and
 * `@connection` directives left out, then printed in a stable order with the white space reduced.
 */
export function normalizedText(document: DocumentNode): string {
  const clientOnly = (node: ASTNode & { directives?: readonly { name: { value: string } }[] }) =>
    node.directives?.some((directive) => directive.name.value === "client") ? null : undefined;
  const sanitized = visit(document, {
    [Kind.FIELD]: clientOnly,
    [Kind.FRAGMENT_SPREAD]: clientOnly,
    [Kind.INLINE_FRAGMENT]: clientOnly,
    [Kind.DIRECTIVE]: (node) => (node.name.value === "connection" ? null : undefined),
  });
  return printExecutableGraphQLDocument(sanitized);
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The document id a request names, if any; an error for one that cannot be a SHA-256. */
function readReference(request: PersistedRequest): DocumentReference | GraphQLError | null {
  const persistedQuery = isRecord(request.extensions) ? request.extensions.persistedQuery : undefined;
  let apq: DocumentReference | GraphQLError | null = null;
  if (persistedQuery !== undefined && persistedQuery !== null) {
    if (!isRecord(persistedQuery)) return badRequest("extensions.persistedQuery must be an object: { version: 1, sha256Hash }.");
    if (persistedQuery.version !== 1) return badRequest(`extensions.persistedQuery.version must be 1 (got ${String(JSON.stringify(persistedQuery.version)).slice(0, 20)}).`);
    apq = readHash(persistedQuery.sha256Hash, APQ_FIELD);
  }
  if (request.documentId === undefined || request.documentId === null || apq instanceof GraphQLError) return apq;
  const id = readHash(request.documentId, "documentId");
  if (apq && !(id instanceof GraphQLError) && apq.hash !== id.hash) return badRequest(`documentId and ${APQ_FIELD} name different documents.`);
  return id;
}

function readHash(value: unknown, field: DocumentReference["field"]): DocumentReference | GraphQLError {
  const hash = typeof value === "string" ? HASH.exec(value)?.[1] : undefined;
  if (hash) return { hash: hash.toLowerCase(), field };
  const got =
    typeof value !== "string"
      ? value === undefined
        ? "none"
        : `a ${typeof value}`
      : `${value.length} characters${/^(sha256:)?.{64}$/s.test(value) ? ", not all hexadecimal" : ""}`;
  return badRequest(`${field} must be a SHA-256 hash: 64 hexadecimal characters, optionally prefixed "sha256:" (got ${got}).`);
}

function badRequest(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_REQUEST" } });
}

function notAllowed(hash?: string): GraphQLError {
  const why = hash ? `it holds no document with the id sha256:${hash}` : "this operation is not in it";
  return new GraphQLError(`This gateway only runs operations from its persisted-documents manifest, and ${why}.`, { extensions: { code: PERSISTED_QUERY_NOT_ALLOWED } });
}

function unknownDocumentId(hash: string, hasManifest: boolean): GraphQLError {
  if (!hasManifest) {
    return new GraphQLError("This gateway has no persisted-documents manifest to look a documentId up in: send the query.", {
      extensions: { code: "PERSISTED_QUERY_NOT_SUPPORTED" },
    });
  }
  return new GraphQLError(`No persisted document has the id sha256:${hash}: send the query.`, { extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } });
}
