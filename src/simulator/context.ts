import type { SimulatorClock } from "./clock.js";
import type { FaultInjector } from "./faults.js";
import type { RateLimiter } from "./rate-limits.js";
import type { SimulatorState } from "./state.js";
import type { WebhookDispatcher } from "./webhook-delivery.js";
import type { WebhookSigner } from "./webhook-signer.js";

export interface SimulatorLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: SimulatorLogger = { info() {}, warn() {}, error() {} };

/** Switches the control API can flip at run time. */
export interface SimulatorSettings {
  /** Consent events younger than this many hours are hidden from /consent/events/get (0 = show all). */
  consentEventsDelayHours: number;
  /** Multiplies every webhook retry delay. */
  timeScale: number;
  /** How long a webhook receiver has to answer before the attempt counts as failed. */
  webhookTimeoutMs: number;
}

/** Everything a route needs: state, time, webhooks and the knobs tests turn. */
export interface SimulatorContext {
  state: SimulatorState;
  clock: SimulatorClock;
  settings: SimulatorSettings;
  logger: SimulatorLogger;
  signer: WebhookSigner;
  webhooks: WebhookDispatcher;
  rateLimiter: RateLimiter;
  faults: FaultInjector;
  credentials: { clientId: string; secret: string };
}
