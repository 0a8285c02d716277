/**
 * Requests as clients of persisted documents and automatic persisted queries send them: a document id
 * (`documentId`, or Apollo's `extensions.persistedQuery`) over HTTP POST or GET, or over graphql-ws.
 */
import type { FormattedExecutionResult } from "graphql";
import { createHash } from "node:crypto";
import type { GraphQLResult } from "./gateway-harness.js";
import { graphqlWsClient } from "./item-status-subscriptions.js";

export const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/** The id the client preset gave a generated document (`sha256:<hex>`), as its clients send it. */
export function documentIdOf(document: unknown): string {
  const hash = (document as { __meta__?: { hash?: string } }).__meta__?.hash;
  if (!hash) throw new Error("the document has no persisted-document hash: is persistedDocuments on in codegen.yml?");
  return hash;
}

/** Apollo's automatic persisted query extension for a hash. */
export function apq(sha256Hash: string): { persistedQuery: { version: 1; sha256Hash: string } } {
  return { persistedQuery: { version: 1, sha256Hash } };
}

/** POSTs a request body as it is (any fields), with the bearer token. */
export async function postBody<T = Record<string, unknown>>(graphqlUrl: string, body: Record<string, unknown>, token: string): Promise<GraphQLResult<T>> {
  const response = await fetch(graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, ...((await response.json()) as Omit<GraphQLResult<T>, "status">) };
}

/** A GET request with these parameters (objects as JSON), as Apollo Client sends hashed queries with useGETForHashedQueries. */
export async function getWithParams<T = Record<string, unknown>>(graphqlUrl: string, params: Record<string, unknown>, token: string): Promise<GraphQLResult<T>> {
  const url = new URL(graphqlUrl);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, typeof value === "string" ? value : JSON.stringify(value));
  // A header of its own, so Apollo's CSRF prevention lets the GET through.
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, "apollo-require-preflight": "true" } });
  return { status: response.status, ...((await response.json()) as Omit<GraphQLResult<T>, "status">) };
}

/** Runs one query or mutation over graphql-ws: its result, or the errors it was refused with. */
export async function overWebSocket(graphqlUrl: string, token: string, payload: Record<string, unknown>): Promise<FormattedExecutionResult> {
  const client = graphqlWsClient(graphqlUrl, token);
  try {
    return await new Promise<FormattedExecutionResult>((resolve, reject) => {
      client.subscribe(payload as { query: string }, {
        next: resolve,
        error: (error) => (Array.isArray(error) ? resolve({ errors: error }) : reject(error as Error)),
        complete: () => {},
      });
    });
  } finally {
    await client.dispose();
  }
}
