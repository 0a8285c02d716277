import { NotFoundError } from "../../domain/errors.js";
import type { SealedToken } from "../../domain/stored-item.js";
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/** The stored ciphertext could not be opened: wrong key, tampered bytes or a row it does not belong to. */
export class TokenDecryptionError extends Error {
  constructor(reason: string) {
    super(`Sealed token cannot be decrypted: ${reason}`);
    this.name = "TokenDecryptionError";
  }
}

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Key id derived from the key itself, so the same key always has the same id. */
export function keyIdFor(key: Buffer): string {
  return "k" + createHash("sha256").update(key).digest("hex").slice(0, 12);
}

export interface TokenCipherOptions {
  /**
   * Reads the current keys again (active first). Called before sealing and when a row names a key
   * this cipher does not hold, so a running gateway follows a key ring rotated next to it.
   */
  reload?: () => readonly Buffer[];
}

/**
 * Seals access tokens with AES-256-GCM: a fresh random 96-bit IV each time and the item_id as
 * additional authenticated data, so a ciphertext moved to another row does not open.
 */
export class TokenCipher {
  private keys = new Map<string, Buffer>();
  private active: string;
  private readonly reload?: () => readonly Buffer[];

  /** The first key seals new tokens; the others can still open older rows. */
  constructor(keys: readonly Buffer[], options: TokenCipherOptions = {}) {
    this.active = this.install(keys);
    this.reload = options.reload;
  }

  /** Id of the key new tokens are sealed with. */
  get activeKeyId(): string {
    return this.active;
  }

  /** Ids of every key this cipher can open, the active one first. */
  get keyIds(): string[] {
    return [this.active, ...[...this.keys.keys()].filter((id) => id !== this.active)];
  }

  /** Replaces the keys; keys already held stay readable, so rows sealed a moment ago still open. */
  private install(keys: readonly Buffer[]): string {
    if (keys.length === 0) throw new Error("TokenCipher needs at least one key");
    const next = new Map<string, Buffer>();
    for (const key of keys) {
      if (key.length !== 32) throw new Error("Token encryption keys must be 32 bytes");
      next.set(keyIdFor(key), key);
    }
    for (const [id, key] of this.keys) if (!next.has(id)) next.set(id, key);
    this.keys = next;
    return keyIdFor(keys[0]!);
  }

  private refresh(): void {
    if (this.reload) this.active = this.install(this.reload());
  }

  seal(token: string, itemId: string): SealedToken {
    this.refresh();
    const key = this.keys.get(this.active)!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(itemId, "utf8"));
    const body = Buffer.concat([cipher.update(token, "utf8"), cipher.final()]);
    const tag = cipher.getAuthTag();
    const parts = [VERSION, this.active, iv.toString("base64url"), body.toString("base64url"), tag.toString("base64url")];
    return { ciphertext: parts.join(":"), keyId: this.active };
  }

  open(sealed: SealedToken, itemId: string): string {
    const parts = sealed.ciphertext.split(":");
    if (parts.length !== 5 || parts[0] !== VERSION) throw new TokenDecryptionError("unknown format");
    const [, keyId, ivText, bodyText, tagText] = parts as [string, string, string, string, string];
    if (keyId !== sealed.keyId) throw new TokenDecryptionError("key id does not match the row");
    if (!this.keys.has(keyId)) this.refresh();
    const key = this.keys.get(keyId);
    if (!key) throw new TokenDecryptionError(`key ${keyId} is not configured`);
    const iv = Buffer.from(ivText, "base64url");
    const tag = Buffer.from(tagText, "base64url");
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new TokenDecryptionError("malformed ciphertext");
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(itemId, "utf8"));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(bodyText, "base64url")), decipher.final()]).toString("utf8");
    } catch {
      throw new TokenDecryptionError("authentication failed");
    }
  }

  /** Opens a token and seals it again under the active key (key rotation). */
  reseal(sealed: SealedToken, itemId: string): SealedToken {
    return this.seal(this.open(sealed, itemId), itemId);
  }
}

/** An Item's access token, decrypted for a call to Plaid; a removed Item has none and reads as not found. */
export function openAccessToken(cipher: TokenCipher, stored: { accessToken: SealedToken | null; snapshot: { itemId: string } }): string {
  if (!stored.accessToken) throw new NotFoundError("Item");
  return cipher.open(stored.accessToken, stored.snapshot.itemId);
}
