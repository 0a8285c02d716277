import { describe, expect, it } from "vitest";
import type { SimulatorCallResult } from "../support/simulator-harness.js";
import { REQUEST_ID, linkSandboxItem, linkTokenBase, useSimulator } from "./support.js";

const h = useSimulator();

function expectPlaidError(res: SimulatorCallResult, status: number, type: string, code: string) {
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({ error_type: type, error_code: code, display_message: null });
  expect(typeof res.body.error_message).toBe("string");
  expect(res.body.request_id).toMatch(REQUEST_ID);
}

describe("the response envelope", () => {
  it("gives every successful answer a 15-character alphanumeric request_id, unique per call", async () => {
    const a = await h.plaid("/user/create", { client_user_id: "envelope-a" });
    const b = await h.plaid("/user/create", { client_user_id: "envelope-a" });
    expect(a.status).toBe(200);
    expect(a.body.request_id).toMatch(REQUEST_ID);
    expect(b.body.request_id).toMatch(REQUEST_ID);
    expect(a.body.request_id).not.toBe(b.body.request_id);
  });

  it("answers failures with Plaid's error envelope and status", async () => {
    const res = await h.plaid("/item/get", { access_token: "access-sandbox-00000000-0000-4000-8000-000000000000" });
    expectPlaidError(res, 400, "INVALID_INPUT", "INVALID_ACCESS_TOKEN");
    expect(res.body.error_message).toBe("could not find matching access token");
  });

  it("answers an unknown endpoint with 404 NOT_FOUND", async () => {
    const res = await h.plaid("/transactions/teleport", {});
    expectPlaidError(res, 404, "INVALID_REQUEST", "NOT_FOUND");
  });

  it("accepts only application/json", async () => {
    const form = await fetch(`${h.url}/user/create`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "PLAID-CLIENT-ID": h.clientId, "PLAID-SECRET": h.secret },
      body: "client_user_id=x",
    });
    expectPlaidError({ status: form.status, body: await form.json() }, 400, "INVALID_REQUEST", "INVALID_BODY");
  });

  it("refuses a body that is not JSON, or not a JSON object", async () => {
    const headers = { "Content-Type": "application/json", "PLAID-CLIENT-ID": h.clientId, "PLAID-SECRET": h.secret };
    const broken = await fetch(`${h.url}/user/create`, { method: "POST", headers, body: '{"client_user_id": ' });
    const brokenBody = (await broken.json()) as { error_message: string };
    expectPlaidError({ status: broken.status, body: brokenBody }, 400, "INVALID_REQUEST", "INVALID_BODY");
    expect(brokenBody.error_message).toBe("body could not be parsed as JSON");
    const array = await fetch(`${h.url}/user/create`, { method: "POST", headers, body: "[]" });
    expectPlaidError({ status: array.status, body: await array.json() }, 400, "INVALID_REQUEST", "INVALID_BODY");
  });

  it("refuses a request without a Content-Type header", async () => {
    const res = await fetch(`${h.url}/user/create`, {
      method: "POST",
      headers: { "PLAID-CLIENT-ID": h.clientId, "PLAID-SECRET": h.secret },
      body: new Uint8Array(Buffer.from('{"client_user_id":"x"}')),
    });
    expectPlaidError({ status: res.status, body: await res.json() }, 400, "INVALID_REQUEST", "INVALID_HEADERS");
  });
});

describe("authentication", () => {
  it("accepts client_id and secret in the headers", async () => {
    expect((await h.plaid("/user/create", { client_user_id: "auth-headers" }, { credentials: "headers" })).status).toBe(200);
  });

  it("accepts client_id and secret in the body", async () => {
    expect((await h.plaid("/user/create", { client_user_id: "auth-body" }, { credentials: "body" })).status).toBe(200);
  });

  it("refuses missing credentials with INVALID_API_KEYS", async () => {
    const res = await h.plaid("/user/create", { client_user_id: "auth-none" }, { credentials: "none" });
    expectPlaidError(res, 400, "INVALID_INPUT", "INVALID_API_KEYS");
    expect(res.body.error_message).toBe("invalid client_id or secret provided");
  });

  it("refuses a wrong secret, in the headers or in the body", async () => {
    const headerRes = await h.plaid("/user/create", { client_user_id: "x" }, { credentials: "none", headers: { "PLAID-CLIENT-ID": h.clientId, "PLAID-SECRET": "nope" } });
    expectPlaidError(headerRes, 400, "INVALID_INPUT", "INVALID_API_KEYS");
    const bodyRes = await h.plaid("/user/create", { client_id: h.clientId, secret: `${h.secret}x`, client_user_id: "x" }, { credentials: "none" });
    expectPlaidError(bodyRes, 400, "INVALID_INPUT", "INVALID_API_KEYS");
  });

  it("accepts the Plaid-Version and Plaid-New-User-API-Enabled headers the client sends", async () => {
    const res = await h.plaid("/user/create", { client_user_id: "versioned" }, { headers: { "Plaid-Version": "2020-09-14", "Plaid-New-User-API-Enabled": "true" } });
    expect(res.status).toBe(200);
    expect(res.body.user_id).toMatch(/^usr_/);
  });
});

describe("strict field checking", () => {
  it("names unknown fields, nested ones included", async () => {
    const res = await h.plaid("/link/token/create", { ...linkTokenBase, products: ["auth"], colour: "blue", update: { mode: "fast" } });
    expectPlaidError(res, 400, "INVALID_REQUEST", "UNKNOWN_FIELDS");
    expect(res.body.error_message).toBe("the following fields are not recognized by this endpoint: colour, update.mode");
  });

  it("names every missing required field", async () => {
    const res = await h.plaid("/link/token/create", { user: { client_user_id: "u" } });
    expectPlaidError(res, 400, "INVALID_REQUEST", "MISSING_FIELDS");
    expect(res.body.error_message).toBe("the following required fields are missing: client_name, language, country_codes");
  });

  it("names a missing nested required field", async () => {
    const res = await h.plaid("/link/token/create", { ...linkTokenBase, user: {}, products: ["auth"] });
    expectPlaidError(res, 400, "INVALID_REQUEST", "MISSING_FIELDS");
    expect(res.body.error_message).toContain("user.client_user_id");
  });

  it.each([
    ["a string where an array belongs", { country_codes: "US" }, "country_codes"],
    ["a country outside the enum", { country_codes: ["XX"] }, "country_codes[0]"],
    ["an empty country list", { country_codes: [] }, "country_codes"],
    ["a language Link does not speak", { language: "tlh" }, "language"],
    ["a webhook that is not a URL", { webhook: "not a url" }, "webhook"],
    ["a non-boolean update flag", { update: { account_selection_enabled: "yes" } }, "update.account_selection_enabled"],
    ["an empty client_name", { client_name: "" }, "client_name"],
  ])("refuses %s with INVALID_FIELD naming the field", async (_label, patch, field) => {
    const res = await h.plaid("/link/token/create", { ...linkTokenBase, products: ["auth"], ...patch });
    expectPlaidError(res, 400, "INVALID_REQUEST", "INVALID_FIELD");
    expect(res.body.error_message.startsWith(`${field} `)).toBe(true);
  });

  it("refuses a product name Plaid does not have with INVALID_PRODUCT", async () => {
    const res = await h.plaid("/link/token/create", { ...linkTokenBase, products: ["transactions", "teleportation"] });
    expectPlaidError(res, 400, "INVALID_INPUT", "INVALID_PRODUCT");
    expect(res.body.error_message).toContain("teleportation");
  });

  it("checks client_user_id is 1 to 128 characters", async () => {
    expect((await h.plaid("/user/create", { client_user_id: "x".repeat(128) })).status).toBe(200);
    expectPlaidError(await h.plaid("/user/create", { client_user_id: "x".repeat(129) }), 400, "INVALID_REQUEST", "INVALID_FIELD");
    expectPlaidError(await h.plaid("/user/create", { client_user_id: "" }), 400, "INVALID_REQUEST", "INVALID_FIELD");
  });

  it("checks field types on every endpoint, e.g. /accounts/get options", async () => {
    const item = await linkSandboxItem(h);
    const res = await h.plaid("/accounts/get", { access_token: item.access_token, options: { account_ids: "all" } });
    expectPlaidError(res, 400, "INVALID_REQUEST", "INVALID_FIELD");
    expect(res.body.error_message).toContain("options.account_ids");
  });
});
