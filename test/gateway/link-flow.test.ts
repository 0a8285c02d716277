import { describe, expect, it } from "vitest";
import { ExchangePublicTokenDocument, ItemConsentEventsDocument, ItemHistoryDocument, ViewerItemsDocument } from "../../generated/graphql.js";
import { postgresAvailable } from "../support/databases.js";
import { useTestGateway } from "../support/gateway-harness.js";
import { linkItemThroughLink } from "../support/link-helpers.js";

const stores = (await postgresAvailable()) ? (["pglite", "postgres"] as const) : (["pglite"] as const);

describe.each(stores)("linking an Item through Link (store: %s)", (store) => {
  const { harness, tokens } = useTestGateway({ store, users: { linker: "user" } });

  it("creates a 4-hour link token for the viewer's Plaid user, exchanges the public token and stores the Item sealed", async () => {
    const { item, createdLinkToken } = await linkItemThroughLink(harness, tokens.linker, ["auth", "transactions"]);
    expect(item).toMatchObject({ status: "HEALTHY", owner: { clientUserId: "linker" }, institution: { id: "ins_109508" } });
    const lifetime = new Date(createdLinkToken.expiration).getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(3.9 * 3600_000);
    expect(lifetime).toBeLessThanOrEqual(4 * 3600_000 + 5_000);
    expect(createdLinkToken.requestId).toMatch(/\w+/);

    const linkRequest = harness.exchanges.find((e) => e.path === "/link/token/create")!.request as Record<string, unknown>;
    expect(linkRequest).toMatchObject({
      user: { client_user_id: "linker" },
      user_id: expect.stringMatching(/^usr_/),
      products: ["auth", "transactions"],
      country_codes: ["US"],
      language: "en",
    });
    expect(linkRequest.webhook).toBe(`${harness.gateway.url}/webhooks/plaid`);

    const exchange = harness.exchanges.find((e) => e.path === "/item/public_token/exchange" && e.status === 200)!;
    const accessToken = (exchange.response as { access_token: string }).access_token;
    const raw = await harness.gateway.store.db.query<Record<string, unknown>>("SELECT * FROM items WHERE item_id = $1", [item.id]);
    expect(raw).toHaveLength(1);
    expect(JSON.stringify(raw)).not.toContain(accessToken);
    expect(raw[0]!.access_token_key_id).toMatch(/^k[0-9a-f]{12}$/);
  });

  it("records LINKED in the Item's history", async () => {
    const items = await harness.graphql(ViewerItemsDocument, {}, tokens.linker);
    const id = items.data!.viewer.items.edges[0]!.node.id;
    const history = await harness.graphql(ItemHistoryDocument, { id }, tokens.linker);
    expect(history.data?.item?.history.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({ itemId: id, previousStatus: null, status: "HEALTHY", cause: "LINKED", item: { id } }),
    ]);
  });

  it("serves consent events newest first, filtered and paged", async () => {
    const items = await harness.graphql(ViewerItemsDocument, {}, tokens.linker);
    const id = items.data!.viewer.items.edges[0]!.node.id;
    const all = await harness.graphql(ItemConsentEventsDocument, { id }, tokens.linker);
    const events = all.data!.item!.consentEvents!;
    expect(events.totalCount).toBe(4);
    const times = events.edges.map((e) => Date.parse(e.node.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const scopes = events.edges.find((e) => e.node.eventCode === "ACCOUNT_SCOPES")!.node;
    expect(scopes).toMatchObject({ itemId: id, eventType: "CONSENT_GRANTED", initiator: "END_USER", institutionId: "ins_109508" });
    expect(scopes.consentedAccounts.length).toBeGreaterThan(0);
    const dataScopes = await harness.graphql(ItemConsentEventsDocument, { id, eventCode: "DATA_SCOPES" }, tokens.linker);
    expect(dataScopes.data!.item!.consentEvents!.totalCount).toBe(1);
    expect(dataScopes.data!.item!.consentEvents!.edges[0]!.node.consentedDataScopes.length).toBeGreaterThan(0);
    const firstPage = await harness.graphql(ItemConsentEventsDocument, { id, first: 3 }, tokens.linker);
    const page = firstPage.data!.item!.consentEvents!;
    expect(page.edges).toHaveLength(3);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const secondPage = await harness.graphql(ItemConsentEventsDocument, { id, first: 3, after: page.pageInfo.endCursor }, tokens.linker);
    expect(secondPage.data!.item!.consentEvents!.edges.map((e) => e.node.eventCode)).toEqual([events.edges[3]!.node.eventCode]);
    expect(secondPage.data!.item!.consentEvents!.pageInfo.hasNextPage).toBe(false);
  });

  it("creates the Plaid user once, however many Items the user links", async () => {
    // Another bank: the same accounts again would be a duplicate Item (see duplicate-items.test.ts).
    await linkItemThroughLink(harness, tokens.linker, ["transactions"], undefined, { institutionId: "ins_109511" });
    expect(harness.callsTo("/user/create")).toBe(1);
    const items = await harness.graphql(ViewerItemsDocument, {}, tokens.linker);
    expect(items.data!.viewer.items.totalCount).toBe(2);
    expect(items.data!.viewer.items.edges).toHaveLength(2);
  });

  it("a used public token cannot be exchanged again", async () => {
    const exchange = harness.exchanges.find((e) => e.path === "/item/public_token/exchange" && e.status === 200)!;
    const used = (exchange.request as { public_token: string }).public_token;
    const result = await harness.graphql(ExchangePublicTokenDocument, { publicToken: used }, tokens.linker);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "PLAID_ERROR", plaid: { errorType: "INVALID_INPUT", errorCode: "INVALID_PUBLIC_TOKEN" } });
    expect(result.errors?.[0]?.message).not.toContain(used);
  });
});
