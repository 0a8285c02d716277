import type { SimulatorControl } from "../datasources/plaid/simulator-control.js";
import type { Store } from "../datasources/store/store.js";
import { GatewayError } from "../domain/errors.js";
import type { Viewer } from "../domain/viewer.js";
import type { UsersService } from "./users.service.js";

/**
 * The end user finishing Link in update mode, played against the simulator for the dashboard (a
 * browser cannot reach the simulator's control API). Only with PLAID_ENV=simulator.
 */
export class SimulatorLinkService {
  constructor(
    private readonly store: Store,
    private readonly users: UsersService,
    private readonly simulator: SimulatorControl | null,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Whether this gateway can play Link (it runs against the simulator). */
  get available(): boolean {
    return this.simulator !== null;
  }

  /**
   * The link token must be one the gateway created for update mode, for an Item of the viewer's
   * (admins: any Item, as with createUpdateLinkToken), and unexpired. A token that is not the viewer's
   * is answered like one that does not exist. Answers the repaired Item's id, never a token.
   */
  async complete(viewer: Viewer, linkToken: string): Promise<{ itemId: string }> {
    if (!this.simulator) throw new GatewayError("NOT_FOUND", "Link can only be completed here against the simulator");
    const [session, user] = await Promise.all([this.store.linkSessions.findByToken(linkToken), this.users.findByClientUserId(viewer.clientUserId)]);
    if (!session || (!viewer.isAdmin && (!user || session.userId !== user.id))) {
      throw new GatewayError("NOT_FOUND", "No such link token for you: create one with createUpdateLinkToken");
    }
    if (!session.itemId) throw new GatewayError("BAD_USER_INPUT", "Only update-mode link tokens (createUpdateLinkToken with itemId) can be completed here");
    if (session.expiresAt.getTime() <= this.now().getTime()) throw new GatewayError("BAD_USER_INPUT", "The link token has expired: create a new one");
    const completed = await this.simulator.completeLink(linkToken);
    return { itemId: completed.itemId ?? session.itemId };
  }
}
