import type { Loaders } from "./request-scope.js";
import type { PlaidDataSource } from "../datasources/plaid/plaid-datasource.js";
import type { PlaidEnv } from "../config.js";
import { BadInputError, GatewayError } from "../domain/errors.js";
import type { ItemSnapshot } from "../domain/item.js";
import { applyUpdateCompleted } from "../domain/item-transitions.js";
import { checkUpdateModeInput, updateModeOf, type CheckedUpdateLinkToken, type UpdateLinkTokenInput } from "../domain/update-mode-rules.js";
import type { ItemGate } from "./item-gate.js";
import type { ItemLedger } from "./item-ledger.js";
import type { ItemPlaidReads } from "./item-plaid-reads.js";
import type { LinkSessions } from "./link-sessions.js";
import type { LinkTokenView } from "./link.service.js";
import type { RequestScope } from "./request-scope.js";

export interface UpdateModeServiceOptions {
  env: PlaidEnv;
  clientName: string;
}

/** Link update mode: tokens that repair or extend Items, and confirming the repair afterwards. */
export class UpdateModeService {
  constructor(
    private readonly plaid: PlaidDataSource,
    private readonly gate: ItemGate,
    private readonly ledger: ItemLedger,
    private readonly reads: ItemPlaidReads,
    private readonly sessions: LinkSessions,
    private readonly options: UpdateModeServiceOptions,
  ) {}

  /** A Link token for update mode; every update-mode rule is checked before Plaid is called. */
  async createUpdateLinkToken(scope: RequestScope, input: UpdateLinkTokenInput): Promise<LinkTokenView> {
    const production = this.options.env === "production";
    const mode = updateModeOf(input);

    if (mode.kind === "item") {
      const stored = await this.gate.requireLive(scope, mode.itemId);
      const checked = checkUpdateModeInput(input, stored.snapshot, production);
      const owner = await ownerOf(scope.loaders, stored.snapshot);
      const token = await this.gate.call(stored, (accessToken) =>
        this.plaid.createUpdateLinkToken({ ...this.common(checked), clientUserId: owner.clientUserId, plaidUserId: owner.plaidUserId, target: { accessToken } }),
      );
      await this.sessions.remember(token.linkToken, { userId: owner.id, itemId: mode.itemId, countryCodes: checked.countryCodes, expiresAt: token.expiration });
      return token;
    }

    const checked = checkUpdateModeInput(input, null, production);
    const user = await scope.user();
    if (mode.kind === "user" && !user.plaidUserId) {
      throw new BadInputError("You have no Plaid user yet, so there is no Item to repair: link an Item first", { argument: "user" });
    }
    const target = mode.kind === "user" ? ({ user: true } as const) : { transferAuthorizationId: mode.authorizationId };
    const token = await this.plaid.createUpdateLinkToken({ ...this.common(checked), clientUserId: user.clientUserId, plaidUserId: user.plaidUserId, target });
    // Its onSuccess hands over a public token too; a transfer authorization adds no Item.
    if (mode.kind === "user") await this.sessions.remember(token.linkToken, { userId: user.id, itemId: null, countryCodes: checked.countryCodes, expiresAt: token.expiration });
    return token;
  }

  /**
   * After Link's onSuccess in update mode: Plaid sends no webhook when the app's own session repairs
   * an Item, so the repair is confirmed with /item/get, stored, recorded and published here.
   */
  async completeUpdate(scope: RequestScope, itemId: string): Promise<ItemSnapshot> {
    const stored = await this.gate.requireLive(scope, itemId);
    const read = await this.gate.call(stored, (accessToken) => this.plaid.getItem(accessToken));
    if (read.error) {
      const snapshot = await this.ledger.applyPlaidRead(itemId, read, "RECONCILED");
      throw new GatewayError("PLAID_ERROR", `Plaid still reports ${read.error.errorCode} for this Item, so the update did not repair it; it stays ${snapshot.status}`, {
        plaid: { errorType: read.error.errorType, errorCode: read.error.errorCode, displayMessage: read.error.displayMessage, requestId: null },
        itemStatus: snapshot.status,
      });
    }
    const accounts = await this.gate.call(stored, (accessToken) => this.plaid.getAccounts(accessToken));
    const snapshot = await this.ledger.transition(itemId, (current, now) =>
      applyUpdateCompleted(
        current.snapshot,
        read,
        accounts.map((account) => account.id),
        now,
      ),
    );
    await this.reads.keepAccounts(itemId, accounts);
    this.ledger.heardFromPlaid(itemId, read);
    return snapshot;
  }

  /** Confirms the Item with Plaid now; a changed status is recorded and published as RECONCILED. */
  async refreshItem(scope: RequestScope, itemId: string): Promise<ItemSnapshot> {
    const stored = await this.gate.require(scope, itemId);
    if (stored.snapshot.status === "REMOVED") return stored.snapshot;
    const read = await this.gate.call(stored, (accessToken) => this.plaid.getItem(accessToken));
    return this.ledger.applyPlaidRead(itemId, read, "RECONCILED");
  }

  /** The checked input as Plaid's request needs it (the mode becomes the request's target). */
  private common({ mode: _mode, ...checked }: CheckedUpdateLinkToken) {
    return { ...checked, clientName: this.options.clientName };
  }
}

async function ownerOf(loaders: Loaders, item: ItemSnapshot) {
  const owner = await loaders.user.load(item.userId);
  if (!owner) throw new Error(`Item ${item.itemId} has no owner row`);
  return owner;
}
