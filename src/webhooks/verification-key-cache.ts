import { KeyObject, type webcrypto } from "node:crypto";
import { importJWK } from "jose";
import type { WebhookVerificationKey } from "../datasources/plaid/plaid-datasource.js";
import { GatewayError } from "../domain/errors.js";

type CryptoKey = webcrypto.CryptoKey;

/** The Plaid error code for a key id that does not exist in the environment asked. */
const UNKNOWN_KEY_ID_CODE = "INVALID_WEBHOOK_VERIFICATION_KEY_ID";

/** Upper bound on remembered unknown key ids, so a flood of distinct forged ids cannot grow memory without limit. */
const MAX_UNKNOWN_KIDS = 10_000;

/** The window the budget for fetching new key ids is counted over. */
const NEW_KID_WINDOW_MS = 60_000;

export interface VerificationKeyCacheOptions {
  /** Fetches a key by kid from /webhook_verification_key/get (see PlaidWebhookVerifierOptions.fetchKey). */
  fetchKey: (kid: string) => Promise<WebhookVerificationKey>;
  now: () => Date;
  /** How long a cached, still-active key is trusted before it is fetched again on next use. */
  keyRefreshSeconds: number;
  /** How long a key id Plaid called unknown is remembered. */
  unknownKidTtlSeconds: number;
  /** At most this many fetches of key ids not in the cache in any minute, whatever the kid. */
  newKidFetchesPerMinute: number;
}

/** What looking a key up gave: a usable key, or why there is none. */
export type KeyLookup = { ok: true; key: KeyObject } | { ok: false; reason: "unknown_key" | "expired_key" | "key_fetch_failed" | "key_fetch_limited"; cause?: unknown };

interface CachedKey {
  /** The imported public key; null when Plaid reports the key as expired (it is never used then). */
  key: KeyObject | null;
  expired: boolean;
  fetchedAtMs: number;
}

type FetchOutcome = { kind: "key"; entry: CachedKey } | { kind: "unknown" } | { kind: "failed"; cause: unknown } | { kind: "limited" };

/** True when Plaid answered that the key id does not exist (as opposed to Plaid being unreachable or failing). */
function isUnknownKeyIdError(error: unknown): boolean {
  if (!(error instanceof GatewayError)) return false;
  const plaid = error.extensions.plaid as { errorCode?: unknown } | undefined;
  return typeof plaid === "object" && plaid !== null && plaid.errorCode === UNKNOWN_KEY_ID_CODE;
}

/**
 * Plaid's webhook verification keys by kid.
 *
 * - A kid not in the cache is fetched once; concurrent lookups of the same kid share that fetch.
 * - An active key is trusted for `keyRefreshSeconds` after it was fetched, then fetched again on its next
 *   use, so a key Plaid has since retired (`expired_at` set) is refused within that window. If that
 *   refetch fails, the lookup fails (`key_fetch_failed`) and the next one tries again: a key is never
 *   trusted past the window on the strength of an old answer.
 * - A key Plaid reports as expired stays cached as expired (expiry is final) and is never refetched.
 * - A kid Plaid calls unknown is remembered for `unknownKidTtlSeconds` (at most MAX_UNKNOWN_KIDS of them,
 *   oldest dropped first), so repeated forged kids do not each cost a call to Plaid.
 * - Any other fetch failure (Plaid unreachable, 5xx, unusable key) is not remembered.
 * - Fetches of kids not in the cache are limited to `newKidFetchesPerMinute` in any 60 s, all kids together,
 *   so a flood of distinct forged kids cannot spend Plaid's quota. Past that, the lookup fails at once
 *   (`key_fetch_limited`) and nothing is remembered: the kid may be Plaid's new key after a rotation, and
 *   is fetched when it comes again once the budget has room. Refreshes of cached keys are never limited.
 */
export class VerificationKeyCache {
  private readonly keys = new Map<string, CachedKey>();
  private readonly unknownUntilMs = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<FetchOutcome>>();
  private readonly newKidFetches: FetchBudget;

  constructor(private readonly options: VerificationKeyCacheOptions) {
    this.newKidFetches = new FetchBudget(options.newKidFetchesPerMinute, NEW_KID_WINDOW_MS);
  }

  async get(kid: string): Promise<KeyLookup> {
    const nowMs = this.options.now().getTime();

    if (this.unknownKidUntil(kid, nowMs) !== null) return { ok: false, reason: "unknown_key" };

    const cached = this.keys.get(kid);
    if (cached?.expired) return { ok: false, reason: "expired_key" };
    if (cached?.key && nowMs - cached.fetchedAtMs < this.options.keyRefreshSeconds * 1000) return { ok: true, key: cached.key };

    const outcome = await this.fetchShared(kid, nowMs);
    switch (outcome.kind) {
      case "key":
        if (outcome.entry.expired || !outcome.entry.key) return { ok: false, reason: "expired_key" };
        return { ok: true, key: outcome.entry.key };
      case "unknown":
        return { ok: false, reason: "unknown_key" };
      case "failed":
        return { ok: false, reason: "key_fetch_failed", cause: outcome.cause };
      case "limited":
        return { ok: false, reason: "key_fetch_limited" };
    }
  }

  /** The end of the negative-cache entry for this kid, or null (expired entries are dropped). */
  private unknownKidUntil(kid: string, nowMs: number): number | null {
    const until = this.unknownUntilMs.get(kid);
    if (until === undefined) return null;
    if (nowMs < until) return until;
    this.unknownUntilMs.delete(kid);
    return null;
  }

  /** One fetch per kid at a time; joining a fetch already under way costs no budget. */
  private fetchShared(kid: string, nowMs: number): Promise<FetchOutcome> {
    let pending = this.inFlight.get(kid);
    if (pending) return pending;
    if (!this.keys.has(kid) && !this.newKidFetches.take(nowMs)) return Promise.resolve({ kind: "limited" });
    pending = this.fetchAndStore(kid).finally(() => this.inFlight.delete(kid));
    this.inFlight.set(kid, pending);
    return pending;
  }

  private async fetchAndStore(kid: string): Promise<FetchOutcome> {
    let fetched: WebhookVerificationKey;
    try {
      fetched = await this.options.fetchKey(kid);
    } catch (error) {
      if (isUnknownKeyIdError(error)) {
        this.keys.delete(kid);
        this.rememberUnknown(kid);
        return { kind: "unknown" };
      }
      return { kind: "failed", cause: error };
    }

    const fetchedAtMs = this.options.now().getTime();
    if (fetched.expiredAt !== null && fetched.expiredAt !== undefined) {
      const entry: CachedKey = { key: null, expired: true, fetchedAtMs };
      this.keys.set(kid, entry);
      return { kind: "key", entry };
    }
    try {
      const entry: CachedKey = { key: await importVerificationKey(kid, fetched), expired: false, fetchedAtMs };
      this.keys.set(kid, entry);
      return { kind: "key", entry };
    } catch (error) {
      return { kind: "failed", cause: error };
    }
  }

  private rememberUnknown(kid: string): void {
    this.unknownUntilMs.delete(kid);
    if (this.unknownUntilMs.size >= MAX_UNKNOWN_KIDS) {
      const oldest = this.unknownUntilMs.keys().next();
      if (!oldest.done) this.unknownUntilMs.delete(oldest.value);
    }
    this.unknownUntilMs.set(kid, this.options.now().getTime() + this.options.unknownKidTtlSeconds * 1000);
  }
}

/** At most `limit` uses in any `windowMs`, counted on the cache's clock. */
class FetchBudget {
  /** When each use within the current window was made, oldest first (never more than `limit`). */
  private readonly usedAtMs: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Uses one unit if the window has room; false (and nothing used) if not. */
  take(nowMs: number): boolean {
    while (this.usedAtMs.length > 0 && nowMs - this.usedAtMs[0]! >= this.windowMs) this.usedAtMs.shift();
    if (this.usedAtMs.length >= this.limit) return false;
    this.usedAtMs.push(nowMs);
    return true;
  }
}

/**
 * Imports Plaid's JWK as an ES256 public key. Only EC P-256 keys meant for ES256 signatures, served under
 * the kid that was asked for, are accepted; only the public coordinates are imported.
 */
async function importVerificationKey(kid: string, jwk: WebhookVerificationKey): Promise<KeyObject> {
  if (jwk.kid !== kid) throw new Error("Plaid returned a key under a different kid");
  if (jwk.kty !== "EC" || jwk.crv !== "P-256" || jwk.alg !== "ES256") throw new Error("Plaid returned a key that is not an ES256 P-256 key");
  if (jwk.use !== undefined && jwk.use !== null && jwk.use !== "sig") throw new Error("Plaid returned a key not meant for signatures");
  if (typeof jwk.x !== "string" || typeof jwk.y !== "string") throw new Error("Plaid returned a key without coordinates");
  const key = await importJWK({ kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y }, "ES256");
  if (key instanceof Uint8Array) throw new Error("Plaid returned a symmetric key");
  // Node's own key object: signatures are then checked synchronously, without WebCrypto's per-call cost.
  return KeyObject.from(key as CryptoKey);
}
