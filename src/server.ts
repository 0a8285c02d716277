import "reflect-metadata";
import { expressMiddleware } from "@as-integrations/express5";
import express from "express";
import { GraphQLError } from "graphql";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Authenticator } from "./auth/authenticator.js";
import { signDevToken } from "./auth/dev-token.js";
import { decodeKey, type Config } from "./config.js";
import type { GatewayContext } from "./context.js";
import { createPlaidApi } from "./datasources/plaid/plaid-client.js";
import { PlaidDataSource, type PlaidCallRecord } from "./datasources/plaid/plaid-datasource.js";
import { SimulatorControl } from "./datasources/plaid/simulator-control.js";
import { openStore, type Store } from "./datasources/store/store.js";
import { TokenCipher } from "./datasources/store/token-cipher.js";
import { GatewayError } from "./domain/errors.js";
import { createApolloServer } from "./http/graphql-server.js";
import { requestIdFrom } from "./http/request-id.js";
import { createLogger, type Logger } from "./logger.js";
import { buildGatewaySchema } from "./schema/build-schema.js";
import { readOrCreateSecretFile } from "./secret-file.js";
import { ConsentService } from "./services/consent.service.js";
import { ItemsService } from "./services/items.service.js";
import { LinkService } from "./services/link.service.js";
import { RemovalService } from "./services/removal.service.js";
import { SandboxService } from "./services/sandbox.service.js";
import { UpdateModeService } from "./services/update-mode.service.js";
import type { Services } from "./services/services.js";
import { UsersService } from "./services/users.service.js";
import { startPlaidSimulator, type PlaidSimulator, type PlaidSimulatorOptions } from "./simulator/index.js";
import { createContextFactory } from "./http/context-factory.js";
import { createErrorFormatter } from "./http/format-error.js";
import { ItemReconciler } from "./services/item-reconciler.js";
import { ItemStatusStream } from "./services/item-status-stream.js";
import { WebhookIngestService } from "./services/webhook-ingest.service.js";
import { attachGraphqlWs } from "./subscriptions/graphql-ws-server.js";
import { createInProcessEventBus, type ItemEventBus } from "./subscriptions/item-event-bus.js";
import { createRedisEventBus } from "./subscriptions/redis-item-event-bus.js";
import { PlaidWebhookVerifier } from "./webhooks/verify-plaid-webhook.js";
import { webhookRouter, type WebhookResult } from "./webhooks/webhook-route.js";

export interface GatewayOptions {
  logger?: Logger;
  /** A store opened by the caller (tests); the gateway opens its own from the configuration otherwise. */
  store?: Store;
  /** Extra options for the in-process simulator (PLAID_ENV=simulator). */
  simulator?: Pick<PlaidSimulatorOptions, "onExchange" | "timeScale">;
  /** Told about every Plaid call the gateway makes. */
  onPlaidCall?: (record: PlaidCallRecord) => void;
  /** Told the result of every webhook request. */
  onWebhook?: (result: WebhookResult) => void;
  /** Channel prefix for the Redis event bus (tests isolate runs with it). */
  redisChannelPrefix?: string;
}

/** A running gateway. */
export interface Gateway {
  /** Where the gateway listens, e.g. http://127.0.0.1:4000. */
  url: string;
  graphqlUrl: string;
  /** The in-process simulator, when PLAID_ENV=simulator and no SIMULATOR_URL is given. */
  simulator: PlaidSimulator | null;
  store: Store;
  events: ItemEventBus;
  /** Resolves when background confirmations with Plaid have finished. */
  idle(): Promise<void>;
  /** Signs a bearer token, when the gateway verifies HS256 tokens (not with a JWKS). */
  issueToken: ((user: string, options?: { admin?: boolean; expiresIn?: string }) => Promise<string>) | null;
  stop(): Promise<void>;
}

/** Body size limit for GraphQL requests. */
const GRAPHQL_BODY_LIMIT = "100kb";

/** Wires store, Plaid, services, schema and HTTP together and starts listening. */
export async function startGateway(config: Config, options: GatewayOptions = {}): Promise<Gateway> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const cleanups: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error) => logger.warn({ err: error }, "error while stopping"));
    }
  };

  try {
    const authSecret = config.auth.jwtSecret
      ? new TextEncoder().encode(config.auth.jwtSecret)
      : config.auth.jwksUrl
        ? undefined
        : readOrCreateSecretFile(path.join(config.dataDir, "auth-hs256.key"));
    const authenticator = new Authenticator({ secret: authSecret, jwksUrl: config.auth.jwksUrl, issuer: config.auth.issuer, audience: config.auth.audience });
    const tokenKey = config.tokenEncryptionKey ? decodeKey(config.tokenEncryptionKey)! : readOrCreateSecretFile(path.join(config.dataDir, "token-encryption.key"));
    const cipher = new TokenCipher([tokenKey]);

    const store = options.store ?? (await openStore({ databaseUrl: config.databaseUrl, pgliteDir: path.join(config.dataDir, "pglite") }));
    if (!options.store) cleanups.push(() => store.close());

    let simulator: PlaidSimulator | null = null;
    let plaidCredentials = { clientId: config.plaid.clientId ?? "", secret: config.plaid.secret ?? "" };
    if (config.plaid.env === "simulator" && !config.plaid.simulatorUrl) {
      plaidCredentials = {
        clientId: config.plaid.clientId ?? randomBytes(12).toString("hex"),
        secret: config.plaid.secret ?? randomBytes(15).toString("hex"),
      };
      simulator = await startPlaidSimulator({
        host: "127.0.0.1",
        port: config.plaid.simulatorPort,
        ...plaidCredentials,
        stateFile: path.join(config.dataDir, "simulator-state.json"),
        logger: logger.child({ component: "simulator" }),
        ...options.simulator,
      });
      const running = simulator;
      cleanups.push(() => running.close());
    }
    const simulatorUrl = config.plaid.simulatorUrl ?? simulator?.url ?? null;
    const plaidApi = createPlaidApi({ env: config.plaid.env, ...plaidCredentials, basePath: simulatorUrl ?? undefined });
    const plaid = new PlaidDataSource(plaidApi, logger.child({ component: "plaid" }), options.onPlaidCall);

    const events: ItemEventBus = config.redisUrl
      ? await createRedisEventBus({ redisUrl: config.redisUrl, logger: logger.child({ component: "event-bus" }), channelPrefix: options.redisChannelPrefix })
      : createInProcessEventBus({ logger });
    cleanups.push(() => events.close());
    let webhookUrl: string | null = null;
    const users = new UsersService(store, plaid);
    const items = new ItemsService(store, cipher, events, logger, { snapshotMaxAgeMs: config.plaid.snapshotMaxAgeSeconds * 1000 });
    const link = new LinkService(store, plaid, users, items, logger, { env: config.plaid.env, clientName: config.plaid.clientName, webhookUrl: () => webhookUrl });
    const services: Services = {
      users,
      items,
      link,
      consent: new ConsentService(),
      updateMode: new UpdateModeService(store, plaid, items, { env: config.plaid.env, clientName: config.plaid.clientName }),
      removal: new RemovalService(store, plaid, items),
      sandbox: new SandboxService(plaid, simulatorUrl ? new SimulatorControl(simulatorUrl) : null, users, items, link, {
        env: config.plaid.env,
        webhookUrl: () => webhookUrl,
      }),
      stream: new ItemStatusStream(store, events, logger),
    };
    const reconciler = new ItemReconciler(store, plaid, items, logger);
    cleanups.push(() => reconciler.idle());
    const ingest = new WebhookIngestService(store, items, reconciler, logger);
    if (!config.webhookVerification) {
      logger.warn("WEBHOOK_VERIFICATION=off: webhooks are NOT verified; anyone who can reach /webhooks/plaid can change Item statuses. Never run like this outside a local experiment.");
    }
    const verifier = config.webhookVerification ? new PlaidWebhookVerifier({ fetchKey: (kid) => plaid.getWebhookVerificationKey(kid) }) : null;
    const createContext = createContextFactory({ store, plaid, cipher, services, logger });

    const schema = await buildGatewaySchema();
    const app = express();
    app.disable("x-powered-by");
    const httpServer: Server = createServer(app);
    const apollo = createApolloServer(schema, httpServer, logger);
    await apollo.start();
    cleanups.push(() => apollo.stop());

    app.use(webhookRouter({ verifier, ingest, logger, onResult: options.onWebhook }));
    app.use(
      "/graphql",
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
    );
    const ws = attachGraphqlWs({ httpServer, schema, authenticator, createContext, formatError: createErrorFormatter(logger), logger });
    cleanups.push(() => ws.close());

    await new Promise<void>((resolve, reject) => {
      httpServer.once("error", reject);
      httpServer.listen(config.port, config.host, () => {
        httpServer.off("error", reject);
        resolve();
      });
    });
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          httpServer.closeAllConnections();
          httpServer.close(() => resolve());
        }),
    );
    const address = httpServer.address() as AddressInfo;
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    const url = `http://${host === "0.0.0.0" || host === "[::]" ? "127.0.0.1" : host}:${address.port}`;
    webhookUrl = `${config.publicUrl ?? url}/webhooks/plaid`;

    logger.info({ url: `${url}/graphql`, plaidEnv: config.plaid.env, store: store.db.kind, simulator: simulator?.url }, "gateway listening");
    return {
      url,
      graphqlUrl: `${url}/graphql`,
      simulator,
      store,
      events,
      idle: () => reconciler.idle(),
      issueToken: authSecret
        ? (user, tokenOptions = {}) =>
            signDevToken(authSecret, { user, admin: tokenOptions.admin, expiresIn: tokenOptions.expiresIn, issuer: config.auth.issuer, audience: config.auth.audience })
        : null,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
