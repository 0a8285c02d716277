import type { Request, RequestHandler } from "express";
import type { GraphqlPipeline } from "../graphql/pipeline.js";
import type { DocumentResolution } from "../graphql/persisted-documents.js";
import { requestIdFrom } from "./request-id.js";

type Fields = Record<string, unknown>;

function isRecord(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Persisted documents over HTTP, before Apollo reads the request (POST body or GET parameters): the
 * pipeline decides which document it runs (resolveDocument). A refused request is answered 400 here,
 * in GraphQL's error shape with its request id, and counted as a refused operation. A document found by
 * its id is handed to Apollo as a plain query, so Apollo only ever sees the text to run; an automatic
 * persisted query goes on to Apollo with its hash in the canonical form (lower-case hex), which Apollo
 * looks up in, or registers into, its cache.
 */
export function persistedDocumentRequests(pipeline: GraphqlPipeline): RequestHandler {
  return (req, res, next) => {
    const request = req.method === "GET" ? searchFields(req) : req.body;
    // Anything else is not a GraphQL request: Apollo answers it.
    if (!isRecord(request)) return next();
    const resolved = pipeline.resolveDocument(request);
    if (resolved.kind === "refused") {
      pipeline.startOperation(typeof request.operationName === "string" ? request.operationName : undefined).refuse(request.query);
      const formatted = pipeline.formatError(resolved.error.toJSON(), resolved.error);
      const requestId = requestIdFrom(req.headers["x-request-id"]);
      res.status(400).json({ errors: [{ ...formatted, extensions: { ...formatted.extensions, requestId } }] });
      return;
    }
    const persistedQuery = isRecord(request.extensions) ? request.extensions.persistedQuery : undefined;
    if (request.documentId === undefined && persistedQuery === undefined) return next();
    const rewritten = rewrite(request, resolved);
    if (req.method === "GET") req.url = withSearch(req.url, rewritten);
    else req.body = rewritten;
    next();
  };
}

/** The request as Apollo is to see it: the text to run, or an automatic persisted query with its canonical hash. */
function rewrite(request: Fields, resolved: Exclude<DocumentResolution, { kind: "refused" }>): Fields {
  const { persistedQuery: _persistedQuery, ...extensions } = isRecord(request.extensions) ? request.extensions : {};
  const { documentId: _documentId, ...rest } = request;
  if (resolved.kind === "apq") return { ...rest, extensions: { ...extensions, persistedQuery: { version: 1, sha256Hash: resolved.sha256Hash } } };
  return { ...rest, query: resolved.query, extensions };
}

/** A GET request's GraphQL fields, as Apollo reads them (`variables` and `extensions` are JSON); null when they are not readable. */
function searchFields(req: Request): Fields | null {
  const params = new URL(req.url, "http://gateway").searchParams;
  const fields: Fields = {};
  for (const [key, value] of params) fields[key] = value;
  try {
    if (typeof fields.extensions === "string") fields.extensions = JSON.parse(fields.extensions);
  } catch {
    return null;
  }
  return fields;
}

/** The GET request's URL with these fields as its parameters. */
function withSearch(url: string, fields: Fields): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    params.set(key, typeof value === "string" ? value : JSON.stringify(value));
  }
  return `${url.split("?")[0]}?${params.toString()}`;
}
