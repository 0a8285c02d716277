import { LRUCache } from "lru-cache";
import { createSecretKey } from "node:crypto";
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { GatewayError } from "../domain/errors.js";
import { isClientUserId, type Viewer } from "../domain/viewer.js";

/** The bearer token is missing, expired or not ours. */
class UnauthenticatedError extends GatewayError {
  constructor(message: string) {
    super("UNAUTHENTICATED", message);
    this.name = "UnauthenticatedError";
  }
}

export interface AuthenticatorOptions {
  /** HS256 shared secret (configured, or generated in DATA_DIR for the embedded default). */
  secret?: Uint8Array;
  /** Identity provider's key set, for asymmetric tokens. */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
}

/** Algorithms accepted from a JWKS: asymmetric only, so a public key can never be used as an HMAC secret. */
const JWKS_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

/** Seconds of clock difference allowed on exp and nbf. */
const CLOCK_TOLERANCE_S = 5;
/** Tokens whose verification is remembered; a client sends the same one on every request until it expires. */
const MAX_VERIFIED_TOKENS = 10_000;

type VerifiedViewer = Viewer & { expiresAt: Date | null };

/** Verifies bearer JWTs and turns them into viewers. */
export class Authenticator {
  private readonly check: (token: string) => Promise<JWTPayload>;
  /** Tokens already verified, until they expire: a signature is checked once per token, not once per request. */
  private readonly verified = new LRUCache<string, VerifiedViewer>({ max: MAX_VERIFIED_TOKENS });

  constructor(options: AuthenticatorOptions) {
    // Every token must say when it expires: a WebSocket connection ends then, and a token without an end is never refused.
    const common = { issuer: options.issuer, audience: options.audience, clockTolerance: CLOCK_TOLERANCE_S, requiredClaims: ["exp"] };
    if (options.jwksUrl) {
      const keys: JWTVerifyGetKey = createRemoteJWKSet(new URL(options.jwksUrl));
      this.check = async (token) => (await jwtVerify(token, keys, { ...common, algorithms: JWKS_ALGORITHMS })).payload;
    } else if (options.secret) {
      const secret = createSecretKey(options.secret);
      this.check = async (token) => (await jwtVerify(token, secret, { ...common, algorithms: ["HS256"] })).payload;
    } else {
      throw new Error("Authenticator needs a secret or a JWKS URL");
    }
  }

  /** The viewer for an Authorization header value; UNAUTHENTICATED for anything else. */
  async authenticate(authorization: string | undefined): Promise<VerifiedViewer> {
    if (!authorization) throw new UnauthenticatedError("Missing bearer token: send Authorization: Bearer <token>");
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw new UnauthenticatedError("Authorization must be a bearer token");
    return this.verify(match[1]!);
  }

  async verify(token: string): Promise<VerifiedViewer> {
    const known = this.verified.get(token);
    if (known) return known;
    const viewer = await this.verifyOnce(token);
    const remainingMs = (viewer.expiresAt?.getTime() ?? 0) + CLOCK_TOLERANCE_S * 1000 - Date.now();
    if (remainingMs > 0) this.verified.set(token, viewer, { ttl: remainingMs });
    return viewer;
  }

  private async verifyOnce(token: string): Promise<VerifiedViewer> {
    let payload: JWTPayload;
    try {
      payload = await this.check(token);
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new UnauthenticatedError("Token expired");
      if (error instanceof errors.JWKSTimeout) throw new UnauthenticatedError("Token could not be verified: the key set did not answer");
      throw new UnauthenticatedError("Invalid token");
    }
    const subject = payload.sub;
    if (typeof subject !== "string" || !isClientUserId(subject)) {
      throw new UnauthenticatedError("Token subject must be the application's user id (1-128 characters)");
    }
    const roles = Array.isArray(payload.roles) ? payload.roles : [];
    return {
      clientUserId: subject,
      isAdmin: roles.includes("admin"),
      expiresAt: typeof payload.exp === "number" ? new Date(payload.exp * 1000) : null,
    };
  }
}
