/**
 * A public token is exchanged only for the user whose link token produced it: the gateway asks Plaid's
 * /link/token/get about the viewer's own unexpired link tokens first. Any other public token (another
 * user's, an unknown one, one whose link token expired) gets the answer an unknown public token gets,
 * and nothing is exchanged, at Plaid or in the store.
 */
import { createHash } from "node:crypto";
import type { Item } from "plaid";
import { describe, expect, it } from "vitest";
import {
  CreateLinkTokenDocument,
  CreateUpdateLinkTokenDocument,
  ExchangePublicTokenDocument,
  SandboxCreateItemDocument,
  SandboxResetLoginDocument,
} from "../../generated/graphql.js";
import { postgresAvailable } from "../support/databases.js";
import { useTestGateway, withTestGateway, type GraphQLResult, type TestGateway } from "../support/gateway-harness.js";
import { createSandboxItem, linkItemThroughLink } from "../support/link-helpers.js";

const stores = (await postgresAvailable()) ? (["pglite", "postgres"] as const) : (["pglite"] as const);

/** A new-Item link token for the user, and the public token Link hands back once the user finished it. */
async function finishLink(harness: TestGateway, token: string): Promise<{ linkToken: string; publicToken: string }> {
  const created = await harness.graphql(CreateLinkTokenDocument, { input: { products: ["transactions"] } }, token);
  const linkToken = created.data!.createLinkToken.linkToken;
  const { public_token } = await harness.control<{ public_token: string }>("/simulator/link/complete", { link_token: linkToken });
  return { linkToken, publicToken: public_token };
}

/** The error as a client sees it, without the gateway request id (which differs per request). */
function refusal(result: GraphQLResult<unknown>) {
  expect(result.data).toBeNull();
  expect(result.errors).toHaveLength(1);
  const { requestId: _requestId, ...extensions } = result.errors![0]!.extensions!;
  return { message: result.errors![0]!.message, extensions };
}

const UNKNOWN_REFUSAL = {
  message: "Plaid /item/public_token/exchange failed: INVALID_PUBLIC_TOKEN: could not find matching public token",
  extensions: { code: "PLAID_ERROR", plaid: { errorType: "INVALID_INPUT", errorCode: "INVALID_PUBLIC_TOKEN", displayMessage: null, requestId: null } },
};

describe.each(stores)("exchanging a public token binds it to the user whose link token produced it (store: %s)", (store) => {
  const { harness, tokens } = useTestGateway({ store, users: { alice: "user", bob: "user", carol: "user", dave: "user" } });

  const itemsOf = async (clientUserId: string) => {
    const user = await harness.gateway.store.users.findByClientUserId(clientUserId);
    return user ? harness.gateway.store.items.listByUser(user.id) : [];
  };
  const plaidItemsOf = async (clientUserId: string) => {
    const user = await harness.gateway.store.users.findByClientUserId(clientUserId);
    const answer = await harness.plaid<{ items: Item[] }>("/user/items/get", { user_id: user!.plaidUserId });
    return answer.body.items;
  };

  it("Bob cannot exchange a public token from Alice's Link session; nothing is exchanged, and Alice still can", async () => {
    const alice = await finishLink(harness, tokens.alice);
    await finishLink(harness, tokens.bob);
    const bobsItems = (await plaidItemsOf("bob")).map((item) => item.item_id);
    const since = harness.exchanges.length;

    const stolen = await harness.graphql(ExchangePublicTokenDocument, { publicToken: alice.publicToken }, tokens.bob);

    expect(refusal(stolen)).toEqual(UNKNOWN_REFUSAL);
    expect(JSON.stringify(stolen)).not.toContain(alice.publicToken);
    expect(harness.callsTo("/item/public_token/exchange", since)).toBe(0);
    // Only Bob's own link token was asked about.
    const asked = harness.exchanges.slice(since).filter((e) => e.path === "/link/token/get");
    expect(asked).toHaveLength(1);
    expect((asked[0]!.request as { link_token: string }).link_token).not.toBe(alice.linkToken);
    expect(await itemsOf("bob")).toEqual([]);
    expect((await plaidItemsOf("bob")).map((item) => item.item_id)).toEqual(bobsItems);

    const own = await harness.graphql(ExchangePublicTokenDocument, { publicToken: alice.publicToken }, tokens.alice);
    expect(own.errors).toBeUndefined();
    expect(own.data!.exchangePublicToken.owner.clientUserId).toBe("alice");
    expect((await itemsOf("alice")).map((item) => item.snapshot.itemId)).toEqual([own.data!.exchangePublicToken.id]);
    expect(await itemsOf("bob")).toEqual([]);
  });

  it("an unknown public token gets exactly the same answer, whether or not the viewer has link tokens", async () => {
    const unknown = "public-sandbox-00000000-0000-4000-8000-000000000000";
    const alice = await finishLink(harness, tokens.alice);
    const since = harness.exchanges.length;

    const forBob = await harness.graphql(ExchangePublicTokenDocument, { publicToken: unknown }, tokens.bob);
    const forCarol = await harness.graphql(ExchangePublicTokenDocument, { publicToken: unknown }, tokens.carol);
    const stolenByCarol = await harness.graphql(ExchangePublicTokenDocument, { publicToken: alice.publicToken }, tokens.carol);

    expect(refusal(forBob)).toEqual(UNKNOWN_REFUSAL);
    expect(refusal(forCarol)).toEqual(UNKNOWN_REFUSAL);
    expect(refusal(stolenByCarol)).toEqual(UNKNOWN_REFUSAL);
    expect(harness.callsTo("/item/public_token/exchange", since)).toBe(0);
    expect(await itemsOf("carol")).toEqual([]);
  });

  it("refuses alike a public token whose link token has expired, though Plaid would still take it", async () => {
    const { linkToken, publicToken } = await finishLink(harness, tokens.dave);
    const hash = createHash("sha256").update(linkToken).digest("hex");
    await harness.gateway.store.db.query("UPDATE link_sessions SET expires_at = now() - interval '1 second' WHERE link_token_sha256 = $1", [hash]);
    const since = harness.exchanges.length;

    const late = await harness.graphql(ExchangePublicTokenDocument, { publicToken }, tokens.dave);

    expect(refusal(late)).toEqual(UNKNOWN_REFUSAL);
    expect(harness.callsTo("/item/public_token/exchange", since)).toBe(0);
    expect(harness.callsTo("/link/token/get", since)).toBe(0);
    expect(await itemsOf("dave")).toEqual([]);
  });

  it("update-mode public tokens still exchange to the Item they repaired, for an Item and for the user's most recently broken Item", async () => {
    const itemId = await createSandboxItem(harness, tokens.alice);
    for (const input of [{ itemId }, { user: true }]) {
      await harness.graphql(SandboxResetLoginDocument, { itemId }, tokens.alice);
      const created = await harness.graphql(CreateUpdateLinkTokenDocument, { input }, tokens.alice);
      expect(created.errors).toBeUndefined();
      const { public_token } = await harness.control<{ public_token: string }>("/simulator/link/complete", { link_token: created.data!.createUpdateLinkToken.linkToken });

      const stolen = await harness.graphql(ExchangePublicTokenDocument, { publicToken: public_token }, tokens.bob);
      expect(refusal(stolen)).toEqual(UNKNOWN_REFUSAL);
      const exchanged = await harness.graphql(ExchangePublicTokenDocument, { publicToken: public_token }, tokens.alice);
      expect(exchanged.errors).toBeUndefined();
      expect(exchanged.data!.exchangePublicToken.id).toBe(itemId);
    }
  });

  it("asks about the viewer's ten newest unexpired link tokens only", async () => {
    const oldest = await finishLink(harness, tokens.carol);
    for (let i = 0; i < 10; i += 1) await harness.graphql(CreateLinkTokenDocument, { input: { products: ["transactions"] } }, tokens.carol);
    const since = harness.exchanges.length;

    const result = await harness.graphql(ExchangePublicTokenDocument, { publicToken: oldest.publicToken }, tokens.carol);

    expect(refusal(result)).toEqual(UNKNOWN_REFUSAL);
    expect(harness.callsTo("/link/token/get", since)).toBe(10);
    expect(harness.callsTo("/item/public_token/exchange", since)).toBe(0);
  });

  it("when Plaid cannot say which link token produced it, says so, exchanges nothing, and the token still works later", async () => {
    const { publicToken } = await finishLink(harness, tokens.bob);
    await harness.fault({ path: "/link/token/get", status: 500, count: 3 });
    const since = harness.exchanges.length;

    const failed = await harness.graphql(ExchangePublicTokenDocument, { publicToken }, tokens.bob);

    expect(failed.errors?.[0]?.extensions).toMatchObject({ code: "PLAID_ERROR", plaid: { errorCode: "INTERNAL_SERVER_ERROR" } });
    expect(harness.callsTo("/item/public_token/exchange", since)).toBe(0);
    const again = await harness.graphql(ExchangePublicTokenDocument, { publicToken }, tokens.bob);
    expect(again.errors).toBeUndefined();
    expect(again.data!.exchangePublicToken.owner.clientUserId).toBe("bob");
  });

  it("keeps link tokens sealed in the store, never in clear", async () => {
    const { linkToken } = await finishLink(harness, tokens.alice);
    const rows = await harness.gateway.store.db.query<Record<string, unknown>>("SELECT * FROM link_sessions");
    expect(JSON.stringify(rows)).not.toContain(linkToken);
    const hash = createHash("sha256").update(linkToken).digest("hex");
    expect(rows.find((row) => row.link_token_sha256 === hash)).toMatchObject({
      link_token_key_id: expect.stringMatching(/^k[0-9a-f]{12}$/),
      link_token_ciphertext: expect.any(String),
    });
  });

  it("sandboxCreateItem needs no Link session", async () => {
    const since = harness.exchanges.length;
    const created = await harness.graphql(SandboxCreateItemDocument, {}, tokens.dave);
    expect(created.errors).toBeUndefined();
    expect(harness.callsTo("/link/token/get", since)).toBe(0);
    expect(harness.callsTo("/item/public_token/exchange", since)).toBe(1);
  });
});

describe("PUBLIC_TOKEN_BINDING=off", () => {
  it("exchanges without asking Plaid which link token produced the public token, and says loudly that it does", async () => {
    await withTestGateway({ env: { PUBLIC_TOKEN_BINDING: "off" } }, async (harness) => {
      const warning = harness.logs.find((line) => line.includes("PUBLIC_TOKEN_BINDING=off"));
      expect(JSON.parse(warning!)).toMatchObject({ level: 40 });
      const token = await harness.token("erin");
      await linkItemThroughLink(harness, token);
      expect(harness.callsTo("/link/token/get")).toBe(0);
    });
  });
});
