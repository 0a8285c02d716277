import type { ApolloServer } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import express, { type ErrorRequestHandler, type RequestHandler } from "express";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { AsyncLocalStorage } from "node:async_hooks";
import type { Authenticator } from "../auth/authenticator.js";
import type { GatewayContext } from "../resolvers/context.js";
import { GatewayError } from "../domain/errors.js";
import type { GraphqlPipeline } from "../graphql/pipeline.js";
import { persistedDocumentRequests } from "./persisted-requests.js";
import { requestIdFrom } from "./request-id.js";

/** Body size limit for GraphQL requests. */
const GRAPHQL_BODY_LIMIT = "100kb";

/** The id of the GraphQL request being served, for the answers Apollo gives before any context exists (CSRF, batching). */
const graphqlRequestScope = new AsyncLocalStorage<string>();

/** An error of the answer being sent, with the request's id added when it has none yet. */
export function withRequestId(error: GraphQLFormattedError): GraphQLFormattedError {
  const requestId = graphqlRequestScope.getStore();
  if (!requestId || error.extensions?.requestId) return error;
  return { ...error, extensions: { ...error.extensions, requestId } };
}

/**
 * POST /graphql: the document to run (persisted documents, persisted-requests.ts), then the bearer token
 * checked once per request, then a fresh context for the operation. Every error answer, those refused
 * before GraphQL runs included, carries the X-Request-Id in extensions.requestId.
 */
export function graphqlHandlers(apollo: ApolloServer<GatewayContext>, authenticator: Authenticator, pipeline: GraphqlPipeline): Array<RequestHandler | ErrorRequestHandler> {
  const { createContext } = pipeline;
  const apolloHandler = expressMiddleware(apollo, {
    context: async ({ req }): Promise<GatewayContext> => {
      const requestId = requestIdFrom(req.headers["x-request-id"]);
      try {
        const viewer = await authenticator.authenticate(req.headers.authorization);
        return createContext({ clientUserId: viewer.clientUserId, isAdmin: viewer.isAdmin }, requestId);
      } catch (error) {
        if (error instanceof GatewayError) {
          throw new GraphQLError(error.message, { extensions: { code: error.code, requestId, http: { status: 401 } } });
        }
        throw error;
      }
    },
  });
  const assignRequestId: RequestHandler = (req, res, next) => {
    const requestId = requestIdFrom(req.headers["x-request-id"]);
    // The context and the answer read the id from the header: they see this same one.
    req.headers["x-request-id"] = requestId;
    res.setHeader("x-request-id", requestId);
    graphqlRequestScope.run(requestId, next);
  };
  return [assignRequestId, express.json({ limit: GRAPHQL_BODY_LIMIT }), persistedDocumentRequests(pipeline), apolloHandler, refusedBody];
}

/** A body the JSON parser refused (malformed, too large, wrong encoding): a GraphQL error answer with the request id. */
const refusedBody: ErrorRequestHandler = (error: unknown, req, res, next) => {
  const status = (error as { status?: unknown } | null)?.status;
  const type = (error as { type?: unknown } | null)?.type;
  if (typeof status !== "number" || status < 400 || status >= 500 || typeof type !== "string") {
    next(error);
    return;
  }
  const message = status === 413 ? "Request body too large." : status === 415 ? "Unsupported request body encoding." : "The request body is not valid JSON.";
  const requestId = requestIdFrom(req.headers["x-request-id"]);
  res.status(status).json({ errors: [{ message, extensions: { code: "BAD_REQUEST", requestId } }] });
};
