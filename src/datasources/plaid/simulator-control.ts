import { BadInputError, UpstreamUnavailableError } from "../../domain/errors.js";

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

  /**
   * Finishes Link for a link token as the end user would (POST /simulator/link/complete). Answers the
   * Item an update-mode session repaired; a token the simulator does not know, or that expired, is
   * BAD_USER_INPUT. The simulator's public_token is not passed on.
   */
  async completeLink(linkToken: string): Promise<{ itemId: string | null }> {
    const response = await fetch(`${this.baseUrl}/simulator/link/complete`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ link_token: linkToken }),
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status === 400) {
      await response.body?.cancel();
      throw new BadInputError("The link token is unknown to Plaid or has expired: create a new one", { argument: "linkToken" });
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new UpstreamUnavailableError("/simulator/link/complete", `HTTP ${response.status}`);
    }
    const body = (await response.json()) as { item_id?: unknown };
    return { itemId: typeof body.item_id === "string" ? body.item_id : null };
  }
}
