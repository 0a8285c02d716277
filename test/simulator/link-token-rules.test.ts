import { beforeAll, describe, expect, it } from "vitest";
import { createUser, linkSandboxItem, linkTokenBase, useSimulator, type LinkedItem } from "./support.js";

const h = useSimulator();
let usItem: LinkedItem;
let gbItem: LinkedItem;
let assetsItem: LinkedItem;
let userId: string;
let brokenUserId: string;

beforeAll(async () => {
  usItem = await linkSandboxItem(h, { initial_products: ["transactions"] });
  gbItem = await linkSandboxItem(h, { institution_id: "ins_117650", initial_products: ["transactions"] });
  assetsItem = await linkSandboxItem(h, { initial_products: ["assets"] });
  userId = await createUser(h, "rules-healthy-user");
  await linkSandboxItem(h, { user_id: userId });
  brokenUserId = await createUser(h, "rules-broken-user");
  const broken = await linkSandboxItem(h, { user_id: brokenUserId });
  await h.plaid("/sandbox/item/reset_login", { access_token: broken.access_token });
});

type Target = "us" | "gb" | "assets" | "none";
interface Case {
  rule: string;
  target: Target;
  request: Record<string, unknown>;
  /** null: the token is created; otherwise the error code and a phrase of the message. */
  refused: { code: string; message: string } | null;
}

const token = (target: Target) => ({ us: usItem, gb: gbItem, assets: assetsItem, none: undefined })[target]?.access_token;

const cases: Case[] = [
  { rule: "update mode needs no products", target: "us", request: {}, refused: null },
  { rule: "an empty products array is the same as none", target: "us", request: { products: [] }, refused: null },
  {
    rule: "a non-credit product is refused",
    target: "us",
    request: { products: ["transactions"] },
    refused: { code: "INVALID_FIELD", message: "products must be omitted in update mode" },
  },
  { rule: "a credit product may be added (assets)", target: "us", request: { products: ["assets"] }, refused: null },
  {
    rule: "a credit product may be added (statements, with its configuration)",
    target: "us",
    request: { products: ["statements"], statements: { start_date: "2024-01-01", end_date: "2024-03-31" } },
    refused: null,
  },
  { rule: "statements without its configuration is refused", target: "us", request: { products: ["statements"] }, refused: { code: "MISSING_FIELDS", message: "statements" } },
  { rule: "product validations may be requested (auth)", target: "us", request: { products: ["auth"] }, refused: null },
  { rule: "product validations may be requested (auth and identity)", target: "us", request: { products: ["auth", "identity"] }, refused: null },
  {
    rule: "product validations and credit products never mix",
    target: "us",
    request: { products: ["auth", "income_verification"] },
    refused: { code: "INVALID_FIELD", message: "cannot be combined with credit products" },
  },
  {
    rule: "a product configuration without its credit product is refused",
    target: "us",
    request: { transactions: { days_requested: 90 } },
    refused: { code: "INVALID_FIELD", message: "product-specific configuration (transactions)" },
  },
  { rule: "additional_consented_products adds consent", target: "us", request: { additional_consented_products: ["identity"] }, refused: null },
  {
    rule: "additional_consented_products excludes balance",
    target: "us",
    request: { additional_consented_products: ["balance"] },
    refused: { code: "INVALID_PRODUCT", message: "balance" },
  },
  {
    rule: "additional_consented_products must not overlap products",
    target: "us",
    request: { products: ["auth"], additional_consented_products: ["auth"] },
    refused: { code: "INVALID_FIELD", message: "must not overlap with products" },
  },
  {
    rule: "account_filters need account selection",
    target: "us",
    request: { account_filters: { depository: { account_subtypes: ["checking"] } } },
    refused: { code: "INVALID_FIELD", message: "update.account_selection_enabled is true" },
  },
  {
    rule: "account_filters with account selection are fine",
    target: "us",
    request: { update: { account_selection_enabled: true }, account_filters: { depository: { account_subtypes: ["checking"] } } },
    refused: null,
  },
  { rule: "account selection for a US Item", target: "us", request: { update: { account_selection_enabled: true } }, refused: null },
  {
    rule: "no account selection for a GB Item",
    target: "gb",
    request: { country_codes: ["GB"], update: { account_selection_enabled: true } },
    refused: { code: "INVALID_FIELD", message: "outside the US and CA" },
  },
  {
    rule: "no account selection with non-US/CA country codes",
    target: "us",
    request: { country_codes: ["US", "FR"], update: { account_selection_enabled: true } },
    refused: { code: "INVALID_FIELD", message: "outside the US and CA" },
  },
  { rule: "a GB Item can still be repaired without account selection", target: "gb", request: { country_codes: ["GB"] }, refused: null },
  {
    rule: "no account selection on an Assets Item",
    target: "assets",
    request: { update: { account_selection_enabled: true } },
    refused: { code: "PRODUCTS_NOT_SUPPORTED", message: "assets" },
  },
  { rule: "a webhook is accepted and ignored in update mode", target: "us", request: { webhook: "https://example.com/ignored" }, refused: null },
  {
    rule: "update.user needs a user",
    target: "none",
    request: { update: { user: true } },
    refused: { code: "INVALID_FIELD", message: "update.user requires user_token or user_id" },
  },
  { rule: "update.user opens on the user's broken Item", target: "none", request: { update: { user: true }, user_id: "BROKEN_USER" }, refused: null },
  {
    rule: "update.user with no broken Item has nothing to repair",
    target: "none",
    request: { update: { user: true }, user_id: "HEALTHY_USER" },
    refused: { code: "INVALID_FIELD", message: "none of the user's Items" },
  },
  {
    rule: "update.user cannot be combined with an access_token",
    target: "us",
    request: { update: { user: true }, user_id: "BROKEN_USER" },
    refused: { code: "INVALID_FIELD", message: "cannot be combined" },
  },
  { rule: "a transfer authorization opens update mode without an access_token", target: "none", request: { transfer: { authorization_id: "auth-123" } }, refused: null },
];

describe("update-mode rules of /link/token/create", () => {
  it.each(cases)("$rule", async ({ target, request, refused }) => {
    const userRef = request.user_id === "BROKEN_USER" ? brokenUserId : request.user_id === "HEALTHY_USER" ? userId : undefined;
    const body = { ...linkTokenBase, ...(token(target) ? { access_token: token(target) } : {}), ...request, ...(userRef ? { user_id: userRef } : {}) };
    const res = await h.plaid("/link/token/create", body);
    if (refused === null) {
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.link_token).toMatch(/^link-sandbox-/);
      return;
    }
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe(refused.code);
    expect(res.body.error_message).toContain(refused.message);
  });

  it("ignores the webhook given in update mode: the Item keeps its own", async () => {
    const item = await linkSandboxItem(h, { webhook: "https://example.com/original" });
    const link = await h.plaid("/link/token/create", { ...linkTokenBase, access_token: item.access_token, webhook: "https://example.com/ignored" });
    await h.control("POST", "/link/complete", { link_token: link.body.link_token });
    expect((await h.plaid("/item/get", { access_token: item.access_token })).body.item.webhook).toBe("https://example.com/original");
  });

  it("returns user_id when the token was created with one", async () => {
    const res = await h.plaid("/link/token/create", { client_name: "x", language: "en", country_codes: ["US"], user_id: userId, products: ["transactions"] });
    expect(res.body.user_id).toBe(userId);
  });
});

describe("new-Item link tokens", () => {
  it("need at least one product", async () => {
    const res = await h.plaid("/link/token/create", { ...linkTokenBase });
    expect(res.body).toMatchObject({ error_type: "INVALID_REQUEST", error_code: "INVALID_FIELD", error_message: "must provide at least one product" });
  });

  it("refuse balance as a product", async () => {
    const res = await h.plaid("/link/token/create", { ...linkTokenBase, products: ["balance"] });
    expect(res.body).toMatchObject({ error_type: "INVALID_INPUT", error_code: "INVALID_PRODUCT" });
  });

  it("need a user or a user_id", async () => {
    const { user: _user, ...withoutUser } = linkTokenBase;
    const res = await h.plaid("/link/token/create", { ...withoutUser, products: ["auth"] });
    expect(res.body).toMatchObject({ error_code: "MISSING_FIELDS" });
  });

  it("refuse an unknown user_id and a malformed one", async () => {
    const unknown = await h.plaid("/link/token/create", { ...linkTokenBase, products: ["auth"], user_id: "usr_doesNotExist1" });
    expect(unknown.body).toMatchObject({ error_type: "USER_ERROR", error_code: "USER_NOT_FOUND" });
    const malformed = await h.plaid("/link/token/create", { ...linkTokenBase, products: ["auth"], user_id: "client-42" });
    expect(malformed.body).toMatchObject({ error_type: "INVALID_INPUT", error_code: "INVALID_USER_ID" });
  });

  it("accept account_filters outside update mode", async () => {
    const res = await h.plaid("/link/token/create", { ...linkTokenBase, products: ["auth"], account_filters: { depository: { account_subtypes: ["checking", "savings"] } } });
    expect(res.status).toBe(200);
  });
});
