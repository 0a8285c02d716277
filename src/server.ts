import "reflect-metadata";
import express from "express";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Authenticator } from "./auth/authenticator.js";
import { signDevToken } from "./auth/dev-token.js";
import { storeOptionsOf, type Config } from "./config.js";
import { createPlaidApi } from "./datasources/plaid/plaid-client.js";
import { PlaidDataSource, type PlaidCallRecord } from "./datasources/plaid/plaid-datasource.js";
import type { PlaidResilienceOptions } from "./datasources/plaid/plaid-policies.js";
import { migrationsComplete } from "./datasources/store/migrate.js";
import { openStore, type Store } from "./datasources/store/store.js";
import { openTokenCipher } from "./datasources/store/token-keys.js";
import { createContextFactory } from "./graphql/context.js";
import { GraphqlPipeline } from "./graphql/pipeline.js";
import { buildGatewaySchema } from "./graphql/schema.js";
import { requestLogging } from "./http/access-log.js";
import { createApolloServer, type PersistedQuerySettings } from "./http/apollo-server.js";
import { persistedQuerySettings } from "./persisted-queries.js";
import { browserPages } from "./http/browser-pages.js";
import { graphqlHandlers } from "./http/graphql-route.js";
import { healthRoutes, plaidCredentialsCheck } from "./http/health.js";
import { apiFallbacks, corsPolicy, securityHeaders } from "./http/http-surface.js";
import { createLogger, type Logger } from "./logger.js";
import { createGatewayMetrics, type GatewayMetrics } from "./metrics/gateway-metrics.js";
import { readOrCreateSecretFile } from "./secret-file.js";
import { createServices, type ServiceSet } from "./services/create-services.js";
import { INSTITUTIONS } from "./simulator/institutions.js";
import { startPlaidSimulator, type PlaidSimulator, type PlaidSimulatorOptions } from "./simulator/index.js";
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

/** What stopping the gateway undoes, in reverse order of starting. */
class Cleanups {
  private readonly steps: Array<() => Promise<void> | void> = [];
  constructor(private readonly logger: Logger) {}

  push(step: () => Promise<void> | void): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      await Promise.resolve()
        .then(step)
        .catch((error: unknown) => this.logger.warn({ err: error }, "error while stopping"));
    }
  }
}

/** The parts every transport shares, wired from the configuration. */
interface Core {
  metrics: GatewayMetrics;
  authenticator: Authenticator;
  authSecret: Uint8Array | undefined;
  store: Store;
  plaid: PlaidDataSource;
  simulator: PlaidSimulator | null;
  events: ItemEventBus;
  serviceSet: ServiceSet;
  /** Automatic persisted queries (in Redis with REDIS_URL), or off in allow-list mode. */
  persistedQueries: PersistedQuerySettings;
  /** Where Plaid sends this gateway's webhooks; known once the server listens. */
  setWebhookUrl(url: string | null): void;
}

/** Wires store, Plaid, services, schema and HTTP together and starts listening. */
export async function startGateway(config: Config, options: GatewayOptions = {}): Promise<Gateway> {
  const logger = options.logger ?? createLogger({ level: config.logLevel, format: config.logFormat });
  const cleanups = new Cleanups(logger);
  try {
    const core = await wireCore(config, options, logger, cleanups);
    let developmentToken: string | null = null;
    const { httpServer } = await serveHttp(config, core, options, logger, cleanups, () => developmentToken);
    const url = await listen(httpServer, config);
    core.setWebhookUrl(webhookUrlOf(config, url, logger));
    // Started once the webhook URL is known (the sweep repairs Items' webhooks); stopped first of all.
    core.serviceSet.sweep.start();
    cleanups.push(() => core.serviceSet.sweep.stop());
    logger.info({ url: `${url}/graphql`, plaidEnv: config.plaid.env, store: core.store.db.kind, simulator: core.simulator?.url }, "gateway listening");
    const { authSecret } = core;
    return {
      url,
      graphqlUrl: `${url}/graphql`,
      simulator: core.simulator,
      store: core.store,
      events: core.events,
      idle: () => settle(core.serviceSet),
      issueToken: authSecret
        ? (user, tokenOptions = {}) =>
            signDevToken(authSecret, { user, admin: tokenOptions.admin, expiresIn: tokenOptions.expiresIn, issuer: config.auth.issuer, audience: config.auth.audience })
        : null,
      showDevelopmentToken: (token) => {
        developmentToken = config.auth.configured ? null : token;
      },
      stop: () => cleanups.run(),
    };
  } catch (error) {
    await cleanups.run();
    throw error;
  }
}

/** Metrics, auth, store, Plaid (or the simulator), the event bus and the services. */
async function wireCore(config: Config, options: GatewayOptions, logger: Logger, cleanups: Cleanups): Promise<Core> {
  const metrics = createGatewayMetrics();
  cleanups.push(() => metrics.close());
  const authSecret = config.auth.jwtSecret
    ? new TextEncoder().encode(config.auth.jwtSecret)
    : config.auth.jwksUrl
      ? undefined
      : readOrCreateSecretFile(config.paths.authSecretFile);
  const authenticator = new Authenticator({ secret: authSecret, jwksUrl: config.auth.jwksUrl, issuer: config.auth.issuer, audience: config.auth.audience });
  const cipher = openTokenCipher(config);
  const store = options.store ?? (await openStore(storeOptionsOf(config)));
  if (!options.store) cleanups.push(() => store.close());
  const simulator = await startEmbeddedSimulator(config, options, logger, cleanups);
  const simulatorUrl = config.plaid.simulatorUrl ?? simulator?.url ?? null;
  const plaidApi = createPlaidApi({ env: config.plaid.env, ...config.plaid.credentials, basePath: simulatorUrl ?? undefined });
  const onPlaidCall = (record: PlaidCallRecord) => {
    metrics.plaidCall(record);
    options.onPlaidCall?.(record);
  };
  const plaid = new PlaidDataSource(plaidApi, logger.child({ component: "plaid" }), onPlaidCall, { timeoutMs: config.plaid.timeoutMs, ...options.plaidResilience });
  const persistedQueries = persistedQuerySettings(config, logger);
  cleanups.push(() => persistedQueries.close());
  const events = metrics.observeEventBus(
    config.redisUrl
      ? await createRedisEventBus({ redisUrl: config.redisUrl, logger: logger.child({ component: "event-bus" }), channelPrefix: config.redisChannelPrefix })
      : createInProcessEventBus({ logger }),
  );
  cleanups.push(() => events.close());
  let webhookUrl: string | null = null;
  const serviceSet = createServices({ config, store, plaid, cipher, events, simulatorUrl, webhookUrl: () => webhookUrl, logger, reconcileObserver: metrics.reconcile });
  cleanups.push(() => settle(serviceSet));
  const setWebhookUrl = (url: string | null) => {
    webhookUrl = url;
  };
  return { metrics, authenticator, authSecret, store, plaid, simulator, events, serviceSet, persistedQueries: persistedQueries.settings, setWebhookUrl };
}

/** Waits for the work committed webhooks leave behind: publishing their events, then confirming Items with Plaid (and repairing their webhooks). */
async function settle({ ingest, reconciler, webhookRepair }: ServiceSet): Promise<void> {
  await ingest.idle();
  await reconciler.idle();
  await webhookRepair.idle();
}

/**
 * Where Plaid is to send this gateway's webhooks: PUBLIC_URL's (or, with the simulator, the listening
 * address's) /webhooks/plaid; null when Plaid cannot reach the gateway, so Items are linked without a
 * webhook (the reconciliation sweep keeps them current) and get one once PUBLIC_URL is set.
 */
function webhookUrlOf(config: Config, listeningUrl: string, logger: Logger): string | null {
  if (config.reconcile.webhooksReachable) return `${config.publicUrl ?? listeningUrl}/webhooks/plaid`;
  logger.warn(
    "Plaid cannot reach a gateway without a PUBLIC_URL or with a loopback one: Items are linked without a webhook and none is pointed here; the reconciliation sweep keeps them current. Set PUBLIC_URL to the gateway's public address.",
  );
  return null;
}

/** The built-in simulator (PLAID_ENV=simulator without SIMULATOR_URL), or null. */
async function startEmbeddedSimulator(config: Config, options: GatewayOptions, logger: Logger, cleanups: Cleanups): Promise<PlaidSimulator | null> {
  if (config.plaid.env !== "simulator" || config.plaid.simulatorUrl) return null;
  const simulator = await startPlaidSimulator({
    host: "127.0.0.1",
    port: config.plaid.simulatorPort,
    ...config.plaid.credentials,
    stateFile: config.paths.simulatorStateFile,
    logger: logger.child({ component: "simulator" }),
    ...options.simulator,
  });
  cleanups.push(() => simulator.close());
  return simulator;
}

/** The HTTP surface (GraphQL over HTTP and WebSocket, webhooks, pages, health, metrics) on one server. */
async function serveHttp(config: Config, core: Core, options: GatewayOptions, logger: Logger, cleanups: Cleanups, developmentToken: () => string | null) {
  const { services, ingest, openScope } = core.serviceSet;
  const pipeline = new GraphqlPipeline({
    schema: await buildGatewaySchema(),
    limits: config.graphql,
    createContext: createContextFactory({ services, openScope, logger }),
    logger,
    observer: core.metrics.operation,
    persistedDocuments: config.persistedDocuments,
  });
  const app = express();
  app.disable("x-powered-by");
  // Answers are `no-store`: an ETag over every body would cost time and serve no cache (the pages' assets set their own).
  app.disable("etag");
  app.use(requestLogging(logger));
  app.use(securityHeaders());
  const storeProbe = { ping: () => core.store.db.query("SELECT 1"), migrationsComplete: () => migrationsComplete(core.store.db) };
  const plaidCredentials = plaidCredentialsCheck({ check: () => core.plaid.checkCredentials(), clientId: config.plaid.credentials.clientId, logger });
  // Checked before serving: refused credentials are in the log at start, and the check's call is not mixed into the first requests'.
  await plaidCredentials.current();
  app.use(healthRoutes({ store: storeProbe, eventBusHealth: () => core.events.health(), redisConfigured: Boolean(config.redisUrl), plaidCredentials, logger }));
  app.get("/metrics", core.metrics.handler);
  const httpServer: Server = createServer(app);
  // Stopping runs in reverse: WebSockets close first, then Apollo drains HTTP (letting requests in
  // flight, webhooks among them, finish) and closes the server; this only ends what is left after that.
  cleanups.push(() => closeServer(httpServer));
  const apollo = createApolloServer(pipeline, httpServer, logger, core.persistedQueries);
  await apollo.start();
  cleanups.push(() => apollo.stop());
  const onWebhook = (result: WebhookResult) => {
    core.metrics.webhook(result);
    options.onWebhook?.(result);
  };
  app.use(webhookRouter({ verifier: webhookVerifier(config, core.plaid, logger), ingest, logger, onResult: onWebhook }));
  const institutions = INSTITUTIONS.map((institution) => ({ id: institution.institution_id, name: institution.name }));
  app.use(browserPages({ config, authenticator: core.authenticator, simulatorLink: services.simulatorLink, institutions, developmentToken, logger }));
  app.use("/graphql", corsPolicy(config.corsOrigins));
  app.use("/graphql", ...graphqlHandlers(apollo, core.authenticator, pipeline));
  app.use(...apiFallbacks(logger));
  const ws = attachGraphqlWs({ httpServer, pipeline, authenticator: core.authenticator, logger, limits: config.websocket });
  cleanups.push(() => ws.close());
  return { httpServer };
}

/** Verifies webhooks as Plaid signs them, unless verification was explicitly turned off for a local experiment. */
function webhookVerifier(config: Config, plaid: PlaidDataSource, logger: Logger): PlaidWebhookVerifier | null {
  if (config.webhookVerification) return new PlaidWebhookVerifier({ fetchKey: (kid) => plaid.getWebhookVerificationKey(kid) });
  logger.warn(
    "WEBHOOK_VERIFICATION=off: webhooks are NOT verified; anyone who can reach /webhooks/plaid can change Item statuses. Never run like this outside a local experiment.",
  );
  return null;
}

/**
 * Connections waiting to be accepted: Node's default (511) overflows when thousands of dashboards
 * connect at once, and every dropped SYN costs its client a retransmit of a second or more. The
 * kernel caps it at net.core.somaxconn.
 */
const LISTEN_BACKLOG = 8192;

/** Listens on the configured address; answers the base URL clients use. */
async function listen(httpServer: Server, config: Config): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    const refuse = (error: NodeJS.ErrnoException) => {
      const why = error.code === "EADDRINUSE" ? "already in use" : error.message;
      reject(new Error(`cannot listen on PORT=${config.port} (HOST=${config.host}): ${why}`, { cause: error }));
    };
    httpServer.once("error", refuse);
    httpServer.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG }, () => {
      httpServer.off("error", refuse);
      resolve();
    });
  });
  const address = httpServer.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `http://${host === "0.0.0.0" || host === "[::]" ? "127.0.0.1" : host}:${address.port}`;
}

function closeServer(httpServer: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!httpServer.listening) return resolve();
    httpServer.closeAllConnections();
    httpServer.close(() => resolve());
  });
}
