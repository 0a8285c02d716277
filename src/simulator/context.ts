import type { SimulatorClock } from "./clock.js";
import type { FaultInjector } from "./faults.js";
import type { SimulatorLogger, SimulatorSettings } from "./settings.js";
import type { RateLimiter } from "./rate-limits.js";
import type { SimulatorState } from "./state.js";
import type { WebhookDispatcher } from "./webhook-delivery.js";
import type { WebhookSigner } from "./webhook-signer.js";

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
