import { createHash, timingSafeEqual } from "node:crypto";
import type { PlaidDataSource } from "../datasources/plaid/plaid-datasource.js";
import type { LinkItemAdd } from "../datasources/plaid/plaid-link-tokens.js";
import { openLinkToken, type KeptLinkSession, type LinkSession } from "../datasources/store/link-sessions-repository.js";
import type { Store } from "../datasources/store/store.js";
import { TokenDecryptionError, type TokenCipher } from "../datasources/store/token-cipher.js";
import { GatewayError, PlaidApiError } from "../domain/errors.js";
import type { Logger } from "../logger.js";

export interface LinkSessionsOptions {
  /** PUBLIC_TOKEN_BINDING: a public token is exchanged only for the user whose link token produced it. */
  binding: boolean;
  now?: () => Date;
}

/** The Link session a public token came from, as far as the gateway can tell. */
export interface PublicTokenSession {
  countryCodes: string[];
  /** The Item an update-mode link token was made for; null for a new Item's token. */
  forItemId: string | null;
  /** What the session handed over (institution and accounts), as Plaid's /link/token/get reports it; null without public token binding. */
  itemAdd: LinkItemAdd | null;
}

/** How many of the user's newest unexpired link tokens are asked about one public token. */
const LINK_TOKENS_ASKED = 10;

/**
 * What answers a public token that none of the viewer's link tokens produced, exactly as Plaid answers
 * one it does not know: the token may be another user's, made up, or expired, and nobody is told which.
 */
function unknownPublicToken(): PlaidApiError {
  return new PlaidApiError("/item/public_token/exchange", 400, {
    errorType: "INVALID_INPUT",
    errorCode: "INVALID_PUBLIC_TOKEN",
    errorCodeReason: null,
    message: "could not find matching public token",
    displayMessage: null,
    requestId: null,
  });
}

const digest = (token: string): Buffer => createHash("sha256").update(token).digest();
const sameToken = (a: string, b: string): boolean => timingSafeEqual(digest(a), digest(b));

/** The link tokens the gateway made for each user (kept sealed), and which of them produced a public token. */
export class LinkSessions {
  private readonly now: () => Date;

  constructor(
    private readonly store: Store,
    private readonly plaid: PlaidDataSource,
    private readonly cipher: TokenCipher,
    private readonly logger: Logger,
    private readonly options: LinkSessionsOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** Keeps a link token made for the user, sealed, and forgets the user's expired ones. */
  async remember(linkToken: string, session: Omit<LinkSession, "createdAt">): Promise<void> {
    await this.store.linkSessions.record(linkToken, session, this.cipher);
    await this.store.linkSessions.forgetExpiredTokens(session.userId, this.now());
  }

  /**
   * The session that produced this public token. Plaid's /link/token/get is asked about the user's
   * newest unexpired link tokens, newest first, until one of them lists the public token; when none
   * does, the answer is the same as for an unknown public token, and nothing is exchanged.
   */
  async sessionOf(userId: string, publicToken: string): Promise<PublicTokenSession> {
    const now = this.now();
    if (!this.options.binding) {
      const latest = await this.store.linkSessions.latestNewItemSession(userId, now);
      return { countryCodes: latest?.countryCodes ?? ["US"], forItemId: null, itemAdd: null };
    }
    const candidates = await this.store.linkSessions.recentSealed(userId, now, LINK_TOKENS_ASKED);
    let unanswered: GatewayError | null = null;
    let listingPublicTokens = 0;
    for (const session of candidates) {
      const itemAdds = await this.itemAddsOf(session).catch((error: unknown) => {
        if (!(error instanceof GatewayError)) throw error;
        // Plaid could not say (an outage, a rate limit): another token may still be the one; if none is, this is the answer.
        unanswered ??= error;
        return [];
      });
      if (itemAdds.length > 0) listingPublicTokens += 1;
      const itemAdd = itemAdds.find((add) => sameToken(add.publicToken, publicToken));
      if (itemAdd) return { countryCodes: session.countryCodes, forItemId: session.itemId, itemAdd };
    }
    if (unanswered) throw unanswered;
    // Plaid lists Link sessions other than Hosted Link only for accounts with Link events enabled.
    this.logger.info(
      { linkTokensAsked: candidates.length, linkTokensListingPublicTokens: listingPublicTokens },
      "public token refused: none of the user's link tokens produced it",
    );
    throw unknownPublicToken();
  }

  /** The Items Link handed over in the sessions of one stored link token; none for a token Plaid or the cipher cannot use. */
  private async itemAddsOf(session: KeptLinkSession): Promise<LinkItemAdd[]> {
    let linkToken: string;
    try {
      linkToken = openLinkToken(this.cipher, session);
    } catch (error) {
      if (!(error instanceof TokenDecryptionError)) throw error;
      this.logger.warn({ keyId: session.sealedToken.keyId, reason: error.message }, "a stored link token does not open; it is not asked about");
      return [];
    }
    try {
      return (await this.plaid.getLinkToken(linkToken)).itemAdds;
    } catch (error) {
      if (error instanceof PlaidApiError && error.plaid.errorCode === "INVALID_LINK_TOKEN") return [];
      throw error;
    }
  }
}
