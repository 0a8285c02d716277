import "reflect-metadata";
import express from "express";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Authenticator } from "./auth/authenticator.js";
import { signDevToken } from "./auth/dev-token.js";
import type { Config } from "./config.js";
import { createPlaidApi } from "./datasources/plaid/plaid-client.js";
import { PlaidDataSource, type PlaidCallRecord } from "./datasources/plaid/plaid-datasource.js";
import type { PlaidResilienceOptions } from "./datasources/plaid/plaid-policies.js";
import { openStore, type Store } from "./datasources/store/store.js";
import { openTokenCipher } from "./datasources/store/token-keys.js";
import { requestLogging } from "./http/access-log.js";
import { browserPages } from "./http/browser-pages.js";
import { createApolloServer } from "./http/graphql-server.js";
import { healthRoutes } from "./http/health.js";
import { createGatewayMetrics } from "./http/metrics.js";
import { apiFallbacks, corsPolicy, securityHeaders } from "./http/http-surface.js";
import { createLogger, type Logger } from "./logger.js";
import { buildGatewaySchema } from "./graphql/schema.js";
import { readOrCreateSecretFile } from "./secret-file.js";
import { startPlaidSimulator, type PlaidSimulator, type PlaidSimulatorOptions } from "./simulator/index.js";
import { createContextFactory } from "./graphql/context.js";
import { graphqlHandlers } from "./http/graphql-route.js";
import { createServices } from "./services/create-services.js";
import { createErrorFormatter } from "./graphql/format-error.js";
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
  /** Overrides for Plaid timeouts, retries, circuit breakers and 429 cool-downs (the timeout defaults to PLAID_TIMEOUT_MS). */
  plaidResilience?: PlaidResilienceOptions;
  /** Told the result of every webhook request. */
  onWebhook?: (result: WebhookResult) => void;
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
  /**
   * The development token GraphiQL and the dashboard pre-fill for browsers on this machine; ignored
   * unless this is the embedded default (no AUTH_JWT_SECRET or AUTH_JWKS_URL).
   */
  showDevelopmentToken(token: string | null): void;
  stop(): Promise<void>;
}

/** Wires store, Plaid, services, schema and HTTP together and starts listening. */
export async function startGateway(config: Config, options: GatewayOptions = {}): Promise<Gateway> {
  const logger = options.logger ?? createLogger({ level: config.logLevel, format: config.logFormat });
  const cleanups: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error) => logger.warn({ err: error }, "error while stopping"));
    }
  };

  try {
    const metrics = createGatewayMetrics();
    cleanups.push(async () => metrics.close());
    const onPlaidCall = (record: PlaidCallRecord) => {
      metrics.plaidCall(record);
      options.onPlaidCall?.(record);
    };
    const onWebhook = (result: WebhookResult) => {
      metrics.webhook(result);
      options.onWebhook?.(result);
    };
    const authSecret = config.auth.jwtSecret
      ? new TextEncoder().encode(config.auth.jwtSecret)
      : config.auth.jwksUrl
        ? undefined
        : readOrCreateSecretFile(path.join(config.dataDir, "auth-hs256.key"));
    const authenticator = new Authenticator({ secret: authSecret, jwksUrl: config.auth.jwksUrl, issuer: config.auth.issuer, audience: config.auth.audience });
    const cipher = openTokenCipher(config);

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
    const plaid = new PlaidDataSource(plaidApi, logger.child({ component: "plaid" }), onPlaidCall, {
      timeoutMs: config.plaid.timeoutMs,
      ...options.plaidResilience,
    });

    const events: ItemEventBus = metrics.observeEventBus(
      config.redisUrl
        ? await createRedisEventBus({ redisUrl: config.redisUrl, logger: logger.child({ component: "event-bus" }), channelPrefix: config.redisChannelPrefix })
        : createInProcessEventBus({ logger }),
    );
    cleanups.push(() => events.close());
    let webhookUrl: string | null = null;
    const { services, ingest, reconciler } = createServices({ config, store, plaid, cipher, events, simulatorUrl, webhookUrl: () => webhookUrl, logger });
    cleanups.push(() => reconciler.idle());
    if (!config.webhookVerification) {
      logger.warn(
        "WEBHOOK_VERIFICATION=off: webhooks are NOT verified; anyone who can reach /webhooks/plaid can change Item statuses. Never run like this outside a local experiment.",
      );
    }
    const verifier = config.webhookVerification ? new PlaidWebhookVerifier({ fetchKey: (kid) => plaid.getWebhookVerificationKey(kid) }) : null;
    const createContext = createContextFactory({ store, plaid, cipher, services, logger });

    const schema = await buildGatewaySchema();
    const app = express();
    app.disable("x-powered-by");
    app.use(requestLogging(logger));
    app.use(securityHeaders());
    app.use(healthRoutes({ db: store.db, events, redisConfigured: Boolean(config.redisUrl), logger }));
    app.get("/metrics", metrics.handler);
    const httpServer: Server = createServer(app);
    // Stopping runs in reverse: WebSockets close first, then Apollo drains HTTP (letting requests in
    // flight, webhooks among them, finish) and closes the server; this only ends what is left after that.
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          if (!httpServer.listening) return resolve();
          httpServer.closeAllConnections();
          httpServer.close(() => resolve());
        }),
    );
    const apollo = createApolloServer(schema, httpServer, logger, config.graphql, metrics.apolloPlugin);
    await apollo.start();
    cleanups.push(() => apollo.stop());

    app.use(webhookRouter({ verifier, ingest, logger, onResult: onWebhook }));
    let developmentToken: string | null = null;
    app.use(browserPages({ config, authenticator, store, simulatorUrl, developmentToken: () => developmentToken, logger }));
    app.use("/graphql", corsPolicy(config.corsOrigins));
    app.use("/graphql", ...graphqlHandlers(apollo, authenticator, createContext));
    app.use(...apiFallbacks(logger));
    const ws = attachGraphqlWs({
      httpServer,
      schema,
      authenticator,
      createContext,
      formatError: createErrorFormatter(logger),
      limits: config.graphql,
      logger,
      operations: metrics.wsOperations,
    });
    cleanups.push(() => ws.close());

    await new Promise<void>((resolve, reject) => {
      httpServer.once("error", reject);
      httpServer.listen(config.port, config.host, () => {
        httpServer.off("error", reject);
        resolve();
      });
    });
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
      showDevelopmentToken: (token) => {
        developmentToken = config.auth.jwtSecret || config.auth.jwksUrl ? null : token;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
