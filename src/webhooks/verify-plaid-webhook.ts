import { createHash, timingSafeEqual, verify as verifySignature, type KeyObject } from "node:crypto";
import { decodeProtectedHeader, type ProtectedHeaderParameters } from "jose";
import type { WebhookVerificationKey } from "../datasources/plaid/plaid-datasource.js";
import { VerificationKeyCache } from "./verification-key-cache.js";

export type WebhookRejectionReason =
  | "missing_header"
  | "malformed_jwt"
  | "unsupported_alg"
  | "missing_kid"
  | "unknown_key"
  | "expired_key"
  | "bad_signature"
  | "stale_iat"
  | "future_iat"
  | "missing_body_hash"
  | "body_hash_mismatch"
  | "key_fetch_failed"
  | "key_fetch_limited";

/** Fixed texts: a rejection never echoes the token, the body or a key. */
const REJECTION_MESSAGES: Record<WebhookRejectionReason, string> = {
  missing_header: "Plaid-Verification header is missing",
  malformed_jwt: "Plaid-Verification header is not a well-formed signed JWT",
  unsupported_alg: "Plaid-Verification JWT uses an algorithm other than ES256",
  missing_kid: "Plaid-Verification JWT has no usable key id",
  unknown_key: "Plaid does not know the webhook verification key id",
  expired_key: "webhook is signed with an expired Plaid verification key",
  bad_signature: "webhook signature does not verify",
  stale_iat: "webhook was issued too long ago",
  future_iat: "webhook is issued in the future",
  missing_body_hash: "webhook JWT carries no valid request_body_sha256",
  body_hash_mismatch: "webhook body does not match its signed hash",
  key_fetch_failed: "webhook verification key could not be fetched from Plaid",
  key_fetch_limited: "webhook verification key was not fetched: too many new key ids in the last minute",
};

/** Why a webhook was refused; `reason` is a short machine-readable slug for logs and metrics. */
export class WebhookRejectedError extends Error {
  readonly reason: WebhookRejectionReason;

  constructor(reason: WebhookRejectionReason, options?: { cause?: unknown }) {
    super(REJECTION_MESSAGES[reason], options);
    this.name = "WebhookRejectedError";
    this.reason = reason;
  }
}

export interface PlaidWebhookVerifierOptions {
  /**
   * Fetches a key by kid from /webhook_verification_key/get of the configured Plaid environment; throws when
   * Plaid says the kid is unknown (a GatewayError from src/domain/errors.ts whose extensions.plaid.errorCode
   * is INVALID_WEBHOOK_VERIFICATION_KEY_ID) or when Plaid cannot be reached (any other error).
   */
  fetchKey: (kid: string) => Promise<WebhookVerificationKey>;
  /** Oldest accepted `iat`, in seconds before now. Default 300 (Plaid's 5 minutes). */
  maxAgeSeconds?: number;
  /** How far in the future `iat` may be, in seconds, to allow for clock differences. Default 60. */
  clockSkewSeconds?: number;
  now?: () => Date;
  /** How long a kid Plaid called unknown is remembered (so a flood of forged kids does not become a flood of key fetches). Default 60 s. */
  unknownKidTtlSeconds?: number;
  /**
   * How long a fetched, active key is used before it is fetched again on its next use, so that a key Plaid
   * retires (sets `expired_at`) stops being accepted within this time. Default 60 s.
   */
  keyRefreshSeconds?: number;
  /**
   * How many key ids not already cached may be fetched from Plaid in any 60 s, all together; past that a
   * webhook with a new kid is refused as `key_fetch_limited` (answered so that Plaid retries). Refreshes of
   * cached keys do not count. Default 10: Plaid rotates its keys rarely, forged kids are free to invent.
   */
  newKidFetchesPerMinute?: number;
}

export interface VerifiedWebhook {
  /** SHA-256 (lowercase hex) of the raw body, as signed by Plaid; a content key for de-duplication. */
  bodySha256: string;
  kid: string;
  issuedAt: Date;
}

/** Longest header value accepted; Plaid's tokens are a few hundred characters. */
const MAX_HEADER_LENGTH = 4096;
const MAX_KID_LENGTH = 128;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** An ES256 signature is r ‖ s, 64 bytes: 86 base64url characters. */
const ES256_SIGNATURE = /^[A-Za-z0-9_-]{86}$/;

/**
 * Verifies Plaid's webhook signatures (Plaid's "Verify webhooks" steps): the `Plaid-Verification` header is
 * an ES256 JWT, signed with the key `kid` from /webhook_verification_key/get, whose claims are `iat` and
 * `request_body_sha256` of the exact body bytes. Every failure is a WebhookRejectedError.
 */
export class PlaidWebhookVerifier {
  private readonly keys: VerificationKeyCache;
  private readonly now: () => Date;
  private readonly maxAgeSeconds: number;
  private readonly clockSkewSeconds: number;

  constructor(options: PlaidWebhookVerifierOptions) {
    this.now = options.now ?? (() => new Date());
    this.maxAgeSeconds = nonNegative("maxAgeSeconds", options.maxAgeSeconds ?? 300);
    this.clockSkewSeconds = nonNegative("clockSkewSeconds", options.clockSkewSeconds ?? 60);
    this.keys = new VerificationKeyCache({
      fetchKey: options.fetchKey,
      now: this.now,
      keyRefreshSeconds: nonNegative("keyRefreshSeconds", options.keyRefreshSeconds ?? 60),
      unknownKidTtlSeconds: nonNegative("unknownKidTtlSeconds", options.unknownKidTtlSeconds ?? 60),
      newKidFetchesPerMinute: positiveInteger("newKidFetchesPerMinute", options.newKidFetchesPerMinute ?? 10),
    });
  }

  /** Verifies the Plaid-Verification header value against the exact raw body bytes. */
  async verify(header: string | undefined, rawBody: Buffer): Promise<VerifiedWebhook> {
    if (!(rawBody instanceof Uint8Array)) throw new TypeError("rawBody must be the raw request bytes");

    // 1. The header: a compact JWS whose protected header decodes.
    const jwt = typeof header === "string" ? header.trim() : "";
    if (!jwt) throw new WebhookRejectedError("missing_header");
    if (jwt.length > MAX_HEADER_LENGTH || jwt.split(".").length !== 3) throw new WebhookRejectedError("malformed_jwt");
    let protectedHeader: ProtectedHeaderParameters;
    try {
      protectedHeader = decodeProtectedHeader(jwt);
    } catch {
      throw new WebhookRejectedError("malformed_jwt");
    }

    // 2. Only ES256, and a key id to look the key up by.
    if (protectedHeader.alg !== "ES256") throw new WebhookRejectedError("unsupported_alg");
    const kid = protectedHeader.kid;
    if (typeof kid !== "string" || kid.length === 0 || kid.length > MAX_KID_LENGTH) throw new WebhookRejectedError("missing_kid");

    // 3. Plaid's key for that kid.
    const lookup = await this.keys.get(kid);
    if (!lookup.ok) throw new WebhookRejectedError(lookup.reason, lookup.cause === undefined ? undefined : { cause: lookup.cause });

    // 4. The signature, ES256 only, over the header and payload exactly as sent (no JWS extensions).
    const [headerPart, payloadPart, signaturePart] = jwt.split(".") as [string, string, string];
    if (protectedHeader.crit !== undefined || !ES256_SIGNATURE.test(signaturePart) || !BASE64URL.test(payloadPart)) throw new WebhookRejectedError("bad_signature");
    if (!verifiesAsEs256(`${headerPart}.${payloadPart}`, signaturePart, lookup.key)) throw new WebhookRejectedError("bad_signature");
    const claims = parseClaims(Buffer.from(payloadPart, "base64url"));

    // 5. Freshness: `iat` within maxAgeSeconds in the past, at most clockSkewSeconds in the future. No `exp`.
    const iat = claims.iat;
    if (typeof iat !== "number" || !Number.isFinite(iat)) throw new WebhookRejectedError("malformed_jwt");
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    if (nowSeconds - iat > this.maxAgeSeconds) throw new WebhookRejectedError("stale_iat");
    if (iat - nowSeconds > this.clockSkewSeconds) throw new WebhookRejectedError("future_iat");

    // 6. The body: SHA-256 of the exact bytes received, compared in constant time.
    const signedHash = claims.request_body_sha256;
    if (typeof signedHash !== "string" || !SHA256_HEX.test(signedHash)) throw new WebhookRejectedError("missing_body_hash");
    const actual = createHash("sha256").update(rawBody).digest();
    const expected = Buffer.from(signedHash, "hex");
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) throw new WebhookRejectedError("body_hash_mismatch");

    return { bodySha256: actual.toString("hex"), kid, issuedAt: new Date(iat * 1000) };
  }
}

function verifiesAsEs256(signingInput: string, signature: string, key: KeyObject): boolean {
  try {
    return verifySignature("sha256", Buffer.from(signingInput, "ascii"), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(signature, "base64url"));
  } catch {
    return false;
  }
}

/** The signed claims; a payload that is not a JSON object is malformed. */
function parseClaims(payload: Uint8Array): Record<string, unknown> {
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload).toString("utf8"));
  } catch {
    throw new WebhookRejectedError("malformed_jwt");
  }
  if (typeof claims !== "object" || claims === null || Array.isArray(claims)) throw new WebhookRejectedError("malformed_jwt");
  return claims as Record<string, unknown>;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a non-negative number`);
  return value;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
  return value;
}
