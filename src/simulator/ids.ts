import { randomBytes, randomUUID } from "node:crypto";

/** Identifiers and tokens shaped like Plaid's. The simulator only ever speaks for the Sandbox environment. */
export const ENVIRONMENT = "sandbox";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function randomFrom(alphabet: string, length: number): string {
  // Rejection sampling keeps the distribution uniform over the alphabet.
  const limit = 256 - (256 % alphabet.length);
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit) out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

/** Plaid request ids are 15 alphanumeric characters ("m8MDnv9okwxFNBV"). */
export const newRequestId = (): string => randomFrom(BASE62, 15);
/** item_id and account_id are 37 base62 characters ("Ed6bjNrDLJfGvZWwnkQlfxwoNz54B5C97ejBr"). */
export const newItemId = (): string => randomFrom(BASE62, 37);
export const newAccountId = (): string => randomFrom(BASE62, 37);
/** user_id is "usr_" followed by a short base62 id ("usr_9nSp2KuZ2x4JDw"). */
export const newUserId = (): string => `usr_${randomFrom(BASE62, 14)}`;
export const newKeyId = (): string => randomUUID();

export const newAccessToken = (): string => `access-${ENVIRONMENT}-${randomUUID()}`;
export const newPublicToken = (): string => `public-${ENVIRONMENT}-${randomUUID()}`;
export const newLinkToken = (): string => `link-${ENVIRONMENT}-${randomUUID()}`;
export const newUserToken = (): string => `user-${ENVIRONMENT}-${randomUUID()}`;

/** The token families Plaid formats as `<prefix>-<environment>-<identifier>`. */
export type TokenPrefix = "access" | "public" | "link" | "user";

const TOKEN_SHAPE = /^(access|public|link|user)-(sandbox|production|development)-[A-Za-z0-9-]+$/;

/** True when the value has the `<prefix>-<environment>-<identifier>` shape for the given prefix (any environment). */
export function hasTokenFormat(value: string, prefix: TokenPrefix): boolean {
  const match = TOKEN_SHAPE.exec(value);
  return match !== null && match[1] === prefix;
}

export const hasUserIdFormat = (value: string): boolean => /^usr_[A-Za-z0-9]+$/.test(value);
