import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { keyIdFor, TokenCipher, TokenDecryptionError } from "../../src/datasources/store/token-cipher.js";

const token = "access-sandbox-11111111-2222-3333-4444-555555555555";

describe("access tokens at rest", () => {
  const key = randomBytes(32);
  const cipher = new TokenCipher([key]);

  it("round-trips a token for its own Item and never stores it in the clear", () => {
    const sealed = cipher.seal(token, "item-a");
    expect(sealed.keyId).toBe(keyIdFor(key));
    expect(sealed.ciphertext).not.toContain(token);
    expect(sealed.ciphertext.startsWith(`v1:${sealed.keyId}:`)).toBe(true);
    expect(cipher.open(sealed, "item-a")).toBe(token);
  });

  it("uses a fresh IV each time, so the same token seals differently", () => {
    expect(cipher.seal(token, "item-a").ciphertext).not.toBe(cipher.seal(token, "item-a").ciphertext);
  });

  it("fails closed when the ciphertext is moved to another Item (AAD)", () => {
    const sealed = cipher.seal(token, "item-a");
    expect(() => cipher.open(sealed, "item-b")).toThrow(TokenDecryptionError);
  });

  it.each([
    ["ciphertext byte", 3],
    ["tag byte", 4],
    ["IV byte", 2],
  ])("fails closed when a %s is changed", (_what, index) => {
    const sealed = cipher.seal(token, "item-a");
    const parts = sealed.ciphertext.split(":");
    const bytes = Buffer.from(parts[index]!, "base64url");
    bytes[0] = bytes[0]! ^ 0x01;
    parts[index] = bytes.toString("base64url");
    expect(() => cipher.open({ ...sealed, ciphertext: parts.join(":") }, "item-a")).toThrow(TokenDecryptionError);
  });

  it("fails closed for an unknown key, a key id that does not match the row, or garbage", () => {
    const other = new TokenCipher([randomBytes(32)]);
    const sealed = other.seal(token, "item-a");
    expect(() => cipher.open(sealed, "item-a")).toThrow(/not configured/);
    const mine = cipher.seal(token, "item-a");
    expect(() => cipher.open({ ...mine, keyId: "kffffffffffff" }, "item-a")).toThrow(/does not match/);
    expect(() => cipher.open({ ciphertext: "not-a-ciphertext", keyId: mine.keyId }, "item-a")).toThrow(/unknown format/);
  });

  it("opens rows sealed under an older key while sealing new ones under the first key", () => {
    const oldKey = randomBytes(32);
    const before = new TokenCipher([oldKey]).seal(token, "item-a");
    const rotated = new TokenCipher([randomBytes(32), oldKey]);
    expect(rotated.open(before, "item-a")).toBe(token);
    expect(rotated.seal(token, "item-a").keyId).not.toBe(before.keyId);
  });

  it("refuses keys that are not 32 bytes", () => {
    expect(() => new TokenCipher([randomBytes(16)])).toThrow(/32 bytes/);
    expect(() => new TokenCipher([])).toThrow();
  });
});
