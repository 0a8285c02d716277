import { GraphQLError } from "graphql";
import type { ConnectionInitMessage, Context, ServerOptions } from "graphql-ws";
import { useServer, type Extra } from "graphql-ws/use/ws";
import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { WebSocketServer } from "ws";
import type { Authenticator } from "../auth/authenticator.js";
import type { WebsocketLimits } from "../config.js";
import type { Viewer } from "../domain/viewer.js";
import type { OperationRun } from "../graphql/operation-run.js";
import type { GraphqlPipeline } from "../graphql/pipeline.js";
import type { Logger } from "../logger.js";
import type { GatewayContext } from "../resolvers/context.js";
import { refusalBehind, TOO_MANY_CONNECTIONS, tooManySubscriptions, UserConnectionCounts } from "./connection-limits.js";
import { SharedLiveDelivery } from "./live-item-status.js";

/** Largest WebSocket message accepted; GraphQL documents are small. */
const MAX_MESSAGE_BYTES = 64 * 1024;
/** setTimeout cannot wait longer than this. */
const MAX_TIMER_MS = 2_147_483_647;

export interface GraphqlWsOptions {
  httpServer: Server;
  pipeline: GraphqlPipeline;
  authenticator: Authenticator;
  logger: Logger;
  /** Subscriptions per connection and connections per user. */
  limits: WebsocketLimits;
}

interface RunningOperation {
  run: OperationRun;
  requestId: string;
  /** Set once the operation runs (not for one refused before running). */
  context?: GatewayContext;
}

interface ConnectionState {
  viewer?: Viewer;
  expiry?: NodeJS.Timeout;
  operations: Map<string, RunningOperation>;
}

/** graphql-ws's server hooks and the context they receive, as useServer types them for ws. */
type WsExtra = Extra & Partial<Record<PropertyKey, never>>;
type Hooks = ServerOptions<ConnectionInitMessage["payload"], WsExtra>;
type WsContext = Context<ConnectionInitMessage["payload"], WsExtra>;

/**
 * graphql-ws on the /graphql path, adapting the GraphQL pipeline as Apollo does over HTTP: the bearer
 * token comes in connection_init's payload (`authorization: "Bearer …"`); a refused one closes the
 * socket with 4403, and the connection ends when the token expires. A user holding as many connections as
 * allowed gets the next one closed with 4430; a connection running as many operations as allowed gets the
 * next one refused (RATE_LIMITED) while the others go on. Every operation is prepared by the
 * pipeline (the document it runs, a persisted one by its `documentId` or APQ hash with `query: ""`, and in
 * allow-list mode only those of the manifest; limits, cost, cached documents) and answered with its
 * errors shaped and its request id.
 * Subscriptions are executed once per event for all subscribers that share document, variables and
 * viewer scope (SharedLiveDelivery), which writes their `next` frames itself.
 */
export function attachGraphqlWs(options: GraphqlWsOptions): { close(): Promise<void> } {
  const wss = new WebSocketServer({ server: options.httpServer, path: "/graphql", maxPayload: MAX_MESSAGE_BYTES });
  const states = new WeakMap<object, ConnectionState>();
  const stateOf = (ctx: WsContext): ConnectionState => {
    let state = states.get(ctx.extra);
    if (!state) states.set(ctx.extra, (state = { operations: new Map() }));
    return state;
  };
  const live = new SharedLiveDelivery(options.pipeline);
  const server = useServer<ConnectionInitMessage["payload"], Record<PropertyKey, never>>(
    {
      schema: options.pipeline.schema,
      connectionInitWaitTimeout: 3_000,
      subscribe: (args) => live.subscribe(args),
      ...connectionHooks(options.authenticator, new UserConnectionCounts(options.limits.maxConnectionsPerUser), options.logger, stateOf),
      ...operationHooks(options.pipeline, live, options.limits.maxSubscriptionsPerConnection, stateOf),
    },
    wss,
  );
  takeOverErrorHandling(wss, options.logger);
  return {
    async close() {
      await server.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/**
 * Socket and server errors are logged as one structured line each, in place of graphql-ws's handlers,
 * which print a stack trace to stderr. A socket error is a protocol violation by the client (an
 * oversized message, a malformed frame): ws has already closed the socket with the matching code.
 * Must be called after useServer, whose connection listener attaches its socket handler first.
 */
function takeOverErrorHandling(wss: WebSocketServer, logger: Logger): void {
  wss.removeAllListeners("error");
  // ws repeats the HTTP server's own errors here (a taken port), which the gateway's start reports.
  wss.on("error", (error: Error & { code?: string }) => logger.debug({ code: error.code }, "WebSocket server error"));
  wss.on("connection", (socket) => {
    socket.removeAllListeners("error");
    socket.on("error", (error: Error & { code?: string }) => {
      const reason = error.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH" ? `a message larger than ${MAX_MESSAGE_BYTES} bytes` : error.message;
      logger.warn({ wsError: error.code, maxMessageBytes: MAX_MESSAGE_BYTES }, `WebSocket connection closed: ${reason}`);
      if (socket.readyState === socket.OPEN) socket.close(1011, "Internal server error");
    });
  });
}

/** connection_init: the same bearer rules as over HTTP, the user's connection cap, and the connection's end when the token expires. */
function connectionHooks(
  authenticator: Authenticator,
  connections: UserConnectionCounts,
  logger: Logger,
  stateOf: (ctx: WsContext) => ConnectionState,
): Pick<Hooks, "onConnect" | "onClose"> {
  return {
    onConnect: async (ctx) => {
      const authorization = ctx.connectionParams?.authorization;
      try {
        const verified = await authenticator.authenticate(typeof authorization === "string" ? authorization : undefined);
        // A socket that closed while the token was being checked must not get an expiry timer.
        const { socket } = ctx.extra;
        if (socket.readyState !== socket.OPEN) return false;
        if (!connections.tryAcquire(verified.clientUserId)) {
          // Closed here with its own code; graphql-ws's close (4403) then finds the socket closing already.
          logger.info({ user: verified.clientUserId }, "WebSocket connection refused: the user holds as many connections as allowed");
          socket.close(TOO_MANY_CONNECTIONS.code, TOO_MANY_CONNECTIONS.reason);
          return false;
        }
        // The socket's own close event, however it closes (client, expiry, error, shutdown), gives the slot back.
        socket.once("close", () => connections.release(verified.clientUserId));
        const state = stateOf(ctx);
        state.viewer = { clientUserId: verified.clientUserId, isAdmin: verified.isAdmin };
        if (verified.expiresAt) {
          const remaining = Math.min(Math.max(verified.expiresAt.getTime() - Date.now(), 0), MAX_TIMER_MS);
          state.expiry = setTimeout(() => socket.close(4403, "Token expired"), remaining);
        }
        return true;
      } catch {
        return false;
      }
    },
    onClose: (ctx) => {
      clearTimeout(stateOf(ctx).expiry);
    },
  };
}

/** Each operation through the pipeline: prepared (replacing graphql-ws's own parse and validate), observed and answered. */
function operationHooks(
  pipeline: GraphqlPipeline,
  live: SharedLiveDelivery,
  maxPerConnection: number,
  stateOf: (ctx: WsContext) => ConnectionState,
): Pick<Hooks, "onSubscribe" | "onNext" | "onError" | "onComplete"> {
  return {
    onSubscribe: (ctx, id, payload) => {
      const state = stateOf(ctx);
      if (!state.viewer) throw new Error("graphql-ws operation without an authenticated viewer");
      const operation: RunningOperation = { run: pipeline.startOperation(payload.operationName), requestId: randomUUID() };
      // Kept for onError, which sends a refusal with the operation's request id.
      state.operations.set(id, operation);
      // graphql-ws lists this operation already, and drops one as soon as it ends or its client completes it.
      if (Object.keys(ctx.subscriptions).length > maxPerConnection) {
        operation.run.refuse(payload.query);
        return [tooManySubscriptions(maxPerConnection)];
      }
      const prepared = pipeline.prepare(payload);
      if ("errors" in prepared) {
        operation.run.refuse(payload.query);
        return prepared.errors;
      }
      if (!operation.run.identify(prepared.document)) {
        operation.run.refuse();
        return [unknownOperation(payload.operationName)];
      }
      operation.context = pipeline.createContext(state.viewer, operation.requestId);
      live.register(operation.context, { socket: ctx.extra.socket, operationId: id, requestId: operation.requestId, run: operation.run });
      const { schema } = pipeline;
      return { schema, document: prepared.document, operationName: payload.operationName, variableValues: payload.variables, contextValue: operation.context };
    },
    onNext: (ctx, id, _payload, args, result) => {
      const context = args.contextValue as GatewayContext;
      if (!result.errors && context.staleData.size === 0) return;
      if (result.errors) stateOf(ctx).operations.get(id)?.run.fail();
      const errors = result.errors?.map((error) => pipeline.formatError(error.toJSON(), error));
      return pipeline.completeResponse({ ...result, errors }, context);
    },
    onError: (ctx, id, _payload, errors) => {
      const operations = stateOf(ctx).operations;
      const operation = operations.get(id);
      operation?.run.fail();
      // A refused operation never completes: this is its end.
      if (operation && !operation.context) operations.delete(id);
      const formatted = errors.map((error) => pipeline.formatError(error.toJSON(), refusalBehind(error)));
      return pipeline.completeResponse({ errors: formatted }, operation?.context ?? operation).errors ?? formatted;
    },
    onComplete: (ctx, id) => {
      const state = stateOf(ctx);
      state.operations.get(id)?.run.end();
      state.operations.delete(id);
    },
  };
}

/** No operation of the document has that name (or it has several and none was named): as Apollo answers over HTTP. */
function unknownOperation(operationName: string | null | undefined): GraphQLError {
  const message = operationName ? `Unknown operation named "${operationName}".` : "Must provide operation name if query contains multiple operations.";
  return new GraphQLError(message, { extensions: { code: "OPERATION_RESOLUTION_FAILURE" } });
}
