import type { PlaidDataSource } from "../datasources/plaid/plaid-datasource.js";
import type { Store } from "../datasources/store/store.js";
import type { UserRecord } from "../datasources/store/users-repository.js";
import type { PlaidEnv } from "../config.js";
import { BadInputError, GatewayError } from "../domain/errors.js";
import type { ItemSnapshot } from "../domain/item.js";
import { checkNewLinkTokenInput, checkProducts, type NewLinkTokenInput } from "../domain/link-input.js";
import type { Logger } from "../logger.js";
import type { ItemsService } from "./items.service.js";
import type { RequestScope } from "./request-scope.js";
import type { UsersService } from "./users.service.js";

export interface LinkServiceOptions {
  env: PlaidEnv;
  clientName: string;
  /** Where Plaid sends this gateway's webhooks (resolved once the server listens). */
  webhookUrl: () => string | null;
  now?: () => Date;
}

export interface LinkTokenView {
  linkToken: string;
  expiration: Date;
  requestId: string;
}

/** Default Sandbox institution: First Platypus Bank, non-OAuth, where Plaid's test credentials work. */
export const DEFAULT_SANDBOX_INSTITUTION = "ins_109508";
const DEFAULT_SANDBOX_PRODUCTS = ["transactions"];

/** Getting Items in: Link tokens, public token exchange, and Sandbox Items without Link. */
export class LinkService {
  private readonly now: () => Date;

  constructor(
    private readonly store: Store,
    private readonly plaid: PlaidDataSource,
    private readonly users: UsersService,
    private readonly items: ItemsService,
    private readonly logger: Logger,
    private readonly options: LinkServiceOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** A Link token for connecting a new Item, tied to the viewer's Plaid user. */
  async createLinkToken(scope: RequestScope, input: NewLinkTokenInput): Promise<LinkTokenView> {
    const checked = checkNewLinkTokenInput(input, this.options.env === "production");
    const user = await scope.user();
    const plaidUserId = await this.users.ensurePlaidUser(user);
    const token = await this.plaid.createNewItemLinkToken({
      clientName: this.options.clientName,
      language: checked.language,
      countryCodes: checked.countryCodes,
      clientUserId: user.clientUserId,
      plaidUserId,
      products: checked.products,
      webhook: this.options.webhookUrl(),
      redirectUri: checked.redirectUri,
      linkCustomizationName: checked.linkCustomizationName,
    });
    await this.store.linkSessions.record(token.linkToken, {
      userId: user.id,
      itemId: null,
      countryCodes: checked.countryCodes,
      expiresAt: token.expiration,
    });
    return token;
  }

  /** Exchanges Link's public token; the access token is stored sealed and never returned. */
  async exchangePublicToken(scope: RequestScope, publicToken: string): Promise<ItemSnapshot> {
    const trimmed = publicToken.trim();
    if (!/^public-[A-Za-z0-9-]{1,200}$/.test(trimmed)) {
      throw new BadInputError("publicToken must be the public_token from Link's onSuccess (public-…)", { argument: "publicToken" });
    }
    const user = await scope.user();
    const session = await this.store.linkSessions.latestNewItemSession(user.id, this.now());
    return this.linkItem(scope, user, trimmed, session?.countryCodes ?? ["US"]);
  }

  /** Sandbox and simulator only: creates an Item for the viewer without Link. */
  async sandboxCreateItem(scope: RequestScope, institutionId?: string | null, products?: readonly string[] | null): Promise<ItemSnapshot> {
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
    return this.linkItem(scope, user, publicToken, ["US"]);
  }

  /** Refuses Sandbox helpers when the gateway talks to Plaid production. */
  requireSandbox(operation: string): void {
    if (this.options.env === "production") {
      throw new GatewayError("FORBIDDEN", `${operation} is only available when PLAID_ENV is sandbox or simulator`);
    }
  }

  private async linkItem(scope: RequestScope, user: UserRecord, publicToken: string, countryCodes: string[]): Promise<ItemSnapshot> {
    const { accessToken, itemId } = await this.plaid.exchangePublicToken(publicToken);
    const existing = await this.store.items.findById(itemId);
    if (existing) {
      // Link's onSuccess in update mode also yields a public token; the Item is already ours.
      if (existing.snapshot.userId !== user.id) throw new BadInputError("This public token belongs to an Item linked by someone else", { argument: "publicToken" });
      return this.items.fresh(scope, existing.snapshot);
    }
    const read = await this.plaid.getItem(accessToken);
    try {
      return await this.items.recordLinkedItem(user, accessToken, read, countryCodes);
    } catch (error) {
      this.logger.error({ itemId, err: error }, "a linked Item could not be stored");
      throw error;
    }
  }
}
