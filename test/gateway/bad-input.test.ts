import { beforeAll, describe, expect, it } from "vitest";
import { CreateLinkTokenDocument, ExchangePublicTokenDocument, ItemConsentEventsDocument, ItemHistoryDocument, SandboxCreateItemDocument } from "../../generated/graphql.js";
import { useTestGateway } from "../support/gateway-harness.js";
import { createSandboxItem } from "../support/link-helpers.js";

describe("careless and hostile input", () => {
  const { harness, tokens } = useTestGateway({ users: { careless: "user" } });
  let itemId: string;

  beforeAll(async () => {
    itemId = await createSandboxItem(harness, tokens.careless);
  });

  const countRows = async (table: string) => Number((await harness.gateway.store.db.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))[0]!.n);

  it.each([
    [{ products: [] }, /at least one/],
    [{ products: ["not_a_product"] }, /not a Plaid product/],
    [{ products: ["auth"], countryCodes: ["ZZ"] }, /not a country/],
    [{ products: ["auth"], language: "tlh" }, /Link language/],
    [{ products: ["auth"], redirectUri: "https://app.example/cb?next=/" }, /query string/],
  ])("createLinkToken refuses %j with BAD_USER_INPUT, calls no Plaid endpoint and stores nothing", async (input, message) => {
    const before = harness.exchanges.length;
    const sessions = await countRows("link_sessions");
    const result = await harness.graphql(CreateLinkTokenDocument, { input }, tokens.careless);
    expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(result.errors?.[0]?.message).toMatch(message);
    expect(result.data).toBeNull();
    expect(harness.exchanges.length).toBe(before);
    expect(await countRows("link_sessions")).toBe(sessions);
  });

  it.each(["", "   ", "access-sandbox-0000", "public-", "x".repeat(5000), "public-sandbox-abc'; DROP TABLE items;--"])(
    "exchangePublicToken refuses %j before calling Plaid",
    async (publicToken) => {
      const before = harness.exchanges.length;
      const items = await countRows("items");
      const result = await harness.graphql(ExchangePublicTokenDocument, { publicToken }, tokens.careless);
      expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      expect(harness.exchanges.length).toBe(before);
      expect(await countRows("items")).toBe(items);
    },
  );

  it("an unknown public token is answered as Plaid answers INVALID_PUBLIC_TOKEN, without reaching Plaid's exchange, and no token in the message", async () => {
    const publicToken = "public-sandbox-00000000-0000-4000-8000-000000000000";
    const items = await countRows("items");
    const before = harness.exchanges.length;
    const result = await harness.graphql(ExchangePublicTokenDocument, { publicToken }, tokens.careless);
    const error = result.errors?.[0];
    expect(error?.extensions).toMatchObject({ code: "PLAID_ERROR", plaid: { errorType: "INVALID_INPUT", errorCode: "INVALID_PUBLIC_TOKEN", requestId: null } });
    expect(JSON.stringify(result)).not.toContain(publicToken);
    expect(harness.callsTo("/item/public_token/exchange", before)).toBe(0);
    expect(await countRows("items")).toBe(items);
  });

  it("sandboxCreateItem refuses a malformed institution id and unknown products before calling Plaid", async () => {
    const before = harness.exchanges.length;
    const badInstitution = await harness.graphql(SandboxCreateItemDocument, { institutionId: "../../etc/passwd" }, tokens.careless);
    expect(badInstitution.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const badProducts = await harness.graphql(SandboxCreateItemDocument, { products: ["transactions", "nope"] }, tokens.careless);
    expect(badProducts.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(harness.exchanges.length).toBe(before);
  });

  it("sandboxCreateItem with an institution Plaid does not know is Plaid's error, and nothing is stored", async () => {
    const items = await countRows("items");
    const result = await harness.graphql(SandboxCreateItemDocument, { institutionId: "ins_999999999" }, tokens.careless);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "PLAID_ERROR", plaid: { errorCode: "INVALID_INSTITUTION" } });
    expect(await countRows("items")).toBe(items);
  });

  it.each([
    [{ first: -1 }, /first must be between/],
    [{ first: 1000 }, /first must be between/],
    [{ after: "bm90LWEtY3Vyc29y" }, /not a cursor/],
    [{ after: "%%%" }, /not a cursor/],
  ])("paging arguments %j are BAD_USER_INPUT", async (variables, message) => {
    for (const document of [ItemConsentEventsDocument, ItemHistoryDocument]) {
      const result = await harness.graphql(document, { id: itemId, ...variables }, tokens.careless);
      expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      expect(result.errors?.[0]?.message).toMatch(message);
    }
  });

  it("malformed requests get GraphQL's own codes, never a stack trace", async () => {
    const syntax = await harness.graphql("{ viewer { id ", {}, tokens.careless);
    expect(syntax.errors?.[0]?.extensions?.code).toBe("GRAPHQL_PARSE_FAILED");
    const unknownField = await harness.graphql("{ viewer { accessToken } }", {}, tokens.careless);
    expect(unknownField.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    const wrongType = await harness.graphql(ItemHistoryDocument, { id: itemId, first: "ten" } as never, tokens.careless);
    expect(wrongType.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    for (const result of [syntax, unknownField, wrongType]) expect(JSON.stringify(result)).not.toMatch(/stacktrace|at .*\.ts:\d+/);
  });

  it("refuses batched requests, non-JSON bodies and oversized bodies", async () => {
    const post = (body: string, contentType = "application/json") =>
      fetch(harness.gateway.graphqlUrl, { method: "POST", headers: { "content-type": contentType, authorization: `Bearer ${tokens.careless}` }, body });
    const batched = await post(JSON.stringify([{ query: "{ viewer { id } }" }, { query: "{ viewer { id } }" }]));
    expect(batched.status).toBe(400);
    const broken = await post("{ not json");
    expect(broken.status).toBe(400);
    const huge = await post(JSON.stringify({ query: `{ viewer { id } } # ${"x".repeat(200_000)}` }));
    expect(huge.status).toBe(413);
    const form = await post("query={viewer{id}}", "application/x-www-form-urlencoded");
    expect(form.status).toBeGreaterThanOrEqual(400);
    const get = await fetch(`${harness.gateway.graphqlUrl}?query=${encodeURIComponent("mutation { sandboxCreateItem { id } }")}`, {
      headers: { authorization: `Bearer ${tokens.careless}` },
    });
    expect(get.status).toBeGreaterThanOrEqual(400);
  });
});
