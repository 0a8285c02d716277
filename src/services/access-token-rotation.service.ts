import { createHash } from "node:crypto";
import { PlaidCircuitOpenError } from "../datasources/plaid/plaid-errors.js";
import type { PlaidDataSource } from "../datasources/plaid/plaid-datasource.js";
import type { RotationClaim } from "../datasources/store/access-token-rotations-repository.js";
import { KeptAccessTokenError, type KeptAccessToken, type KeptAccessTokens } from "../datasources/store/kept-access-tokens.js";
import type { Store } from "../datasources/store/store.js";
import type { TokenCipher } from "../datasources/store/token-cipher.js";
import { BadInputError, GatewayError, NotFoundError, PlaidApiError, UpstreamUnavailableError } from "../domain/errors.js";
import type { ItemSnapshot } from "../domain/item.js";
import type { SealedToken, StoredItem } from "../domain/stored-item.js";
import type { Logger } from "../logger.js";
import {
  finished,
  gatewayErrorOf,
  inProgress,
  itemOrError,
  kept,
  lost,
  notRotated,
  refused,
  rotated,
  unconfirmed,
  type RotationOutcome,
} from "./access-token-rotation-outcomes.js";
import type { ItemGate } from "./item-gate.js";
import type { ItemLedger } from "./item-ledger.js";
import { isItemId } from "./node-ids.js";
import type { RequestScope } from "./request-scope.js";

/** How long a rotation's claim on its Item holds: far longer than one rotation takes, so only an interrupted one lapses. */
const CLAIM_LAPSES_AFTER_MS = 2 * 60_000;
/** Live Items listed per store query when the operator rotates them all. */
const LIST_PAGE = 500;

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/** The store holds a token other than the one this rotation replaces (or the Item is gone): the new token is not stored. */
class StoredTokenChanged extends GatewayError {
  constructor(reason: string) {
    super("BAD_USER_INPUT", reason);
  }
}

const isInvalidAccessToken = (error: unknown): error is PlaidApiError => error instanceof PlaidApiError && error.plaid.errorCode === "INVALID_ACCESS_TOKEN";

/** A failure after which Plaid may have rotated the token all the same: a 5xx, or no answer at all (Plaid was called). */
function mayHaveRotated(error: unknown): boolean {
  if (error instanceof PlaidApiError) return error.httpStatus >= 500;
  return error instanceof UpstreamUnavailableError && !(error instanceof PlaidCircuitOpenError);
}

/**
 * Rotating Items' access tokens (/item/access_token/invalidate) without ever losing an Item. A rotation
 * claims the Item in the store, calls Plaid once (never again after a failure: the first call may have
 * worked), writes the new sealed token to DATA_DIR before asking the store to save it, and deletes that
 * file once the store holds it. When the store fails after Plaid answered, the kept file is what the
 * next rotation of the Item stores, without calling Plaid.
 */
export class AccessTokenRotationService {
  constructor(
    private readonly store: Store,
    private readonly cipher: TokenCipher,
    private readonly plaid: PlaidDataSource,
    private readonly gate: ItemGate,
    private readonly ledger: ItemLedger,
    private readonly keptTokens: KeptAccessTokens,
    private readonly logger: Logger,
  ) {}

  /** rotateAccessToken (admins only, checked by the schema): the Item as it now is, or an error saying what to do. */
  async rotate(scope: RequestScope, itemId: string): Promise<ItemSnapshot> {
    if (!isItemId(itemId)) throw new BadInputError("itemId is not an Item id: Plaid's item_id, 1 to 128 letters, digits, - or _", { argument: "itemId" });
    await this.gate.requireLive(scope, itemId);
    const stored = await this.store.items.findById(itemId);
    if (!stored) throw new NotFoundError("Item");
    return itemOrError(await this.rotateStored(stored));
  }

  /** For the operator's command: the Items named, each once, one after the other; each outcome is reported as soon as it is known. */
  async rotateMany(itemIds: readonly string[], report: (outcome: RotationOutcome) => void): Promise<RotationOutcome[]> {
    const outcomes: RotationOutcome[] = [];
    for (const itemId of new Set(itemIds)) {
      const outcome = await this.rotateNamed(itemId);
      outcomes.push(outcome);
      report(outcome);
    }
    return outcomes;
  }

  /** The ids of every Item that is not removed. */
  async liveItemIds(): Promise<string[]> {
    const ids: string[] = [];
    for (let after: { statusChangedAt: Date; itemId: string } | undefined; ;) {
      const page = await this.store.items.listAll({}, LIST_PAGE, after);
      ids.push(...page.map((item) => item.snapshot.itemId));
      const last = page.at(-1);
      if (page.length < LIST_PAGE || !last) return ids;
      after = { statusChangedAt: last.snapshot.statusChangedAt, itemId: last.snapshot.itemId };
    }
  }

  private async rotateNamed(itemId: string): Promise<RotationOutcome> {
    if (!isItemId(itemId)) return refused(itemId, new BadInputError("Not an Item id: Plaid's item_id, 1 to 128 letters, digits, - or _"), "Check the id.");
    let stored: StoredItem | null;
    try {
      stored = await this.store.items.findById(itemId);
    } catch (error) {
      return notRotated(itemId, gatewayErrorOf(error), "The Item could not be read, so Plaid was not asked.");
    }
    if (!stored) return refused(itemId, new NotFoundError("Item"), "Check the id: no Item has it.");
    if (stored.snapshot.status === "REMOVED" || !stored.accessToken) {
      return refused(itemId, new BadInputError("The Item is removed: it has no access token to rotate"));
    }
    try {
      return await this.rotateStored(stored);
    } catch (error) {
      return unconfirmed(itemId, gatewayErrorOf(error));
    }
  }

  /** One live Item: store a token kept by an earlier rotation, or rotate at Plaid. */
  private async rotateStored(stored: StoredItem): Promise<RotationOutcome> {
    const itemId = stored.snapshot.itemId;
    let keptToken: KeptAccessToken | null;
    try {
      keptToken = this.keptTokens.read(itemId);
    } catch (error) {
      const file = error instanceof KeptAccessTokenError ? error.file : this.keptTokens.fileOf(itemId);
      return refused(itemId, gatewayErrorOf(error), `Restore ${file} from a backup, or move it away to rotate the Item anew.`);
    }
    if (keptToken) return this.finishKept(stored, keptToken);

    const now = this.ledger.now();
    let claim: RotationClaim;
    try {
      claim = await this.store.rotations.claim(itemId, now, new Date(now.getTime() - CLAIM_LAPSES_AFTER_MS));
    } catch (error) {
      return notRotated(itemId, gatewayErrorOf(error), "The rotation could not be recorded, so Plaid was not asked.");
    }
    if (!claim.claimed) return inProgress(itemId, claim.startedAt, new Date(claim.startedAt.getTime() + CLAIM_LAPSES_AFTER_MS));

    let replacedTokenSha256 = "";
    let issued: { newAccessToken: string; requestId: string };
    try {
      issued = await this.gate.call(stored, (accessToken) => {
        replacedTokenSha256 = sha256(accessToken);
        return this.plaid.invalidateAccessToken(accessToken);
      });
    } catch (error) {
      return this.afterFailedCall(stored, gatewayErrorOf(error));
    }
    let sealed: SealedToken;
    try {
      sealed = this.cipher.seal(issued.newAccessToken, itemId);
    } catch (error) {
      this.logger.error({ itemId, plaidRequestId: issued.requestId, err: error }, "new access token could not be sealed: the Item needs linking again");
      return lost(itemId, gatewayErrorOf(error), "Plaid issued a new token, but it could not be sealed to be kept (check the token encryption keys).");
    }
    return this.storeIssued(stored, { itemId, replacedTokenSha256, sealed, issuedAt: now.toISOString(), plaidRequestId: issued.requestId });
  }

  /** Plaid's call failed: find out whether the stored token still works, and end the claim. */
  private async afterFailedCall(stored: StoredItem, error: GatewayError): Promise<RotationOutcome> {
    const itemId = stored.snapshot.itemId;
    let outcome: RotationOutcome;
    if (isInvalidAccessToken(error)) {
      outcome = lost(itemId, error, "it was rotated at Plaid without the gateway storing the new token (an interrupted rotation, or one made outside the gateway).");
    } else if (!mayHaveRotated(error)) {
      outcome = notRotated(itemId, error, "Plaid refused the call or was not called.");
    } else {
      outcome = await this.probe(stored, error);
    }
    await this.endClaim(itemId);
    if (outcome.kind === "lost")
      this.logger.error({ itemId, plaidErrorCode: "INVALID_ACCESS_TOKEN" }, "plaid refuses the Item's stored access token: the Item needs linking again");
    return outcome;
  }

  /** After a call that may have reached Plaid: the stored token still working means nothing changed. */
  private async probe(stored: StoredItem, error: GatewayError): Promise<RotationOutcome> {
    const itemId = stored.snapshot.itemId;
    try {
      await this.gate.call(stored, (accessToken) => this.plaid.getItem(accessToken));
      return notRotated(itemId, error, "Plaid confirmed afterwards that it did not rotate the token.");
    } catch (probeError) {
      if (isInvalidAccessToken(probeError)) {
        return lost(itemId, probeError, "Plaid rotated it, but its answer with the new token never arrived.");
      }
      return unconfirmed(itemId, error);
    }
  }

  /** Keeps the new token on disk, then stores it; a store failure leaves it kept for the next rotation. */
  private async storeIssued(stored: StoredItem, record: KeptAccessToken): Promise<RotationOutcome> {
    const itemId = stored.snapshot.itemId;
    let file: string | null = null;
    try {
      file = this.keptTokens.keep(record);
    } catch (error) {
      this.logger.warn({ itemId, err: error }, "could not keep the new access token on disk before storing it");
    }
    try {
      await this.commit(record);
    } catch (error) {
      const failure = gatewayErrorOf(error);
      if (failure instanceof StoredTokenChanged) return refused(itemId, failure, file ? `The new token is kept in ${file} for inspection.` : null);
      if (file) {
        this.logger.error({ itemId, plaidRequestId: record.plaidRequestId, file, err: failure }, "new access token not stored: kept on disk until the Item is rotated again");
        return kept(itemId, file, failure);
      }
      this.logger.error({ itemId, plaidRequestId: record.plaidRequestId, err: failure }, "new access token neither stored nor kept: the Item needs linking again");
      return lost(itemId, failure, "Plaid issued a new token, but neither the store nor DATA_DIR could keep it.");
    }
    const item = await this.afterStored(itemId, stored.snapshot, file);
    this.logger.info({ itemId, plaidRequestId: record.plaidRequestId }, "access token rotated");
    return rotated(itemId, item, record.plaidRequestId);
  }

  /** Stores a token kept by an earlier rotation. */
  private async finishKept(stored: StoredItem, record: KeptAccessToken): Promise<RotationOutcome> {
    const itemId = stored.snapshot.itemId;
    const file = this.keptTokens.fileOf(itemId);
    try {
      await this.commit(record);
    } catch (error) {
      const failure = gatewayErrorOf(error);
      if (failure instanceof StoredTokenChanged) return refused(itemId, failure, `Inspect ${file}: it is left as it is.`);
      return kept(itemId, file, failure);
    }
    const item = await this.afterStored(itemId, stored.snapshot, file);
    this.logger.info({ itemId, plaidRequestId: record.plaidRequestId }, "kept access token stored");
    return finished(itemId, item, record.plaidRequestId);
  }

  /**
   * Stores the new token over the one Plaid invalidated, with the row locked, and ends the claim in the
   * same transaction. A token already stored is left alone; any other token there is not overwritten.
   */
  private async commit(record: KeptAccessToken): Promise<void> {
    const { itemId } = record;
    const token = this.cipher.open(record.sealed, itemId);
    await this.store.db.transaction(async (tx) => {
      const row = await this.store.items.findByIdForUpdate(itemId, tx);
      if (!row?.accessToken) throw new StoredTokenChanged("The Item was removed while its access token was rotated: the new token is not stored.");
      const current = sha256(this.cipher.open(row.accessToken, itemId));
      if (current !== sha256(token)) {
        if (current !== record.replacedTokenSha256) {
          throw new StoredTokenChanged("The store holds an access token other than the one Plaid replaced: the new token is not stored over it.");
        }
        await this.store.rotations.storeToken(itemId, this.cipher.seal(token, itemId), tx);
      }
      await this.store.rotations.release(itemId, tx);
    });
  }

  /** The token is stored: drop the kept file, let every instance forget the old one, confirm the Item with it. */
  private async afterStored(itemId: string, before: ItemSnapshot, file: string | null): Promise<ItemSnapshot> {
    if (file) {
      try {
        this.keptTokens.discard(itemId);
      } catch (error) {
        this.logger.warn({ itemId, file, err: error }, "could not delete the kept access token; the store holds it, so the next rotation only deletes the file");
      }
    }
    await this.ledger.announce({ events: [], changes: [{ itemId, userId: before.userId }] });
    try {
      const current = await this.store.items.findById(itemId);
      if (!current) return before;
      const read = await this.gate.call(current, (accessToken) => this.plaid.getItem(accessToken));
      return await this.ledger.applyPlaidRead(itemId, read, "RECONCILED");
    } catch (error) {
      this.logger.warn({ itemId, err: error }, "access token stored; confirming the Item with it failed");
      return before;
    }
  }

  private async endClaim(itemId: string): Promise<void> {
    try {
      await this.store.rotations.release(itemId);
    } catch (error) {
      this.logger.warn({ itemId, err: error }, "could not end the rotation's claim; it lapses by itself");
    }
  }
}
