/**
 * Link tokens are kept sealed with the same keys as access tokens, so rotating the key re-seals them
 * too: those of unexpired sessions under the new key, while expired sessions lose theirs (nothing asks
 * Plaid about them any more). A key stays until no access token and no link token uses it.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resealTokens, rotateTokenKey } from "../../src/datasources/store/key-rotation.js";
import { openLinkToken } from "../../src/datasources/store/link-sessions-repository.js";
import type { Store } from "../../src/datasources/store/store.js";
import { keyIdFor, TokenCipher } from "../../src/datasources/store/token-cipher.js";
import { keyRingPath, loadTokenKeys, readKeyRing, readOrCreateKeyRing } from "../../src/datasources/store/token-keys.js";
import { storeBackends } from "../support/databases.js";
import { rotationKeys, useEmptiedStore } from "../support/key-rotation-fixture.js";

const backends = await storeBackends();
const HOUR = 3600_000;

const hashOf = (linkToken: string) => createHash("sha256").update(linkToken).digest("hex");

/** Link sessions of one user, their tokens sealed with the cipher; `expired` of them already past their lifetime. */
async function seedSessions(store: Store, cipher: TokenCipher, live: number, expired = 0): Promise<{ userId: string; live: string[]; expired: string[] }> {
  const user = await store.users.ensure(`user-${randomBytes(4).toString("hex")}`);
  const make = async (expiresAt: Date) => {
    const linkToken = `link-sandbox-${randomUUID()}`;
    await store.linkSessions.record(linkToken, { userId: user.id, itemId: null, countryCodes: ["US"], expiresAt }, cipher);
    return linkToken;
  };
  const liveTokens = [];
  for (let i = 0; i < live; i += 1) liveTokens.push(await make(new Date(Date.now() + 4 * HOUR)));
  const expiredTokens = [];
  for (let i = 0; i < expired; i += 1) expiredTokens.push(await make(new Date(Date.now() - HOUR)));
  return { userId: user.id, live: liveTokens, expired: expiredTokens };
}

async function openedTokens(store: Store, cipher: TokenCipher, userId: string): Promise<string[]> {
  return (await store.linkSessions.recentSealed(userId, new Date(), 100)).map((session) => openLinkToken(cipher, session)).sort();
}

describe.each(backends)("re-sealing link tokens on $name", (backend) => {
  const store = useEmptiedStore(backend);
  const { oldKey, newKey, oldCipher, rotated } = rotationKeys();

  it("re-seals the link tokens of unexpired sessions under the new key, drops those of expired sessions, and frees the old key", async () => {
    const seeded = await seedSessions(store, oldCipher, 3, 2);

    const report = await resealTokens(store.db, rotated);

    expect(report.linkTokens).toEqual({ resealed: 3, dropped: 2, failed: [] });
    expect(report.resealed).toBe(0);
    expect(await openedTokens(store, new TokenCipher([newKey]), seeded.userId)).toEqual([...seeded.live].sort());
    for (const linkToken of seeded.expired) expect(await store.linkSessions.findByToken(linkToken)).toMatchObject({ sealedToken: null });
    expect(report.rowsByKeyId).toEqual({ [keyIdFor(newKey)]: 3 });
    expect(report.retirableKeyIds).toEqual([keyIdFor(oldKey)]);

    const again = await resealTokens(store.db, rotated);
    expect(again.linkTokens).toEqual({ resealed: 0, dropped: 0, failed: [] });
  });

  it("fails closed on a link token that does not open (moved to another session's row), and keeps its key in use", async () => {
    const seeded = await seedSessions(store, oldCipher, 2);
    const [first, second] = seeded.live.map(hashOf);
    const [moved] = await store.db.query<{ link_token_ciphertext: string }>("SELECT link_token_ciphertext FROM link_sessions WHERE link_token_sha256 = $1", [first]);
    await store.db.query("UPDATE link_sessions SET link_token_ciphertext = $2 WHERE link_token_sha256 = $1", [second, moved!.link_token_ciphertext]);

    const report = await resealTokens(store.db, rotated);

    expect(report.linkTokens.resealed).toBe(1);
    expect(report.linkTokens.failed).toEqual([{ session: second!.slice(0, 12), keyId: keyIdFor(oldKey), reason: expect.stringMatching(/authentication failed/) }]);
    expect(JSON.stringify(report)).not.toContain(seeded.live[0]);
    expect(JSON.stringify(report)).not.toContain(seeded.live[1]);
    expect(report.rowsByKeyId).toEqual({ [keyIdFor(newKey)]: 1, [keyIdFor(oldKey)]: 1 });
    expect(report.retirableKeyIds).toEqual([]);
  });
});

describe.each(backends)("rotate-key with link sessions on $name", (backend) => {
  const store = useEmptiedStore(backend);
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), "gateway-link-keys-"));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("re-seals link tokens with the new key ring's key, says so, and drops the old key that nothing uses any more", async () => {
    const settings = { dataDir, tokenEncryptionKey: undefined, tokenEncryptionPreviousKeys: [] };
    const [oldRingKey] = readOrCreateKeyRing(keyRingPath(dataDir));
    const seeded = await seedSessions(store, new TokenCipher([oldRingKey!]), 2, 1);
    const lines: string[] = [];
    const problems: string[] = [];

    const report = await rotateTokenKey(loadTokenKeys(settings), store.db, { say: (line) => lines.push(line), warn: (line) => problems.push(line) });

    const ring = readKeyRing(keyRingPath(dataDir));
    expect(ring.map(keyIdFor)).toEqual([report.activeKeyId]);
    expect(await openedTokens(store, new TokenCipher(ring), seeded.userId)).toEqual([...seeded.live].sort());
    const text = lines.join("\n");
    expect(text).toContain("3 of 3 stored tokens (access and link tokens) are sealed with another key");
    expect(text).toContain("Link tokens: re-sealed 2 of unexpired sessions; dropped 1 of expired sessions; 0 failed.");
    expect(text).toContain(`Dropped from the key ring (no row uses them): ${keyIdFor(oldRingKey!)}.`);
    expect(problems).toEqual([]);
    for (const linkToken of [...seeded.live, ...seeded.expired]) expect(text).not.toContain(linkToken);
  });
});
