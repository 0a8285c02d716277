import type { ApolloServer } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import express, { type RequestHandler } from "express";
import { GraphQLError } from "graphql";
import type { Authenticator } from "../auth/authenticator.js";
import type { GatewayContext } from "../resolvers/context.js";
import { GatewayError } from "../domain/errors.js";
import type { ContextFactory } from "../graphql/context.js";
import { requestIdFrom } from "./request-id.js";

/** Body size limit for GraphQL requests. */
const GRAPHQL_BODY_LIMIT = "100kb";

/** POST /graphql: bearer token checked once per request, then a fresh context for the operation. */
export function graphqlHandlers(apollo: ApolloServer<GatewayContext>, authenticator: Authenticator, createContext: ContextFactory): RequestHandler[] {
  return [
    express.json({ limit: GRAPHQL_BODY_LIMIT }),
    expressMiddleware(apollo, {
      context: async ({ req, res }): Promise<GatewayContext> => {
        const requestId = requestIdFrom(req.headers["x-request-id"]);
        res.setHeader("x-request-id", requestId);
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
    }),
  ];
}
