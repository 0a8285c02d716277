/**
 * /link/token/get: a link token's settings and the Link sessions opened with it, with the public token
 * each session handed over (results.item_add_results, and on_success for older integrations).
 */
import { afterEach, describe, expect, it } from "vitest";
import { loadPlaidSpec } from "../support/plaid-openapi.js";
import { createUser, linkSandboxItem, linkTokenBase, plaidClient, REQUEST_ID, updateLinkToken, useSimulator, UUID, type LinkAccount } from "./support.js";

const h = useSimulator();

afterEach(async () => {
  await h.control("POST", "/clock", { offset_seconds: 0 });
});

async function newItemToken(extra: object = {}): Promise<string> {
  const res = await h.plaid("/link/token/create", { ...linkTokenBase, products: ["transactions"], ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.link_token;
}

describe("/link/token/get", () => {
  it("answers a fresh link token with its settings and no session yet", async () => {
    const userId = await createUser(h, "token-get-user");
    const created = await h.plaid("/link/token/create", {
      ...linkTokenBase,
      client_name: "Acme Budget",
      language: "fr",
      country_codes: ["US", "CA"],
      products: ["auth", "transactions"],
      webhook: "https://app.example.com/plaid",
      redirect_uri: "https://app.example.com/oauth",
      account_filters: { depository: { account_subtypes: ["checking"] } },
      user_id: userId,
    });
    const got = await h.plaid("/link/token/get", { link_token: created.body.link_token });
    expect(got.status).toBe(200);
    expect(got.body).toEqual({
      link_token: created.body.link_token,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      expiration: created.body.expiration,
      link_sessions: [],
      metadata: {
        initial_products: ["auth", "transactions"],
        webhook: "https://app.example.com/plaid",
        country_codes: ["US", "CA"],
        language: "fr",
        account_filters: { depository: { account_subtypes: ["checking"] } },
        redirect_uri: "https://app.example.com/oauth",
        client_name: "Acme Budget",
      },
      user_id: userId,
      request_id: expect.stringMatching(REQUEST_ID),
    });
    expect(Date.parse(got.body.expiration) - Date.parse(got.body.created_at)).toBe(4 * 3600_000);
  });

  it("reports the session of a user who finished Link: the public token, its institution and accounts", async () => {
    const token = await newItemToken();
    const done = await h.control("POST", "/link/complete", { link_token: token, institution_id: "ins_109511", account_masks: ["0000", "3333"] });
    const got = await h.plaid("/link/token/get", { link_token: token });
    expect(got.body.link_sessions).toHaveLength(1);
    const session = got.body.link_sessions[0];
    expect(session.link_session_id).toMatch(new RegExp(`^${UUID}$`));
    const institution = { institution_id: "ins_109511", name: "Tartan Bank" };
    const accounts = done.body.accounts.map((a: LinkAccount) => ({ ...a, verification_status: null, class_type: null }));
    expect(session.results).toEqual({
      item_add_results: [{ public_token: done.body.public_token, institution, accounts }],
      cra_item_add_results: [],
      cra_update_results: [],
      bank_income_results: [],
      payroll_income_results: [],
      document_income_results: null,
    });
    expect(session.on_success).toEqual({
      public_token: done.body.public_token,
      metadata: { institution, accounts, link_session_id: session.link_session_id, transfer_status: null },
    });
    expect(session.events.map((e: { event_name: string }) => e.event_name)).toEqual(["OPEN", "SELECT_INSTITUTION", "SUBMIT_CREDENTIALS", "HANDOFF"]);
    expect(session.events[1].event_metadata).toMatchObject({ institution_id: "ins_109511", institution_name: "Tartan Bank", request_id: expect.stringMatching(REQUEST_ID) });
    expect(Date.parse(session.finished_at)).toBeGreaterThanOrEqual(Date.parse(session.started_at));
    // The same session, with the same ids, however often it is asked for.
    expect((await h.plaid("/link/token/get", { link_token: token })).body.link_sessions).toEqual(got.body.link_sessions);
  });

  it("names each account of a session as /accounts/get names it on the Item its public token becomes", async () => {
    const token = await newItemToken();
    await h.control("POST", "/link/complete", { link_token: token, institution_id: "ins_109512", account_masks: ["0000", "1111"] });
    const added = (await h.plaid("/link/token/get", { link_token: token })).body.link_sessions[0].results.item_add_results[0];
    const exchanged = await h.plaid("/item/public_token/exchange", { public_token: added.public_token });
    const listed = await h.plaid("/accounts/get", { access_token: exchanged.body.access_token });
    type Named = { id?: string; account_id?: string; name: string; mask: string | null; type: string; subtype?: string | null };
    const naming = (account: Named) => ({ id: account.id ?? account.account_id, name: account.name, mask: account.mask, type: account.type, subtype: account.subtype ?? null });
    expect(added.institution).toEqual({ institution_id: "ins_109512", name: "Houndstooth Bank" });
    expect(added.accounts.map(naming)).toEqual(listed.body.accounts.map(naming));
    expect(added.accounts.map((account: Named) => account.mask)).toEqual(["0000", "1111"]);
  });

  it("lists every session of a token, and one in update mode hands over the Item's new public token", async () => {
    const item = await linkSandboxItem(h);
    await h.plaid("/sandbox/item/reset_login", { access_token: item.access_token });
    const token = await updateLinkToken(h, item.access_token);
    const first = await h.control("POST", "/link/complete", { link_token: token });
    const second = await h.control("POST", "/link/complete", { link_token: token });
    const got = await h.plaid("/link/token/get", { link_token: token });
    expect(got.body.link_sessions.map((s: { results: { item_add_results: Array<{ public_token: string }> } }) => s.results.item_add_results[0]!.public_token)).toEqual([
      first.body.public_token,
      second.body.public_token,
    ]);
    expect(got.body.link_sessions[0].events.map((e: { event_name: string }) => e.event_name)).toEqual(["OPEN", "SUBMIT_CREDENTIALS", "HANDOFF"]);
    expect(got.body.metadata).toMatchObject({ initial_products: [], webhook: null, country_codes: ["US"] });
    const exchanged = await h.plaid("/item/public_token/exchange", { public_token: second.body.public_token });
    expect(exchanged.body.item_id).toBe(item.item_id);
  });

  it("still answers once the link token expired, and drops session data six hours after the session ended", async () => {
    const token = await newItemToken();
    await h.control("POST", "/link/complete", { link_token: token });
    await h.control("POST", "/clock", { offset_seconds: 5 * 3600 });
    const expired = await h.plaid("/link/token/get", { link_token: token });
    expect(expired.status).toBe(200);
    expect(Date.parse(expired.body.expiration)).toBeLessThan(Date.now() + 5 * 3600_000);
    expect(expired.body.link_sessions).toHaveLength(1);
    await h.control("POST", "/clock", { offset_seconds: 6 * 3600 + 5 });
    expect((await h.plaid("/link/token/get", { link_token: token })).body.link_sessions).toEqual([]);
  });

  it("refuses an unknown or malformed link token with INVALID_LINK_TOKEN, and a missing one with MISSING_FIELDS", async () => {
    const unknown = await h.plaid("/link/token/get", { link_token: "link-sandbox-00000000-0000-4000-8000-000000000000" });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error_type: "INVALID_INPUT", error_code: "INVALID_LINK_TOKEN", error_message: "invalid link_token provided" });
    const malformed = await h.plaid("/link/token/get", { link_token: "public-sandbox-00000000-0000-4000-8000-000000000000" });
    expect(malformed.body).toMatchObject({ error_code: "INVALID_LINK_TOKEN", error_message: expect.stringContaining("expected format: link-<environment>-<identifier>") });
    const missing = await h.plaid("/link/token/get", {});
    expect(missing.body).toMatchObject({ error_type: "INVALID_REQUEST", error_code: "MISSING_FIELDS" });
    const extra = await h.plaid("/link/token/get", { link_token: "link-sandbox-00000000-0000-4000-8000-000000000000", products: ["auth"] });
    expect(extra.body).toMatchObject({ error_code: "UNKNOWN_FIELDS" });
  });

  it("is read by the official plaid client", async () => {
    const token = await newItemToken();
    const done = await h.control("POST", "/link/complete", { link_token: token });
    const got = await plaidClient(h).linkTokenGet({ link_token: token });
    expect(got.data.link_sessions?.[0]?.results?.item_add_results[0]?.public_token).toBe(done.body.public_token);
  });

  it("answers within Plaid's spec, sessions included", async () => {
    const spec = await loadPlaidSpec();
    const answers = h.callsTo("/link/token/get");
    expect(answers.some((e) => e.status === 200 && (e.response as { link_sessions: unknown[] }).link_sessions.length > 0)).toBe(true);
    for (const exchange of answers) expect(spec.check(exchange), JSON.stringify(exchange.response)).toEqual([]);
  });
});
