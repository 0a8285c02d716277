import { UpstreamUnavailableError } from "../../domain/errors.js";

/** The built-in simulator's own control API, for what Plaid's Sandbox endpoints cannot do. */
export class SimulatorControl {
  constructor(private readonly baseUrl: string) {}

  /** Brings the Item's consent to within seven days of expiry, so the simulator sends PENDING_EXPIRATION. */
  async expireConsentSoon(itemId: string): Promise<void> {
    const response = await fetch(`${this.baseUrl}/simulator/items/${encodeURIComponent(itemId)}/consent-expiring`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new UpstreamUnavailableError("/simulator/items/consent-expiring", `HTTP ${response.status}`);
  }
}
