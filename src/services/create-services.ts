import type { Config } from "../config.js";
import type { PlaidDataSource } from "../datasources/plaid/plaid-datasource.js";
import { SimulatorControl } from "../datasources/plaid/simulator-control.js";
import type { Store } from "../datasources/store/store.js";
import type { TokenCipher } from "../datasources/store/token-cipher.js";
import type { Logger } from "../logger.js";
import type { ItemEventFeed, ItemEventPublisher } from "./item-event-ports.js";
import { ConsentService } from "./consent.service.js";
import { ItemReconciler } from "./item-reconciler.js";
import { ItemStatusStream } from "./item-status-stream.js";
import { ItemsService } from "./items.service.js";
import { LinkService } from "./link.service.js";
import { RemovalService } from "./removal.service.js";
import { SandboxService } from "./sandbox.service.js";
import type { Services } from "./services.js";
import { UpdateModeService } from "./update-mode.service.js";
import { UsersService } from "./users.service.js";
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
}

/** Every use case, wired to its datasources. */
export function createServices(deps: ServiceDeps): { services: Services; ingest: WebhookIngestService; reconciler: ItemReconciler } {
  const { config, store, plaid, cipher, events, logger, webhookUrl } = deps;
  const env = config.plaid.env;
  const clientName = config.plaid.clientName;
  const users = new UsersService(store, plaid);
  const items = new ItemsService(store, cipher, events, logger, { snapshotMaxAgeMs: config.plaid.snapshotMaxAgeSeconds * 1000 });
  const link = new LinkService(store, plaid, users, items, logger, { env, clientName, webhookUrl });
  const services: Services = {
    users,
    items,
    link,
    consent: new ConsentService(),
    updateMode: new UpdateModeService(store, plaid, items, { env, clientName }),
    removal: new RemovalService(store, plaid, items),
    sandbox: new SandboxService(plaid, deps.simulatorUrl ? new SimulatorControl(deps.simulatorUrl) : null, users, items, link, { env, webhookUrl }),
    stream: new ItemStatusStream(store, events, logger),
  };
  const reconciler = new ItemReconciler(store, plaid, items, logger);
  const ingest = new WebhookIngestService(store, items, reconciler, logger);
  return { services, ingest, reconciler };
}
