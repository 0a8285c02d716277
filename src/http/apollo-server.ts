import { ApolloServer, type ApolloServerOptions, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { GraphQLError } from "graphql";
import type { Server } from "node:http";
import { limitParseOptions, limitRules } from "../graphql/limit-rules.js";
import type { GraphqlPipeline } from "../graphql/pipeline.js";
import { VALIDATION_FAILED } from "../graphql/query-limits.js";
import type { GatewayContext } from "../resolvers/context.js";
import type { Logger } from "../logger.js";
import { withRequestId } from "./graphql-route.js";

/**
 * The pipeline's rules as Apollo hooks: the operation observer around each request, the cost limit
 * once Apollo has resolved the operation (before execution), and the request id and staleData on the answer.
 */
function pipelinePlugin(pipeline: GraphqlPipeline): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ request }) {
      const run = pipeline.startOperation(request.operationName);
      return {
        async didResolveOperation({ document, operationName, request }) {
          const [error] = pipeline.costErrors(document, { operationName, variables: request.variables });
          if (error) throw new GraphQLError(error.message, { extensions: { code: VALIDATION_FAILED, http: { status: 400 } } });
        },
        async willSendResponse(requestContext) {
          const { response, contextValue } = requestContext;
          const body = response.body;
          if (body.kind === "single") body.singleResult = pipeline.completeResponse(body.singleResult, contextValue);
          else body.initialResult = pipeline.completeResponse(body.initialResult, contextValue);
          const sent = body.kind === "single" ? body.singleResult.errors : body.initialResult.errors;
          run.describe({ name: requestContext.operationName, type: requestContext.operation?.operation }, requestContext.document);
          if (sent?.length || requestContext.errors?.length) run.fail();
          run.end();
        },
      };
    },
  };
}

/** Where Apollo keeps the queries registered through automatic persisted queries (Redis, shared by every instance). */
export type PersistedQueryCache = NonNullable<Exclude<ApolloServerOptions<GatewayContext>["persistedQueries"], false | undefined>["cache"]>;

/**
 * Automatic persisted queries: on, for `ttlSeconds`, in `cache` (Apollo's own in-memory cache when none);
 * or off (allow-list mode, where ids name the manifest's documents only).
 */
export type PersistedQuerySettings = { cache: PersistedQueryCache | null; ttlSeconds: number } | false;

/** Apollo Server for POST /graphql, adapting the GraphQL pipeline (graphql-ws adapts the same one). */
export function createApolloServer(pipeline: GraphqlPipeline, httpServer: Server, logger: Logger, persistedQueries: PersistedQuerySettings): ApolloServer<GatewayContext> {
  return new ApolloServer<GatewayContext>({
    schema: pipeline.schema,
    parseOptions: limitParseOptions(pipeline.limits),
    validationRules: limitRules(pipeline.limits),
    // The limit rules refuse __schema and __type themselves when introspection is off, as over WebSocket.
    introspection: true,
    // Answers refused before any context exists (CSRF, batching) get the request id here.
    formatError: (formatted, error) => withRequestId(pipeline.formatError(formatted, error)),
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    persistedQueries: persistedQueries && { cache: persistedQueries.cache ?? undefined, ttl: persistedQueries.ttlSeconds },
    csrfPrevention: true,
    logger: {
      debug: (message) => logger.debug(message),
      info: (message) => logger.info(message),
      warn: (message) => logger.warn(message),
      error: (message) => logger.error(message),
    },
    // Apollo's landing page loads its code from a CDN; browsers get the gateway's own offline GraphiQL instead (graphiql-page.ts).
    // Every answer is `no-store` (http-surface.ts): Apollo's per-field cache hints would only cost time.
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled(), pipelinePlugin(pipeline)],
  });
}
