/**
 * rotateAccessToken: Plaid issues a new access token, the old one stops working at once, the gateway
 * stores the new one and the Item keeps working. Only admins may rotate; a rotation never loses an Item:
 * when the store fails after Plaid answered, the new token is kept sealed in DATA_DIR and the next
 * rotation of the Item stores it without asking Plaid again.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ItemAccountsDocument, RemoveItemDocument, RotateAccessTokenDocument } from "../../generated/graphql.js";
import { openStore, type Store } from "../../src/datasources/store/store.js";
import { useTestGateway, type TestGateway } from "../support/gateway-harness.js";
import { createSandboxItem, createSettledItem } from "../support/link-helpers.js";
import { holdStore, issuedAccessTokens, storedAccessToken, tokenKey, whenSimulatorAnswers } from "../support/token-rotation.js";

const INVALIDATE = "/item/access_token/invalidate";

/** What Plaid answers a direct call with the token: 200, or its error code. */
async function plaidAnswer(harness: TestGateway, endpoint: string, accessToken: string): Promise<string | number> {
  const answer = await harness.plaid<{ error_code?: string }>(endpoint, { access_token: accessToken });
  return answer.status === 200 ? 200 : (answer.body.error_code ?? answer.status);
}

/** The Item's accounts read through the gateway, answered by Plaid now (not a stored answer served in its place). */
async function expectAccountsFromPlaid(harness: TestGateway, itemId: string, token: string): Promise<void> {
  const since = harness.exchanges.length;
  const accounts = await harness.graphql(ItemAccountsDocument, { itemId }, token);
  expect(accounts.errors).toBeUndefined();
  expect(accounts.extensions?.staleData).toBeUndefined();
  expect(accounts.data?.item?.accounts?.length).toBeGreaterThan(0);
  expect(
    harness.exchanges
      .slice(since)
      .filter((e) => e.path === "/accounts/get" && e.itemId === itemId)
      .map((e) => e.status),
  ).toEqual([200]);
}

const rotationRows = async (store: Store, itemId: string) => (await store.db.query("SELECT 1 FROM access_token_rotations WHERE item_id = $1", [itemId])).length;

describe("rotating an Item's access token", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "token-rotation-"));
  const { key, cipher } = tokenKey();
  const { harness, tokens } = useTestGateway({ env: { DATA_DIR: dataDir, TOKEN_ENCRYPTION_KEY: key }, users: { root: "admin", alice: "user", bob: "user" } });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const stored = (itemId: string) => storedAccessToken(harness.gateway.store, cipher, itemId);

  it("leaves the Item working with a new token, and Plaid refuses the old one", async () => {
    const itemId = await createSettledItem(harness, tokens.alice);
    const before = await harness.gateway.store.items.findById(itemId);
    const oldToken = (await stored(itemId))!;
    expect(await plaidAnswer(harness, "/accounts/get", oldToken)).toBe(200);

    const result = await harness.graphql(RotateAccessTokenDocument, { itemId }, tokens.root);
    expect(result.errors).toBeUndefined();
    expect(result.data?.rotateAccessToken).toMatchObject({ id: itemId, status: "HEALTHY" });
    expect(Date.parse(result.data!.rotateAccessToken.syncedAt)).toBeGreaterThanOrEqual(before!.snapshot.syncedAt.getTime());

    const newToken = (await stored(itemId))!;
    expect(newToken).not.toBe(oldToken);
    expect(issuedAccessTokens(harness, itemId)).toEqual([newToken]);
    expect(await plaidAnswer(harness, "/accounts/get", oldToken)).toBe("INVALID_ACCESS_TOKEN");
    expect(await plaidAnswer(harness, "/item/get", oldToken)).toBe("INVALID_ACCESS_TOKEN");
    expect(await plaidAnswer(harness, "/accounts/get", newToken)).toBe(200);

    // The owner still reads the Item's accounts through the gateway, which now asks Plaid with the new token.
    await expectAccountsFromPlaid(harness, itemId, tokens.alice);
    expect(harness.callsTo(INVALIDATE, 0, itemId)).toBe(1);
    expect(await rotationRows(harness.gateway.store, itemId)).toBe(0);
    expect(existsSync(path.join(dataDir, "access-token-rotations", `${itemId}.json`))).toBe(false);
  });

  it("is for admins only: the owner and everyone else get FORBIDDEN, and Plaid is not called", async () => {
    const itemId = await createSandboxItem(harness, tokens.alice);
    const oldToken = await stored(itemId);
    const since = harness.exchanges.length;
    for (const token of [tokens.alice, tokens.bob]) {
      const refused = await harness.graphql(RotateAccessTokenDocument, { itemId }, token);
      expect(refused.data).toBeNull();
      expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    }
    // An id that does not exist reads the same to a non-admin: nobody learns which Items exist.
    const unknown = await harness.graphql(RotateAccessTokenDocument, { itemId: "NoSuchItem0000000000" }, tokens.bob);
    expect(unknown.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const anonymous = await harness.graphql(RotateAccessTokenDocument, { itemId });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(harness.callsTo(INVALIDATE, since)).toBe(0);
    expect(await stored(itemId)).toBe(oldToken);
  });

  it("answers an unknown id NOT_FOUND, a malformed id and a removed Item BAD_USER_INPUT, without calling Plaid", async () => {
    const since = harness.exchanges.length;
    const unknown = await harness.graphql(RotateAccessTokenDocument, { itemId: "NoSuchItem0000000000" }, tokens.root);
    expect(unknown.errors?.[0]).toMatchObject({ message: "Item not found", extensions: { code: "NOT_FOUND" } });
    for (const itemId of ["", "x".repeat(5000), "'; DROP TABLE items;--", "../../etc/passwd", "User:3f1c", "item id with spaces"]) {
      const malformed = await harness.graphql(RotateAccessTokenDocument, { itemId }, tokens.root);
      expect(malformed.errors?.[0]?.extensions, JSON.stringify(itemId.slice(0, 20))).toMatchObject({ code: "BAD_USER_INPUT", argument: "itemId" });
      expect(malformed.errors?.[0]?.message).toMatch(/not an Item id/);
    }
    const removedId = await createSandboxItem(harness, tokens.alice);
    expect((await harness.graphql(RemoveItemDocument, { itemId: removedId }, tokens.alice)).errors).toBeUndefined();
    const removed = await harness.graphql(RotateAccessTokenDocument, { itemId: removedId }, tokens.root);
    expect(removed.errors?.[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT" }, message: expect.stringMatching(/already removed/) });
    expect(harness.callsTo(INVALIDATE, since)).toBe(0);
  });

  it("sends the invalidation once when Plaid fails, finds out the old token still works, and changes nothing", async () => {
    const itemId = await createSandboxItem(harness, tokens.alice);
    const oldToken = await stored(itemId);
    const since = harness.exchanges.length;
    await harness.fault({ path: INVALIDATE, status: 500, count: 1 });
    const failed = await harness.graphql(RotateAccessTokenDocument, { itemId }, tokens.root);
    expect(failed.errors?.[0]?.extensions).toMatchObject({ code: "PLAID_ERROR", rotation: "NOT_ROTATED", itemId, plaid: { errorCode: "INTERNAL_SERVER_ERROR" } });
    expect(failed.errors?.[0]?.message).toMatch(/stored access token still works/);
    expect(harness.callsTo(INVALIDATE, since, itemId)).toBe(1);
    expect(await stored(itemId)).toBe(oldToken);
    expect(await plaidAnswer(harness, "/item/get", oldToken!)).toBe(200);
    expect(await rotationRows(harness.gateway.store, itemId)).toBe(0);

    const again = await harness.graphql(RotateAccessTokenDocument, { itemId }, tokens.root);
    expect(again.errors).toBeUndefined();
    expect(await stored(itemId)).toBe(issuedAccessTokens(harness, itemId)[0]);
  });

  it("reports an Item whose stored token Plaid no longer accepts as lost, with how to recover", async () => {
    const itemId = await createSandboxItem(harness, tokens.alice);
    const oldToken = (await stored(itemId))!;
    // Rotated outside the gateway: Plaid's answer never reached the store.
    expect((await harness.plaid(INVALIDATE, { access_token: oldToken })).status).toBe(200);
    const result = await harness.graphql(RotateAccessTokenDocument, { itemId }, tokens.root);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "PLAID_ERROR", rotation: "LOST", itemId, plaid: { errorCode: "INVALID_ACCESS_TOKEN" } });
    expect(result.errors?.[0]?.message).toMatch(/link the institution again/);
    expect(await stored(itemId)).toBe(oldToken);
    expect(await rotationRows(harness.gateway.store, itemId)).toBe(0);
  });

  it("refuses while another rotation of the Item is under way, and takes over one that was interrupted long ago", async () => {
    const itemId = await createSandboxItem(harness, tokens.alice);
    const since = harness.exchanges.length;
    await harness.gateway.store.db.query("INSERT INTO access_token_rotations (item_id, started_at) VALUES ($1, $2)", [itemId, new Date()]);
    const busy = await harness.graphql(RotateAccessTokenDocument, { itemId }, tokens.root);
    expect(busy.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", rotation: "IN_PROGRESS", itemId });
    expect(harness.callsTo(INVALIDATE, since)).toBe(0);

    await harness.gateway.store.db.query("UPDATE access_token_rotations SET started_at = $2 WHERE item_id = $1", [itemId, new Date(Date.now() - 10 * 60_000)]);
    const taken = await harness.graphql(RotateAccessTokenDocument, { itemId }, tokens.root);
    expect(taken.errors).toBeUndefined();
    expect(await rotationRows(harness.gateway.store, itemId)).toBe(0);
  });
});

describe("rotating an Item's access token while the store fails after Plaid answered (PGlite)", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "token-rotation-store-"));
  const { key, cipher } = tokenKey();
  let store: Store | undefined;
  const { harness, tokens } = useTestGateway(async () => {
    // A short store deadline keeps the suite quick: an operation that cannot get its turn gives up after it.
    store = await openStore({ pglite: { statementTimeoutMs: 400 } });
    return { env: { DATA_DIR: dataDir, TOKEN_ENCRYPTION_KEY: key }, store: { store }, users: { root: "admin", alice: "user" } };
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  let itemId: string;
  let oldToken: string;
  beforeAll(async () => {
    itemId = await createSettledItem(harness, tokens.alice);
    oldToken = (await storedAccessToken(store!, cipher, itemId))!;
  });
  const keptFile = () => path.join(dataDir, "access-token-rotations", `${itemId}.json`);

  it("reports the new token kept with how to finish, and the second call stores it without asking Plaid again", async () => {
    let hold: { release: () => Promise<void> } | undefined;
    whenSimulatorAnswers(harness, INVALIDATE, itemId, () => (hold = holdStore(store!)));
    let failed;
    try {
      failed = await harness.graphql(RotateAccessTokenDocument, { itemId }, tokens.root);
    } finally {
      await hold?.release();
    }
    expect(hold).toBeDefined();
    expect(failed.errors?.[0]?.extensions).toMatchObject({ code: "STORE_UNAVAILABLE", rotation: "KEPT", itemId });
    expect(failed.errors?.[0]?.message).toMatch(/kept sealed in DATA_DIR's access-token-rotations\//);
    expect(failed.errors?.[0]?.message).toMatch(/call rotateAccessToken for this Item again/);
    const [issued] = issuedAccessTokens(harness, itemId);
    // Plaid rotated: the old token is refused, and the store still holds it; the new one is on disk, sealed.
    expect(await plaidAnswer(harness, "/item/get", oldToken)).toBe("INVALID_ACCESS_TOKEN");
    expect(await storedAccessToken(store!, cipher, itemId)).toBe(oldToken);
    expect(statSync(keptFile()).mode & 0o777).toBe(0o600);
    const kept = readFileSync(keptFile(), "utf8");
    expect(kept).not.toContain(issued!);
    expect(cipher.open((JSON.parse(kept) as { sealed: { ciphertext: string; keyId: string } }).sealed, itemId)).toBe(issued);

    const finished = await harness.graphql(RotateAccessTokenDocument, { itemId }, tokens.root);
    expect(finished.errors).toBeUndefined();
    expect(finished.data?.rotateAccessToken).toMatchObject({ id: itemId, status: "HEALTHY" });
    expect(await storedAccessToken(store!, cipher, itemId)).toBe(issued);
    expect(harness.callsTo(INVALIDATE, 0, itemId)).toBe(1);
    expect(existsSync(keptFile())).toBe(false);
    expect((await store!.db.query("SELECT 1 FROM access_token_rotations")).length).toBe(0);
    await expectAccountsFromPlaid(harness, itemId, tokens.alice);
  });
});
