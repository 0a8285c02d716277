import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import { postGraphQL } from "../graphql-over-http.js";

/** The first GraphQL error of an answer, with its `extensions.code` (FORBIDDEN, NOT_FOUND, …). */
export class GatewayRequestError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** The gateway's GraphQL API over HTTP, as one signed-in user (the bearer token stays in this object). */
export class GatewayClient {
  constructor(
    private readonly endpoint: URL,
    readonly token: string,
  ) {}

  /** Resolves with the data, or rejects with the first error. */
  async request<TResult, TVariables extends Record<string, unknown>>(document: TypedDocumentNode<TResult, TVariables>, variables?: TVariables): Promise<TResult> {
    const answer = await postGraphQL(this.endpoint, { query: print(document), variables: variables ?? {} }, { accept: "application/json", authorization: this.authorization });
    if (!answer.result) throw new Error(`HTTP ${answer.status}`);
    const [first] = answer.result.errors ?? [];
    if (first) throw new GatewayRequestError(first.message, typeof first.extensions?.code === "string" ? first.extensions.code : undefined);
    return answer.result.data as TResult;
  }

  get authorization(): string {
    return `Bearer ${this.token}`;
  }
}
