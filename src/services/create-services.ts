import type { Config } from "../config.js";
import type { PlaidDataSource } from "../datasources/plaid/plaid-datasource.js";
import { SimulatorControl } from "../datasources/plaid/simulator-control.js";
import { KeptAccessTokens } from "../datasources/store/kept-access-tokens.js";
import type { Store } from "../datasources/store/store.js";
import type { TokenCipher } from "../datasources/store/token-cipher.js";
import type { Viewer } from "../domain/viewer.js";
import type { Logger } from "../logger.js";
import { AccessTokenRotationService } from "./access-token-rotation.service.js";
import { ConsentService } from "./consent.service.js";
import type { ItemEventFeed, ItemEventPublisher } from "./item-event-ports.js";
import { ItemGate } from "./item-gate.js";
import { ItemLedger } from "./item-ledger.js";
import { ItemPlaidReads } from "./item-plaid-reads.js";
import { ItemReadCache } from "./item-read-cache.js";
import { ItemReconcileSweep } from "./item-reconcile-sweep.js";
import { ItemReconciler } from "./item-reconciler.js";
import { ItemStatusStream } from "./item-status-stream.js";
import { ItemWebhookRepair } from "./item-webhook-repair.js";
import { ItemsService } from "./items.service.js";
import { LinkSessions } from "./link-sessions.js";
import { LinkService } from "./link.service.js";
import { NodeService } from "./node.service.js";
import { RemovalService } from "./removal.service.js";
import { UNOBSERVED, type ReconcileObserver } from "./reconcile-observer.js";
import { openRequestScope } from "./request-loaders.js";
import type { RenewableScope } from "./request-scope.js";
import { SandboxService } from "./sandbox.service.js";
import type { Services } from "./services.js";
import { SimulatorLinkService } from "./simulator-link.service.js";
import { UpdateModeService } from "./update-mode.service.js";
import { UsersService } from "./users.service.js";
import { WebhookArrival } from "./webhook-arrival.js";
import { WebhookIngestService } from "./webhook-ingest.service.js";

export interface ServiceDeps {
  config: Config;
  store: Store;
  plaid: PlaidDataSource;
  cipher: TokenCipher;
  events: ItemEventPublisher & ItemEventFeed;
  /** The simulator's base URL when Plaid is the simulator (for what only its control API can do). */
  simulatorUrl: string | null;
  /** Where Plaid sends this gateway's webhooks; known once the server listens. */
  webhookUrl: () => string | null;
  logger: Logger;
  /** Told how the reconciliation sweep and the webhook URL repairs go (metrics). */
  reconcileObserver?: ReconcileObserver;
}

/** Every use case, wired to its datasources, and how a request opens its scope. */
export interface ServiceSet {
  services: Services;
  ingest: WebhookIngestService;
  reconciler: ItemReconciler;
  /** Confirms every live Item with Plaid in the background while this instance holds the sweeper's lock (started once the server listens). */
  sweep: ItemReconcileSweep;
  webhookRepair: ItemWebhookRepair;
  openScope: (viewer: Viewer) => RenewableScope;
}

export function createServices(deps: ServiceDeps): ServiceSet {
  const { config, store, plaid, cipher, events, logger, webhookUrl } = deps;
  const env = config.plaid.env;
  const clientName = config.plaid.clientName;
  const simulator = deps.simulatorUrl ? new SimulatorControl(deps.simulatorUrl) : null;
  const ledger = new ItemLedger(store, cipher, events, logger);
  const cache = new ItemReadCache(events);
  const gate = new ItemGate(store, cipher, ledger, cache);
  const reads = new ItemPlaidReads(gate, plaid, store, logger, ledger.now);
  const users = new UsersService(store, plaid);
  const items = new ItemsService(store, cache, gate, ledger, reads, logger, { snapshotMaxAgeMs: config.plaid.snapshotMaxAgeSeconds * 1000 });
  if (!config.publicTokenBinding) {
    logger.warn(
      "PUBLIC_TOKEN_BINDING=off: exchangePublicToken does not check that the public token came from the viewer's own link token; any signed-in user who learns another user's public token can take that Item. Only for Plaid accounts without Link events, outside production.",
    );
  }
  const sessions = new LinkSessions(store, plaid, cipher, logger, { binding: config.publicTokenBinding });
  const link = new LinkService(store, plaid, users, items, ledger, sessions, logger, { env, clientName, webhookUrl });
  const services: Services = {
    users,
    items,
    link,
    consent: new ConsentService(),
    nodes: new NodeService(store, gate, items, users),
    updateMode: new UpdateModeService(plaid, gate, ledger, reads, sessions, { env, clientName }),
    removal: new RemovalService(plaid, gate, ledger),
    sandbox: new SandboxService(plaid, simulator, users, gate, link, ledger, new WebhookArrival(store), { env, webhookUrl }),
    stream: new ItemStatusStream(store, events, logger),
    simulatorLink: new SimulatorLinkService(store, users, simulator),
    accessTokens: new AccessTokenRotationService(store, cipher, plaid, gate, ledger, new KeptAccessTokens(config.paths.keptAccessTokensDir), logger),
  };
  const reconciler = new ItemReconciler(gate, ledger, plaid, logger);
  const ingest = new WebhookIngestService(store, ledger, reconciler, logger);
  const { sweep, webhookRepair } = reconciliation(deps, { gate, reads, ledger });
  return { services, ingest, reconciler, sweep, webhookRepair, openScope: (viewer) => openRequestScope(viewer, { gate, reads, users }) };
}

/** The reconciliation sweep, and the repair of webhook URLs every /item/get answer is checked for. */
function reconciliation(deps: ServiceDeps, parts: { gate: ItemGate; reads: ItemPlaidReads; ledger: ItemLedger }) {
  const { config, store, plaid, logger, webhookUrl } = deps;
  const { gate, reads, ledger } = parts;
  const observer = deps.reconcileObserver ?? UNOBSERVED;
  const { intervalSeconds, maxShare, webhookRepair: enabled } = config.reconcile;
  const webhookRepair = new ItemWebhookRepair(gate, ledger, plaid, logger.child({ component: "webhook-repair" }), observer, { enabled, webhookUrl });
  ledger.onPlaidRead((itemId, read) => webhookRepair.check(itemId, read));
  const sweep = new ItemReconcileSweep(store, gate, reads, ledger, logger.child({ component: "reconcile" }), observer, { intervalMs: intervalSeconds * 1000, maxShare });
  return { sweep, webhookRepair };
}
