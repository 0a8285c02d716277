import type { PlaidDataSource } from "../datasources/plaid/plaid-datasource.js";
import type { Store } from "../datasources/store/store.js";
import type { UserRecord } from "../domain/user.js";
import type { PlaidEnv } from "../config.js";
import type { LinkItemAdd } from "../datasources/plaid/plaid-link-tokens.js";
import { findDuplicateItem } from "../domain/duplicate-items.js";
import { BadInputError, DuplicateItemError } from "../domain/errors.js";
import type { Account, ItemSnapshot } from "../domain/item.js";
import { checkNewLinkTokenInput, type NewLinkTokenInput } from "../domain/link-input.js";
import type { Logger } from "../logger.js";
import type { ItemLedger } from "./item-ledger.js";
import type { ItemsService } from "./items.service.js";
import type { LinkSessions } from "./link-sessions.js";
import type { RequestScope } from "./request-scope.js";
import type { UsersService } from "./users.service.js";

export interface LinkServiceOptions {
  env: PlaidEnv;
  clientName: string;
  /** Where Plaid sends this gateway's webhooks (resolved once the server listens). */
  webhookUrl: () => string | null;
}

export interface LinkTokenView {
  linkToken: string;
  expiration: Date;
  requestId: string;
}

/** Getting Items in: Link tokens and public token exchange. */
export class LinkService {
  constructor(
    private readonly store: Store,
    private readonly plaid: PlaidDataSource,
    private readonly users: UsersService,
    private readonly items: ItemsService,
    private readonly ledger: ItemLedger,
    private readonly sessions: LinkSessions,
    private readonly logger: Logger,
    private readonly options: LinkServiceOptions,
  ) {}

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
    await this.sessions.remember(token.linkToken, {
      userId: user.id,
      itemId: null,
      countryCodes: checked.countryCodes,
      expiresAt: token.expiration,
    });
    return token;
  }

  /**
   * Exchanges Link's public token, only when one of the viewer's own link tokens produced it (see
   * LinkSessions), and, unless `allowDuplicate`, only when it does not duplicate one of the viewer's
   * live Items; the access token is stored sealed and never returned.
   */
  async exchangePublicToken(scope: RequestScope, publicToken: string, options: { allowDuplicate: boolean }): Promise<ItemSnapshot> {
    const trimmed = publicToken.trim();
    if (!/^public-[A-Za-z0-9-]{1,200}$/.test(trimmed)) {
      throw new BadInputError("publicToken must be the public_token from Link's onSuccess (public-…)", { argument: "publicToken" });
    }
    const user = await scope.user();
    const session = await this.sessions.sessionOf(user.id, trimmed);
    // An update-mode session hands over a public token for the Item it repaired: never a duplicate.
    if (session.itemAdd && session.forItemId === null && !options.allowDuplicate) await this.refuseDuplicate(user, session.itemAdd);
    return this.linkItem(scope, user, trimmed, session.countryCodes);
  }

  /**
   * Refuses (DUPLICATE_ITEM) a Link session whose accounts one of the user's live Items already has,
   * before the exchange, so Plaid bills no second Item for them (see domain/duplicate-items.ts).
   */
  private async refuseDuplicate(user: UserRecord, itemAdd: LinkItemAdd): Promise<void> {
    if (!itemAdd.institutionId) return;
    const atInstitution = (await this.store.items.listByUser(user.id)).filter(({ snapshot }) => snapshot.institutionId === itemAdd.institutionId);
    if (atInstitution.length === 0) return;
    const reads = await this.store.reads.findMany(
      "accounts",
      atInstitution.map(({ snapshot }) => snapshot.itemId),
    );
    const accountsOf = new Map(reads.map((read) => [read.itemId, read.data as Account[]]));
    const duplicate = findDuplicateItem(
      { institutionId: itemAdd.institutionId, accounts: itemAdd.accounts },
      atInstitution.map(({ snapshot }) => ({
        itemId: snapshot.itemId,
        institutionId: snapshot.institutionId,
        accountIds: snapshot.accountIds,
        accounts: accountsOf.get(snapshot.itemId) ?? null,
      })),
    );
    if (!duplicate) return;
    this.logger.info({ existingItemId: duplicate.itemId, institutionId: itemAdd.institutionId }, "public token not exchanged: it would duplicate one of the user's Items");
    throw new DuplicateItemError(duplicate.itemId, itemAdd.institutionName);
  }

  /**
   * Exchanges a public token and stores the new Item for the user (or returns it when it is already
   * theirs). The caller vouches for the token: Link's, bound to the user, or one the gateway just made.
   */
  async linkItem(scope: RequestScope, user: UserRecord, publicToken: string, countryCodes: string[]): Promise<ItemSnapshot> {
    const { accessToken, itemId } = await this.plaid.exchangePublicToken(publicToken);
    const existing = await this.store.items.findById(itemId);
    if (existing) {
      // Link's onSuccess in update mode also yields a public token; the Item is already ours.
      if (existing.snapshot.userId !== user.id) throw new BadInputError("This public token belongs to an Item linked by someone else", { argument: "publicToken" });
      return this.items.fresh(scope, existing.snapshot);
    }
    try {
      const [read, accounts] = await Promise.all([
        this.plaid.getItem(accessToken),
        // An Item that is already broken has no accounts to list; its status says why.
        this.plaid.getAccounts(accessToken).catch(() => null),
      ]);
      return await this.ledger.recordLinkedItem(user, accessToken, read, countryCodes, accounts);
    } catch (error) {
      // Without its stored access token nobody could ever remove the Item: remove it at Plaid now,
      // so the user links again instead of leaving a billed Item nobody can reach.
      this.logger.error({ itemId, err: error }, "a linked Item could not be stored; removing it at Plaid");
      await this.plaid.removeItem(accessToken).catch((failure) => this.logger.error({ itemId, err: failure }, "the Item could not be removed at Plaid either"));
      throw error;
    }
  }
}
