import { createHash, type webcrypto } from "node:crypto";
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from "jose";
import type { SimulatorClock } from "./clock.js";
import { newKeyId } from "./ids.js";
import type { SimulatorState } from "./state.js";
import type { SimSigningKey } from "./types.js";

type CryptoKey = webcrypto.CryptoKey;

export interface SigningOptions {
  /** Shifts `iat` (seconds), to produce stale tokens on purpose. */
  iatOffsetSeconds?: number;
  /** Signs with the most recently expired key instead of the current one. */
  useExpiredKey?: boolean;
}

const sha256Hex = (body: string): string => createHash("sha256").update(body, "utf8").digest("hex");

/**
 * Signs webhooks the way Plaid does: an ES256 JWT in `Plaid-Verification` whose protected header is
 * `{alg: "ES256", kid, typ: "JWT"}` and whose claims are `{iat, request_body_sha256}`.
 * `iat` follows the simulator's clock, so a clock offset yields stale tokens.
 */
export class WebhookSigner {
  private readonly privateKeys = new Map<string, CryptoKey>();

  constructor(
    private readonly state: SimulatorState,
    private readonly clock: SimulatorClock,
  ) {}

  /** Makes sure a current signing key exists. */
  async init(): Promise<void> {
    if (!this.state.currentKeyId || !this.state.signingKeys.has(this.state.currentKeyId)) await this.rotate(false);
  }

  /** A new key becomes current; the previous one stays valid unless `expireCurrent`. */
  async rotate(expireCurrent: boolean): Promise<SimSigningKey> {
    const nowSeconds = Math.floor(this.clock.nowMs() / 1000);
    const previous = this.state.currentKeyId ? this.state.signingKeys.get(this.state.currentKeyId) : undefined;
    if (previous && expireCurrent) previous.expired_at = nowSeconds;
    const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const key: SimSigningKey = {
      kid: newKeyId(),
      private_jwk: (await exportJWK(privateKey)) as Record<string, unknown>,
      public_jwk: { kty: publicJwk.kty!, crv: publicJwk.crv!, x: publicJwk.x!, y: publicJwk.y! },
      created_at: nowSeconds,
      expired_at: null,
    };
    this.state.signingKeys.set(key.kid, key);
    this.state.currentKeyId = key.kid;
    return key;
  }

  /** The `JWKPublicKey` served by /webhook_verification_key/get. */
  publicKey(kid: string) {
    const key = this.state.signingKeys.get(kid);
    if (!key) return undefined;
    return {
      alg: "ES256",
      created_at: key.created_at,
      crv: key.public_jwk.crv,
      expired_at: key.expired_at,
      kid: key.kid,
      kty: key.public_jwk.kty,
      use: "sig",
      x: key.public_jwk.x,
      y: key.public_jwk.y,
    };
  }

  private pickKey(options: SigningOptions): SimSigningKey {
    if (options.useExpiredKey) {
      const expired = [...this.state.signingKeys.values()].filter((k) => k.expired_at !== null);
      const latest = expired.sort((a, b) => b.expired_at! - a.expired_at!)[0];
      if (latest) return latest;
    }
    const current = this.state.currentKeyId ? this.state.signingKeys.get(this.state.currentKeyId) : undefined;
    if (!current) throw new Error("no webhook signing key");
    return current;
  }

  private async privateKey(key: SimSigningKey): Promise<CryptoKey> {
    let cryptoKey = this.privateKeys.get(key.kid);
    if (!cryptoKey) {
      cryptoKey = (await importJWK(key.private_jwk as JWK, "ES256")) as CryptoKey;
      this.privateKeys.set(key.kid, cryptoKey);
    }
    return cryptoKey;
  }

  /** The `Plaid-Verification` value for exactly these body bytes. */
  async sign(body: string, options: SigningOptions = {}): Promise<string> {
    const key = this.pickKey(options);
    const iat = Math.floor(this.clock.nowMs() / 1000) + Math.round(options.iatOffsetSeconds ?? 0);
    return new SignJWT({ iat, request_body_sha256: sha256Hex(body) }).setProtectedHeader({ alg: "ES256", kid: key.kid, typ: "JWT" }).sign(await this.privateKey(key));
  }
}
