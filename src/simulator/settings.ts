/** Where the simulator logs; a pino logger fits. */
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
