import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import type { GraphQLSchema } from "graphql";
import type { Server } from "node:http";
import type { GraphqlLimits } from "../config.js";
import type { GatewayContext } from "../resolvers/context.js";
import type { Logger } from "../logger.js";
import { createErrorFormatter } from "../graphql/format-error.js";
import { apolloLimitOptions, queryCostPlugin } from "../graphql/query-limits.js";
import { staleDataPlugin } from "./stale-data-plugin.js";

/** Adds the request id to every error, so a client report can be matched to the log. */
const requestIdInErrors: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind !== "single" || !response.body.singleResult.errors) return;
        const requestId = contextValue?.requestId;
        if (!requestId) return;
        response.body.singleResult.errors = response.body.singleResult.errors.map((error) => ({
          ...error,
          extensions: { ...error.extensions, requestId },
        }));
      },
    };
  },
};

/** Apollo Server for POST /graphql, with the query limits of `limits` (see query-limits.ts; graphql-ws applies the same). */
export function createApolloServer(
  schema: GraphQLSchema,
  httpServer: Server,
  logger: Logger,
  limits: GraphqlLimits,
  /** Counts operations by name and outcome (metrics.ts). */
  operationMetrics?: ApolloServerPlugin<GatewayContext>,
): ApolloServer<GatewayContext> {
  return new ApolloServer<GatewayContext>({
    schema,
    ...apolloLimitOptions(limits),
    formatError: createErrorFormatter(logger),
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    logger: {
      debug: (message) => logger.debug(message),
      info: (message) => logger.info(message),
      warn: (message) => logger.warn(message),
      error: (message) => logger.error(message),
    },
    // Apollo's landing page loads its code from a CDN; browsers get the gateway's own offline GraphiQL instead (graphiql-page.ts).
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      requestIdInErrors,
      queryCostPlugin<GatewayContext>(limits),
      staleDataPlugin,
      ...(operationMetrics ? [operationMetrics] : []),
    ],
  });
}
