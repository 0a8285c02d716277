import type { AccountBase } from "plaid";
import { afterEach, describe, expect, it } from "vitest";
import { PLAID_ID, UUID, linkSandboxItem, linkTokenBase, updateLinkToken, useSimulator } from "./support.js";

const h = useSimulator();
const MINUTE = 60;

afterEach(async () => {
  await h.control("POST", "/clock", { offset_seconds: 0 });
});

describe("token formats", () => {
  it("issues tokens and ids shaped like Plaid's", async () => {
    const created = await h.plaid("/sandbox/public_token/create", { institution_id: "ins_109508", initial_products: ["auth"] });
    expect(created.body.public_token).toMatch(new RegExp(`^public-sandbox-${UUID}$`));
    const exchanged = await h.plaid("/item/public_token/exchange", { public_token: created.body.public_token });
    expect(exchanged.body.access_token).toMatch(new RegExp(`^access-sandbox-${UUID}$`));
    expect(exchanged.body.item_id).toMatch(PLAID_ID);
    const accounts = await h.plaid("/accounts/get", { access_token: exchanged.body.access_token });
    for (const account of accounts.body.accounts) expect(account.account_id).toMatch(PLAID_ID);
    const link = await h.plaid("/link/token/create", { ...linkTokenBase, products: ["auth"] });
    expect(link.body.link_token).toMatch(new RegExp(`^link-sandbox-${UUID}$`));
    const user = await h.plaid("/user/create", { client_user_id: "formats" });
    expect(user.body.user_id).toMatch(/^usr_[A-Za-z0-9]+$/);
  });
});

describe("public tokens", () => {
  it("are single use and always exchange to the same Item", async () => {
    const created = await h.plaid("/sandbox/public_token/create", { institution_id: "ins_109508", initial_products: ["transactions"] });
    const first = await h.plaid("/item/public_token/exchange", { public_token: created.body.public_token });
    expect(first.status).toBe(200);
    const again = await h.plaid("/item/public_token/exchange", { public_token: created.body.public_token });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ error_type: "INVALID_INPUT", error_code: "INVALID_PUBLIC_TOKEN" });
  });

  it("expire 30 minutes after creation", async () => {
    const fresh = await h.plaid("/sandbox/public_token/create", { institution_id: "ins_109508", initial_products: ["transactions"] });
    const stale = await h.plaid("/sandbox/public_token/create", { institution_id: "ins_109508", initial_products: ["transactions"] });
    await h.control("POST", "/clock", { offset_seconds: 29 * MINUTE });
    expect((await h.plaid("/item/public_token/exchange", { public_token: fresh.body.public_token })).status).toBe(200);
    await h.control("POST", "/clock", { offset_seconds: 30 * MINUTE + 1 });
    const expired = await h.plaid("/item/public_token/exchange", { public_token: stale.body.public_token });
    expect(expired.body).toMatchObject({ error_code: "INVALID_PUBLIC_TOKEN" });
    expect(expired.body.error_message).toContain("expired");
  });

  it("refuse a malformed token with Plaid's format message", async () => {
    const res = await h.plaid("/item/public_token/exchange", { public_token: "not-a-token" });
    expect(res.body).toMatchObject({ error_code: "INVALID_PUBLIC_TOKEN" });
    expect(res.body.error_message).toContain("expected format: public-<environment>-<identifier>");
  });
});

describe("access tokens", () => {
  it("refuse malformed and unknown tokens with INVALID_ACCESS_TOKEN", async () => {
    const malformed = await h.plaid("/item/get", { access_token: "abc" });
    expect(malformed.body).toMatchObject({ error_type: "INVALID_INPUT", error_code: "INVALID_ACCESS_TOKEN" });
    expect(malformed.body.error_message).toContain("invalid format");
    const unknown = await h.plaid("/accounts/get", { access_token: "access-sandbox-11111111-2222-4333-8444-555555555555" });
    expect(unknown.body).toMatchObject({ error_code: "INVALID_ACCESS_TOKEN", error_message: "could not find matching access token" });
  });

  it("never expire, though Sandbox Items need a fresh login 30 days after the last one", async () => {
    const item = await linkSandboxItem(h);
    await h.control("POST", "/clock", { offset_seconds: 29 * 24 * 60 * MINUTE });
    expect((await h.plaid("/item/get", { access_token: item.access_token })).body.item.error).toBeNull();
    await h.control("POST", "/clock", { offset_seconds: 400 * 24 * 60 * MINUTE });
    const later = await h.plaid("/item/get", { access_token: item.access_token });
    expect(later.status).toBe(200);
    expect(later.body.item.error).toMatchObject({ error_code: "ITEM_LOGIN_REQUIRED" });
  });

  it("stop working after /item/remove: ITEM_NOT_FOUND", async () => {
    const item = await linkSandboxItem(h);
    expect((await h.plaid("/item/remove", { access_token: item.access_token })).status).toBe(200);
    for (const path of ["/item/get", "/accounts/get", "/item/remove"]) {
      const res = await h.plaid(path, { access_token: item.access_token });
      expect(res.body).toMatchObject({ error_type: "ITEM_ERROR", error_code: "ITEM_NOT_FOUND" });
    }
  });

  it("are rotated by /item/access_token/invalidate: a new token for the same Item, the old one refused at once by every endpoint", async () => {
    const item = await linkSandboxItem(h);
    const rotated = await h.plaid("/item/access_token/invalidate", { access_token: item.access_token });
    expect(rotated.status).toBe(200);
    expect(Object.keys(rotated.body).sort()).toEqual(["new_access_token", "request_id"]);
    const fresh = rotated.body.new_access_token as string;
    expect(fresh).toMatch(new RegExp(`^access-sandbox-${UUID}$`));
    expect(fresh).not.toBe(item.access_token);
    for (const path of ["/item/get", "/accounts/get", "/consent/events/get", "/item/access_token/invalidate", "/item/remove", "/sandbox/item/reset_login"]) {
      const refused = await h.plaid(path, { access_token: item.access_token });
      expect(refused.status, path).toBe(400);
      expect(refused.body, path).toMatchObject({ error_type: "INVALID_INPUT", error_code: "INVALID_ACCESS_TOKEN", error_message: "could not find matching access token" });
    }
    const updateMode = await h.plaid("/link/token/create", { ...linkTokenBase, access_token: item.access_token });
    expect(updateMode.body).toMatchObject({ error_code: "INVALID_ACCESS_TOKEN" });
    const got = await h.plaid("/item/get", { access_token: fresh });
    expect(got.body.item).toMatchObject({ item_id: item.item_id, error: null });
    expect((await h.plaid("/accounts/get", { access_token: fresh })).status).toBe(200);
  });

  it("can be rotated while the Item needs a new login, which it still does afterwards", async () => {
    const item = await linkSandboxItem(h);
    await h.plaid("/sandbox/item/reset_login", { access_token: item.access_token });
    const rotated = await h.plaid("/item/access_token/invalidate", { access_token: item.access_token });
    expect(rotated.status).toBe(200);
    expect((await h.plaid("/item/get", { access_token: rotated.body.new_access_token })).body.item.error).toMatchObject({ error_code: "ITEM_LOGIN_REQUIRED" });
    expect((await h.plaid("/accounts/get", { access_token: rotated.body.new_access_token })).body).toMatchObject({ error_code: "ITEM_LOGIN_REQUIRED" });
  });

  it("of a removed Item cannot be rotated: ITEM_NOT_FOUND", async () => {
    const item = await linkSandboxItem(h);
    await h.plaid("/item/remove", { access_token: item.access_token });
    const res = await h.plaid("/item/access_token/invalidate", { access_token: item.access_token });
    expect(res.body).toMatchObject({ error_type: "ITEM_ERROR", error_code: "ITEM_NOT_FOUND" });
  });
});

describe("link tokens", () => {
  const expirationSeconds = (created: string, expiration: string) => (Date.parse(expiration) - Date.parse(created)) / 1000;

  it("last 4 hours for a new Item and 30 minutes in update mode", async () => {
    const item = await linkSandboxItem(h);
    const { now } = (await h.control("GET", "/clock")).body;
    const fresh = await h.plaid("/link/token/create", { ...linkTokenBase, products: ["auth"] });
    const update = await h.plaid("/link/token/create", { ...linkTokenBase, access_token: item.access_token });
    expect(expirationSeconds(now, fresh.body.expiration)).toBeGreaterThan(4 * 60 * MINUTE - 5);
    expect(expirationSeconds(now, fresh.body.expiration)).toBeLessThanOrEqual(4 * 60 * MINUTE + 5);
    expect(expirationSeconds(now, update.body.expiration)).toBeGreaterThan(30 * MINUTE - 5);
    expect(expirationSeconds(now, update.body.expiration)).toBeLessThanOrEqual(30 * MINUTE + 5);
  });

  it("can no longer be used once expired, and can be reused until then", async () => {
    const item = await linkSandboxItem(h);
    const update = await updateLinkToken(h, item.access_token);
    const fresh = (await h.plaid("/link/token/create", { ...linkTokenBase, products: ["auth"] })).body.link_token;
    expect((await h.control("POST", "/link/complete", { link_token: update })).status).toBe(200);
    expect((await h.control("POST", "/link/complete", { link_token: update })).status).toBe(200);
    await h.control("POST", "/clock", { offset_seconds: 31 * MINUTE });
    const late = await h.control("POST", "/link/complete", { link_token: update });
    expect(late.status).toBe(400);
    expect(late.body.error).toContain("INVALID_LINK_TOKEN");
    expect((await h.control("POST", "/link/complete", { link_token: fresh })).status).toBe(200);
    await h.control("POST", "/clock", { offset_seconds: 4 * 60 * MINUTE + 1 });
    expect((await h.control("POST", "/link/complete", { link_token: fresh })).status).toBe(400);
  });
});

describe("Items", () => {
  it("come back from /item/get with consent fields and a status", async () => {
    const linked = ["auth", "transactions"];
    const item = await linkSandboxItem(h, { initial_products: linked });
    const res = await h.plaid("/item/get", { access_token: item.access_token });
    expect(res.body.item).toMatchObject({ item_id: item.item_id, institution_id: "ins_109508", institution_name: "First Platypus Bank", webhook: null, error: null });
    expect(res.body.item).toMatchObject({ billed_products: linked, products: linked, consented_products: linked, consent_expiration_time: null, update_type: "background" });
    expect(res.body.item.consented_data_scopes).toEqual(["account_balance_info", "account_routing_number", "transactions"]);
    expect(res.body.item.available_products).toContain("balance");
    expect(res.body.item.available_products).not.toContain("auth");
    expect(res.body.item.consented_use_cases.length).toBeGreaterThan(0);
    expect(Number.isNaN(Date.parse(res.body.item.created_at))).toBe(false);
    expect(res.body.status).toMatchObject({ last_webhook: null });
  });

  it("in error answer 200 only on /item/get; other endpoints answer the error itself", async () => {
    const item = await linkSandboxItem(h);
    await h.plaid("/sandbox/item/reset_login", { access_token: item.access_token });
    const got = await h.plaid("/item/get", { access_token: item.access_token });
    expect(got.status).toBe(200);
    expect(got.body.item.error).toMatchObject({ error_type: "ITEM_ERROR", error_code: "ITEM_LOGIN_REQUIRED", display_message: null });
    for (const [path, extra] of [
      ["/accounts/get", {}],
      ["/consent/events/get", {}],
      ["/item/webhook/update", { webhook: "https://example.com/hook" }],
    ] as const) {
      const res = await h.plaid(path, { access_token: item.access_token, ...extra });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error_type: "ITEM_ERROR", error_code: "ITEM_LOGIN_REQUIRED" });
      expect(res.body.error_message).toContain("use Link's update mode");
    }
  });

  it("at a GB OAuth institution carry a 12-month consent expiration", async () => {
    const item = await linkSandboxItem(h, { institution_id: "ins_117650", initial_products: ["transactions"] });
    const { now } = (await h.control("GET", "/clock")).body;
    const res = await h.plaid("/item/get", { access_token: item.access_token });
    expect(res.body.item.institution_name).toBe("Royal Bank of Plaid");
    const days = (Date.parse(res.body.item.consent_expiration_time) - Date.parse(now)) / 86_400_000;
    expect(days).toBeGreaterThan(364);
    expect(days).toBeLessThan(366);
  });

  it("can have their webhook replaced, or removed with null", async () => {
    const item = await linkSandboxItem(h, { webhook: "https://example.com/old" });
    const updated = await h.plaid("/item/webhook/update", { access_token: item.access_token, webhook: "https://example.com/new" });
    expect(updated.body.item).toMatchObject({ item_id: item.item_id, webhook: "https://example.com/new" });
    const cleared = await h.plaid("/item/webhook/update", { access_token: item.access_token, webhook: null });
    expect(cleared.body.item.webhook).toBeNull();
  });
});

describe("accounts", () => {
  it("are Plaid's Sandbox accounts with balances", async () => {
    const item = await linkSandboxItem(h);
    const res = await h.plaid("/accounts/get", { access_token: item.access_token });
    const byMask = Object.fromEntries(res.body.accounts.map((a: AccountBase) => [a.mask, a]));
    expect(byMask["0000"]).toMatchObject({ name: "Plaid Checking", type: "depository", subtype: "checking", balances: { available: 100, current: 110, iso_currency_code: "USD" } });
    expect(byMask["1111"]).toMatchObject({ name: "Plaid Saving", type: "depository", subtype: "savings" });
    expect(byMask["2222"]).toMatchObject({ name: "Plaid CD", subtype: "cd" });
    expect(byMask["3333"]).toMatchObject({ name: "Plaid Credit Card", type: "credit", subtype: "credit card", balances: { limit: 2000 } });
    expect(res.body.item).toMatchObject({ item_id: item.item_id, error: null });
    expect(res.body.item).not.toHaveProperty("consented_use_cases");
  });

  it("can be filtered by options.account_ids; an unknown id is INVALID_ACCOUNT_ID", async () => {
    const item = await linkSandboxItem(h);
    const all = await h.plaid("/accounts/get", { access_token: item.access_token });
    const one = all.body.accounts[1].account_id;
    const filtered = await h.plaid("/accounts/get", { access_token: item.access_token, options: { account_ids: [one] } });
    expect(filtered.body.accounts.map((a: AccountBase) => a.account_id)).toEqual([one]);
    const bad = await h.plaid("/accounts/get", { access_token: item.access_token, options: { account_ids: ["nope"] } });
    expect(bad.body).toMatchObject({ error_type: "INVALID_INPUT", error_code: "INVALID_ACCOUNT_ID" });
  });
});

describe("/sandbox/public_token/create", () => {
  it("refuses an unknown institution", async () => {
    const res = await h.plaid("/sandbox/public_token/create", { institution_id: "ins_1", initial_products: ["auth"] });
    expect(res.body).toMatchObject({ error_type: "INVALID_INPUT", error_code: "INVALID_INSTITUTION" });
  });

  it("refuses balance as an initial product", async () => {
    const res = await h.plaid("/sandbox/public_token/create", { institution_id: "ins_109508", initial_products: ["balance"] });
    expect(res.body).toMatchObject({ error_type: "INVALID_INPUT", error_code: "INVALID_PRODUCT" });
  });

  it.each([
    ["error_ITEM_LOCKED", "ITEM_ERROR", "ITEM_LOCKED"],
    ["error_INSTITUTION_DOWN", "INSTITUTION_ERROR", "INSTITUTION_DOWN"],
    ["wrong-password", "ITEM_ERROR", "INVALID_CREDENTIALS"],
  ])("fails with the error chosen by override_password %s", async (password, type, code) => {
    const res = await h.plaid("/sandbox/public_token/create", {
      institution_id: "ins_109508",
      initial_products: ["transactions"],
      options: { override_username: "user_good", override_password: password },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error_type: type, error_code: code });
  });
});
