import type { GraphQLFormattedError, GraphQLSchema } from "graphql";
import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { Authenticator } from "../auth/authenticator.js";
import type { GraphqlLimits } from "../config.js";
import type { GatewayContext } from "../resolvers/context.js";
import type { Viewer } from "../domain/viewer.js";
import type { WsOperationObserver } from "../http/metrics.js";
import { prepareOperation } from "../graphql/query-limits.js";
import type { Logger } from "../logger.js";

/** Largest WebSocket message accepted; GraphQL documents are small. */
const MAX_MESSAGE_BYTES = 64 * 1024;
/** setTimeout cannot wait longer than this. */
const MAX_TIMER_MS = 2_147_483_647;

export interface GraphqlWsOptions {
  httpServer: Server;
  schema: GraphQLSchema;
  authenticator: Authenticator;
  createContext: (viewer: Viewer, requestId: string) => GatewayContext;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** The query limits, as over HTTP: Apollo's plugins and rules do not run for graphql-ws operations. */
  limits: GraphqlLimits;
  logger: Logger;
  /** Told how each operation starts and ends (metrics). */
  operations?: WsOperationObserver;
}

interface ConnectionState {
  viewer?: Viewer;
  expiry?: NodeJS.Timeout;
}

/**
 * graphql-ws on the /graphql path: the bearer token comes in connection_init's payload
 * (`authorization: "Bearer …"`); a refused one closes the socket with 4403, and the connection ends
 * when the token expires. Every operation is parsed, validated and priced with the same query limits
 * as over HTTP before it runs, and errors are shaped by the same formatter.
 */
export function attachGraphqlWs(options: GraphqlWsOptions): { close(): Promise<void> } {
  const { schema, authenticator, createContext, formatError, limits, logger, operations } = options;
  const wss = new WebSocketServer({ server: options.httpServer, path: "/graphql", maxPayload: MAX_MESSAGE_BYTES });
  const states = new WeakMap<object, ConnectionState>();
  const stateOf = (extra: object): ConnectionState => {
    let state = states.get(extra);
    if (!state) states.set(extra, (state = {}));
    return state;
  };

  const server = useServer(
    {
      schema,
      connectionInitWaitTimeout: 3_000,
      onConnect: async (ctx) => {
        const authorization = ctx.connectionParams?.authorization;
        try {
          // The same bearer rules as over HTTP: "Bearer <token>" in connection_init's authorization.
          const verified = await authenticator.authenticate(typeof authorization === "string" ? authorization : undefined);
          // A socket that closed while the token was being checked must not get an expiry timer.
          if (ctx.extra.socket.readyState !== ctx.extra.socket.OPEN) return false;
          const state = stateOf(ctx.extra);
          state.viewer = { clientUserId: verified.clientUserId, isAdmin: verified.isAdmin };
          if (verified.expiresAt) {
            const remaining = Math.min(Math.max(verified.expiresAt.getTime() - Date.now(), 0), MAX_TIMER_MS);
            state.expiry = setTimeout(() => ctx.extra.socket.close(4403, "Token expired"), remaining);
          }
          return true;
        } catch {
          return false;
        }
      },
      onClose: (ctx) => {
        clearTimeout(stateOf(ctx.extra).expiry);
      },
      // Replaces graphql-ws's own parse and validate; the errors go to the client through onError.
      onSubscribe: (ctx, id, payload) => {
        const prepared = prepareOperation(schema, limits, payload);
        if ("errors" in prepared) {
          operations?.refused(payload.operationName, payload.query);
          return prepared.errors;
        }
        operations?.started(ctx.extra, id, prepared.document, payload.operationName);
        return { schema, document: prepared.document, operationName: payload.operationName, variableValues: payload.variables };
      },
      context: (ctx) => {
        const viewer = stateOf(ctx.extra).viewer;
        if (!viewer) throw new Error("graphql-ws context without an authenticated viewer");
        return createContext(viewer, randomUUID());
      },
      // As over HTTP: errors shaped by the shared formatter and carrying the operation's request id,
      // and data served from stored answers reported in extensions.staleData.
      onNext: (ctx, id, _payload, args, result) => {
        const context = args.contextValue as GatewayContext | undefined;
        const staleData = context && context.staleData.size > 0 ? context.staleData.list() : null;
        if (!result.errors && !staleData) return;
        if (result.errors) operations?.failed(ctx.extra, id);
        const errors = result.errors?.map((error) => {
          const formatted = formatError(error.toJSON(), error);
          return context ? { ...formatted, extensions: { ...formatted.extensions, requestId: context.requestId } } : formatted;
        });
        return { ...result, ...(errors ? { errors } : {}), ...(staleData ? { extensions: { ...result.extensions, staleData } } : {}) };
      },
      onError: (ctx, id, _payload, errors) => {
        operations?.failed(ctx.extra, id);
        return errors.map((error) => formatError(error.toJSON(), error));
      },
      onComplete: (ctx, id) => {
        operations?.completed(ctx.extra, id);
      },
    },
    wss,
  );
  wss.on("error", (error) => logger.warn({ err: error }, "WebSocket server error"));

  return {
    async close() {
      await server.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
