import type { PlaidDataSource } from "../datasources/plaid/plaid-datasource.js";
import type { SimulatorControl } from "../datasources/plaid/simulator-control.js";
import type { PlaidEnv } from "../config.js";
import { BadInputError, GatewayError } from "../domain/errors.js";
import type { ItemSnapshot } from "../domain/item.js";
import { checkProducts } from "../domain/link-input.js";
import { NOT_FIREABLE_IN_PLAID_SANDBOX, type SandboxItemWebhookCode } from "../domain/sandbox-webhooks.js";
import type { ItemGate } from "./item-gate.js";
import type { ItemLedger } from "./item-ledger.js";
import type { LinkService } from "./link.service.js";
import type { RequestScope } from "./request-scope.js";
import type { UsersService } from "./users.service.js";
import type { WebhookArrival } from "./webhook-arrival.js";

/** Default Sandbox institution: First Platypus Bank, non-OAuth, where Plaid's test credentials work. */
const DEFAULT_SANDBOX_INSTITUTION = "ins_109508";
const DEFAULT_SANDBOX_PRODUCTS = ["transactions"];

export interface SandboxServiceOptions {
  env: PlaidEnv;
  webhookUrl: () => string | null;
}

/** Sandbox and simulator helpers: Items without Link, broken logins and fired webhooks on demand. */
export class SandboxService {
  constructor(
    private readonly plaid: PlaidDataSource,
    private readonly simulator: SimulatorControl | null,
    private readonly users: UsersService,
    private readonly gate: ItemGate,
    private readonly link: LinkService,
    private readonly ledger: ItemLedger,
    private readonly arrival: WebhookArrival,
    private readonly options: SandboxServiceOptions,
  ) {}

  /** Creates an Item for the viewer without Link. */
  async createItem(scope: RequestScope, institutionId?: string | null, products?: readonly string[] | null): Promise<ItemSnapshot> {
    this.requireSandbox("sandboxCreateItem");
    const institution = institutionId ?? DEFAULT_SANDBOX_INSTITUTION;
    if (!/^ins_[A-Za-z0-9]{1,40}$/.test(institution)) {
      throw new BadInputError("institutionId must be a Plaid institution id such as ins_109508", { argument: "institutionId" });
    }
    const checkedProducts = products ? checkProducts(products) : DEFAULT_SANDBOX_PRODUCTS;
    const user = await scope.user();
    const plaidUserId = await this.users.ensurePlaidUser(user);
    const publicToken = await this.plaid.sandboxCreatePublicToken({
      institutionId: institution,
      products: checkedProducts,
      webhook: this.options.webhookUrl(),
      plaidUserId,
    });
    return this.link.linkItem(scope, user, publicToken, ["US"]);
  }

  /**
   * Puts the Item into ITEM_LOGIN_REQUIRED at Plaid (/sandbox/item/reset_login) and answers it as it then
   * is: once Plaid's ITEM/ERROR webhook has been taken in, or, when it does not come in time (or no
   * webhook URL is known), as /item/get confirms it.
   */
  async resetLogin(scope: RequestScope, itemId: string): Promise<ItemSnapshot> {
    this.requireSandbox("sandboxResetLogin");
    const stored = await this.gate.requireLive(scope, itemId);
    const reset = () => this.gate.call(stored, (accessToken) => this.plaid.sandboxResetLogin(accessToken));
    const arrived = this.options.webhookUrl() ? await this.arrival.after(itemId, "ERROR", reset) : (await reset(), false);
    if (!arrived) {
      const read = await this.gate.call(stored, (accessToken) => this.plaid.getItem(accessToken));
      await this.ledger.applyPlaidRead(itemId, read, "RECONCILED");
    }
    return (await this.gate.requireCurrent(scope, itemId)).snapshot;
  }

  /**
   * Has Plaid fire an ITEM webhook for the Item and answers the Item once the webhook has been taken in
   * (waiting up to 5 s; after that, as it stands, its change following over itemStatusChanged).
   */
  async fireWebhook(scope: RequestScope, itemId: string, code: SandboxItemWebhookCode): Promise<ItemSnapshot> {
    this.requireSandbox("sandboxFireWebhook");
    if (this.options.env === "sandbox" && NOT_FIREABLE_IN_PLAID_SANDBOX.has(code)) {
      throw new BadInputError(`Plaid's Sandbox cannot fire ${code} (/sandbox/item/fire_webhook does not offer it); the simulator can`, { argument: "code" });
    }
    const stored = await this.gate.requireLive(scope, itemId);
    const fire = () =>
      code === "PENDING_EXPIRATION"
        ? // Only reachable with the simulator: the Item's consent is brought to within seven days of expiry.
          this.simulator!.expireConsentSoon(itemId)
        : this.gate.call(stored, (accessToken) => this.plaid.sandboxFireItemWebhook(accessToken, code));
    if (this.options.webhookUrl()) await this.arrival.after(itemId, code, fire);
    else await fire();
    return (await this.gate.requireCurrent(scope, itemId)).snapshot;
  }

  private requireSandbox(operation: string): void {
    if (this.options.env === "production") {
      throw new GatewayError("FORBIDDEN", `${operation} is only available when PLAID_ENV is sandbox or simulator`);
    }
  }
}
