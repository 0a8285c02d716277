/**
 * Plaid bills every Item an exchange creates. Before exchanging a public token, the gateway compares the
 * Link session's institution and accounts (from Plaid's /link/token/get) with the viewer's live Items:
 * the same institution and an account with the same mask and name is a duplicate, refused with
 * DUPLICATE_ITEM and the existing Item's id, and nothing reaches /item/public_token/exchange unless the
 * client passes allowDuplicate: true.
 */
import { describe, expect, it } from "vitest";
import { CreateUpdateLinkTokenDocument, ExchangePublicTokenDocument, RemoveItemDocument, SandboxResetLoginDocument } from "../../generated/graphql.js";
import { postgresAvailable } from "../support/databases.js";
import { useTestGateway, withTestGateway, type GraphQLResult, type TestGateway } from "../support/gateway-harness.js";
import { createSandboxItem, finishLinkSession, linkItemThroughLink } from "../support/link-helpers.js";

const stores = (await postgresAvailable()) ? (["pglite", "postgres"] as const) : (["pglite"] as const);

const EXCHANGE = "/item/public_token/exchange";

/** The one error of a refused request, without the gateway's request id. */
function refusal(result: GraphQLResult<unknown>) {
  expect(result.data).toBeNull();
  expect(result.errors).toHaveLength(1);
  const { requestId: _requestId, ...extensions } = result.errors![0]!.extensions!;
  return { message: result.errors![0]!.message, extensions };
}

describe.each(stores)("duplicate Items are refused before the exchange (store: %s)", (store) => {
  const { harness, tokens } = useTestGateway({ store, users: { alice: "user", bob: "user", carol: "user", dave: "user", erin: "user", frank: "user" } });

  const storedItemsOf = async (clientUserId: string) => {
    const user = await harness.gateway.store.users.findByClientUserId(clientUserId);
    return user ? (await harness.gateway.store.items.listByUser(user.id)).map((item) => item.snapshot.itemId) : [];
  };
  const exchange = (token: string, publicToken: string, allowDuplicate?: boolean | null) =>
    harness.graphql(ExchangePublicTokenDocument, { publicToken, ...(allowDuplicate !== undefined ? { allowDuplicate } : {}) }, token);

  it("the same bank and accounts linked again are refused with DUPLICATE_ITEM and the existing Item's id, nothing is exchanged, and allowDuplicate links them", async () => {
    const first = await linkItemThroughLink(harness, tokens.alice);
    const again = await finishLinkSession(harness, tokens.alice);
    const since = harness.exchanges.length;

    const refused = await exchange(tokens.alice, again.publicToken);

    expect(refusal(refused)).toEqual({
      message: expect.stringContaining(`already linked in Item ${first.item.id}`),
      extensions: { code: "DUPLICATE_ITEM", existingItemId: first.item.id },
    });
    expect(refused.errors![0]!.message).toContain("First Platypus Bank");
    expect(JSON.stringify(refused)).not.toContain(again.publicToken);
    expect(harness.callsTo(EXCHANGE, since)).toBe(0);
    expect(harness.callsTo("/link/token/get", since)).toBeGreaterThan(0);
    expect(await storedItemsOf("alice")).toEqual([first.item.id]);

    // An explicit null is the default: still refused.
    expect(refusal(await exchange(tokens.alice, again.publicToken, null)).extensions).toEqual({ code: "DUPLICATE_ITEM", existingItemId: first.item.id });
    expect(harness.callsTo(EXCHANGE, since)).toBe(0);

    // The user confirms: the same public token, never exchanged, links a second Item.
    const allowed = await exchange(tokens.alice, again.publicToken, true);
    expect(allowed.errors).toBeUndefined();
    const second = allowed.data!.exchangePublicToken;
    expect(second).toMatchObject({ status: "HEALTHY", institution: { id: "ins_109508" }, owner: { clientUserId: "alice" } });
    expect(second.id).not.toBe(first.item.id);
    expect(harness.callsTo(EXCHANGE, since)).toBe(1);
    expect((await storedItemsOf("alice")).sort()).toEqual([first.item.id, second.id].sort());

    // With two such Items, a third session names the most recently linked one.
    const third = await finishLinkSession(harness, tokens.alice);
    expect(refusal(await exchange(tokens.alice, third.publicToken)).extensions).toEqual({ code: "DUPLICATE_ITEM", existingItemId: second.id });
  });

  it("other accounts at the same bank, or the same masks at another bank, are not duplicates; one shared account is", async () => {
    const checking = await linkItemThroughLink(harness, tokens.bob, ["transactions"], undefined, { accountMasks: ["0000"] });
    const savings = await linkItemThroughLink(harness, tokens.bob, ["transactions"], undefined, { accountMasks: ["1111"] });
    const elsewhere = await linkItemThroughLink(harness, tokens.bob, ["transactions"], undefined, { institutionId: "ins_109511", accountMasks: ["0000"] });
    expect(new Set([checking.item.id, savings.item.id, elsewhere.item.id]).size).toBe(3);

    const overlapping = await finishLinkSession(harness, tokens.bob, { accountMasks: ["0000", "2222"] });
    const since = harness.exchanges.length;
    expect(refusal(await exchange(tokens.bob, overlapping.publicToken)).extensions).toEqual({ code: "DUPLICATE_ITEM", existingItemId: checking.item.id });
    expect(harness.callsTo(EXCHANGE, since)).toBe(0);
    expect((await storedItemsOf("bob")).sort()).toEqual([checking.item.id, savings.item.id, elsewhere.item.id].sort());
  });

  it("a REMOVED Item is not a duplicate: the same accounts link again", async () => {
    const first = await linkItemThroughLink(harness, tokens.carol);
    const removed = await harness.graphql(RemoveItemDocument, { itemId: first.item.id }, tokens.carol);
    expect(removed.data?.removeItem.status).toBe("REMOVED");

    const since = harness.exchanges.length;
    const relinked = await linkItemThroughLink(harness, tokens.carol);

    expect(relinked.item.id).not.toBe(first.item.id);
    expect(relinked.item.institution?.id).toBe("ins_109508");
    expect(harness.callsTo(EXCHANGE, since)).toBe(1);
  });

  it("another user's Item at the same bank with the same accounts is not this user's duplicate, and its id never shows", async () => {
    const erins = await linkItemThroughLink(harness, tokens.erin);
    const since = harness.exchanges.length;

    const davesFirst = await linkItemThroughLink(harness, tokens.dave);
    expect(davesFirst.item.id).not.toBe(erins.item.id);
    expect(harness.callsTo(EXCHANGE, since)).toBe(1);

    // Dave's own second link is his duplicate: named by his Item, never Erin's.
    const davesAgain = await finishLinkSession(harness, tokens.dave);
    const refused = await exchange(tokens.dave, davesAgain.publicToken);
    expect(refusal(refused).extensions).toEqual({ code: "DUPLICATE_ITEM", existingItemId: davesFirst.item.id });
    expect(JSON.stringify(refused)).not.toContain(erins.item.id);
  });

  it("an update-mode session's public token is the repaired Item's own, not a duplicate of it", async () => {
    const itemId = await createSandboxItem(harness, tokens.frank);
    for (const input of [{ itemId }, { user: true }]) {
      await harness.graphql(SandboxResetLoginDocument, { itemId }, tokens.frank);
      const created = await harness.graphql(CreateUpdateLinkTokenDocument, { input }, tokens.frank);
      expect(created.errors).toBeUndefined();
      const { public_token } = await harness.control<{ public_token: string }>("/simulator/link/complete", { link_token: created.data!.createUpdateLinkToken.linkToken });

      const exchanged = await exchange(tokens.frank, public_token);

      expect(exchanged.errors).toBeUndefined();
      expect(exchanged.data!.exchangePublicToken.id).toBe(itemId);
    }
  });

  it("a public token already exchanged is Plaid's INVALID_PUBLIC_TOKEN, not a duplicate of the Item it made", async () => {
    const linked = await linkItemThroughLink(harness, tokens.frank, ["transactions"], undefined, { institutionId: "ins_109510" });

    const reused = await exchange(tokens.frank, linked.publicToken);

    expect(refusal(reused).extensions).toMatchObject({ code: "PLAID_ERROR", plaid: { errorCode: "INVALID_PUBLIC_TOKEN" } });
  });

  it.each([
    ["a string", "yes", '"yes"'],
    ["a number", 1, "1"],
    ["a list", [true], "[true]"],
    ["an object", { allow: true }, "{ allow: true }"],
  ])("allowDuplicate as %s is refused with a clear error before Plaid is asked", async (_kind, variable, literal) => {
    const { publicToken } = await finishLinkSession(harness, tokens.alice, { institutionId: "ins_109512" });
    const since = harness.exchanges.length;

    const asVariable = await harness.graphql(
      "mutation Exchange($publicToken: String!, $allowDuplicate: Boolean) { exchangePublicToken(publicToken: $publicToken, allowDuplicate: $allowDuplicate) { id } }",
      { publicToken, allowDuplicate: variable },
      tokens.alice,
    );
    expect(asVariable.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(asVariable.errors?.[0]?.message).toMatch(/\$allowDuplicate.*Boolean/);

    const inline = await harness.graphql(`mutation { exchangePublicToken(publicToken: ${JSON.stringify(publicToken)}, allowDuplicate: ${literal}) { id } }`, {}, tokens.alice);
    expect(inline.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(inline.errors?.[0]?.message).toMatch(/Boolean/);

    expect(harness.exchanges.length).toBe(since);
    // The public token is untouched: a proper request links it (the same bank each time, hence allowDuplicate).
    expect((await exchange(tokens.alice, publicToken, true)).errors).toBeUndefined();
  });
});

describe("PUBLIC_TOKEN_BINDING=off", () => {
  it("makes no duplicate check: without /link/token/get the gateway cannot know the session's accounts before the exchange", async () => {
    await withTestGateway({ env: { PUBLIC_TOKEN_BINDING: "off" } }, async (harness: TestGateway) => {
      const token = await harness.token("grace");
      const first = await linkItemThroughLink(harness, token);
      const since = harness.exchanges.length;

      const second = await linkItemThroughLink(harness, token);

      expect(second.item.id).not.toBe(first.item.id);
      expect(harness.callsTo(EXCHANGE, since)).toBe(1);
      expect(harness.callsTo("/link/token/get")).toBe(0);
    });
  });
});
