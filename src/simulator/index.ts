import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { SimulatorClock } from "./clock.js";
import type { SimulatorContext } from "./context.js";
import { silentLogger } from "./settings.js";
import { FaultInjector } from "./faults.js";
import { sweepItems } from "./item-lifecycle.js";
import { RateLimiter } from "./rate-limits.js";
import { createApp } from "./server.js";
import { SimulatorState } from "./state.js";
import { WebhookDispatcher } from "./webhook-delivery.js";
import { WebhookSigner } from "./webhook-signer.js";

export interface PlaidSimulatorOptions {
  /** Default "127.0.0.1". */
  host?: string;
  /** Default 0: a random free port. */
  port?: number;
  /**
   * The credentials the simulator accepts (headers PLAID-CLIENT-ID / PLAID-SECRET, or the body). When
   * omitted, the ones kept in the state file are used, or new ones are made (and kept there).
   */
  clientId?: string;
  secret?: string;
  /** When set, users, Items, tokens, consent events, signing keys and credentials are loaded from and saved to this JSON file. */
  stateFile?: string;
  /** Multiplies every webhook retry delay (default 1). */
  timeScale?: number;
  /** pino-compatible; the simulator never logs tokens, secrets or webhook JWTs. */
  logger?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
  /** Called for every Plaid API request answered (not for /simulator/* control calls). */
  onExchange?: (exchange: SimulatorExchange) => void;
}

export interface SimulatorExchange {
  path: string;
  request: unknown;
  status: number;
  response: unknown;
  /** The Item the request addressed (resolved from access_token/public_token), when there is one. */
  itemId?: string;
}

export interface PlaidSimulator {
  /** e.g. "http://127.0.0.1:40123" */
  url: string;
  /** What it accepts: the given credentials, those kept in the state file, or new ones. */
  credentials: { clientId: string; secret: string };
  /** Stops the server and pending webhook deliveries. */
  close(): Promise<void>;
}

/** A client id and secret shaped as Plaid's (hexadecimal, 24 and 30 characters). */
function newCredentials(): { clientId: string; secret: string } {
  return { clientId: randomBytes(12).toString("hex"), secret: randomBytes(15).toString("hex") };
}

/** Time-based Item transitions (consent expiry, the Sandbox 30-day login) are also checked on this interval. */
const SWEEP_INTERVAL_MS = 30_000;

/** Starts a local, faithful stand-in for Plaid's Sandbox API and its webhooks. */
export async function startPlaidSimulator(options: PlaidSimulatorOptions): Promise<PlaidSimulator> {
  const timeScale = options.timeScale ?? 1;
  if (!Number.isFinite(timeScale) || timeScale <= 0) throw new Error("timeScale must be a positive number");
  const logger = options.logger ?? silentLogger;
  const state = new SimulatorState(options.stateFile);
  state.load();
  state.credentials = options.clientId && options.secret ? { clientId: options.clientId, secret: options.secret } : (state.credentials ?? newCredentials());
  const credentials = state.credentials;
  const clock = new SimulatorClock();
  const settings = { consentEventsDelayHours: 0, timeScale, webhookTimeoutMs: 10_000 };
  const signer = new WebhookSigner(state, clock);
  await signer.init();
  const webhooks = new WebhookDispatcher({
    signer,
    settings,
    logger,
    onSent(itemId, code) {
      const item = state.items.get(itemId);
      if (item) item.last_webhook = { sent_at_ms: clock.nowMs(), code_sent: code };
      state.save();
    },
  });
  const ctx: SimulatorContext = {
    state,
    clock,
    settings,
    logger,
    signer,
    webhooks,
    rateLimiter: new RateLimiter(),
    faults: new FaultInjector(),
    credentials,
  };
  state.save();

  const onExchange = options.onExchange;
  const app = createApp(ctx, (exchange) => {
    try {
      onExchange?.(exchange);
    } catch (err) {
      logger.warn({ err: String(err) }, "onExchange callback threw");
    }
  });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(options.port ?? 0, options.host ?? "127.0.0.1", (err?: Error) => (err ? reject(err) : resolve(s)));
    s.once("error", reject);
  });
  const sweep = setInterval(() => {
    sweepItems(ctx);
    state.save();
  }, SWEEP_INTERVAL_MS);
  sweep.unref();

  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.info({ url }, "plaid simulator listening");

  let closed: Promise<void> | null = null;
  return {
    url,
    credentials,
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        clearInterval(sweep);
        webhooks.close();
        state.save();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
