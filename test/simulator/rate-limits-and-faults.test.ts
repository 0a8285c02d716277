import { afterEach, describe, expect, it } from "vitest";
import { linkSandboxItem, useSimulator } from "./support.js";

const h = useSimulator();

afterEach(async () => {
  await h.control("POST", "/settings", { rate_limits: { "/item/get": 40, "/accounts/get": 100, "/item/remove": 100 } });
  await h.control("DELETE", "/faults");
  await h.control("POST", "/clock", { offset_seconds: 0 });
});

describe("per-Item rate limits", () => {
  it("default to Plaid's Sandbox numbers", async () => {
    const settings = await h.control("GET", "/settings");
    expect(settings.body.rate_limits).toEqual({ "/item/get": 40, "/accounts/get": 100, "/item/remove": 100 });
  });

  it("trip /item/get with 429 ITEM_GET_LIMIT, for that Item only", async () => {
    await h.control("POST", "/settings", { rate_limits: { "/item/get": 3 } });
    const busy = await linkSandboxItem(h);
    const quiet = await linkSandboxItem(h);
    for (let i = 0; i < 3; i++) expect((await h.plaid("/item/get", { access_token: busy.access_token })).status).toBe(200);
    const limited = await h.plaid("/item/get", { access_token: busy.access_token });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({
      error_type: "RATE_LIMIT_EXCEEDED",
      error_code: "ITEM_GET_LIMIT",
      error_message: "rate limit exceeded for attempts to access this item. please try again later",
    });
    expect((await h.plaid("/item/get", { access_token: quiet.access_token })).status).toBe(200);
  });

  it("count per minute: the window moves on", async () => {
    await h.control("POST", "/settings", { rate_limits: { "/item/get": 1 } });
    const item = await linkSandboxItem(h);
    expect((await h.plaid("/item/get", { access_token: item.access_token })).status).toBe(200);
    expect((await h.plaid("/item/get", { access_token: item.access_token })).status).toBe(429);
    await h.control("POST", "/clock", { offset_seconds: 61 });
    expect((await h.plaid("/item/get", { access_token: item.access_token })).status).toBe(200);
  });

  it("trip /accounts/get with ACCOUNTS_LIMIT and /item/remove with RATE_LIMIT", async () => {
    await h.control("POST", "/settings", { rate_limits: { "/accounts/get": 1, "/item/remove": 0 } });
    const item = await linkSandboxItem(h);
    await h.plaid("/accounts/get", { access_token: item.access_token });
    expect((await h.plaid("/accounts/get", { access_token: item.access_token })).body).toMatchObject({ error_code: "ACCOUNTS_LIMIT" });
    const removal = await h.plaid("/item/remove", { access_token: item.access_token });
    expect(removal.status).toBe(429);
    expect(removal.body).toMatchObject({ error_type: "RATE_LIMIT_EXCEEDED", error_code: "RATE_LIMIT" });
  });

  it("refuse a limit on a path Plaid does not have", async () => {
    expect((await h.control("POST", "/settings", { rate_limits: { "/nope": 1 } })).status).toBe(400);
  });
});

describe("fault injection", () => {
  it("answers the next N calls to a path with the injected Plaid error, then recovers", async () => {
    const item = await linkSandboxItem(h);
    await h.control("POST", "/faults", { path: "/item/get", status: 500, count: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await h.plaid("/item/get", { access_token: item.access_token });
      expect(res.status).toBe(500);
      expect(res.body).toMatchObject({ error_type: "API_ERROR", error_code: "INTERNAL_SERVER_ERROR" });
    }
    expect((await h.plaid("/item/get", { access_token: item.access_token })).status).toBe(200);
  });

  it("injects planned maintenance (503) and custom codes", async () => {
    await h.control("POST", "/faults", { path: "/user/create", status: 503 });
    await h.control("POST", "/faults", { path: "/user/create", status: 400, error_type: "INSTITUTION_ERROR", error_code: "INSTITUTION_NOT_RESPONDING" });
    const first = await h.plaid("/user/create", { client_user_id: "fault" });
    expect(first.status).toBe(503);
    expect(first.body.error_code).toBe("PLANNED_MAINTENANCE");
    const second = await h.plaid("/user/create", { client_user_id: "fault" });
    expect(second.body).toMatchObject({ error_type: "INSTITUTION_ERROR", error_code: "INSTITUTION_NOT_RESPONDING" });
    expect((await h.plaid("/user/create", { client_user_id: "fault" })).status).toBe(200);
  });

  it("records the Item a failed call addressed", async () => {
    const item = await linkSandboxItem(h);
    await h.control("POST", "/faults", { path: "/accounts/get", status: 429, error_code: "ACCOUNTS_LIMIT" });
    await h.plaid("/accounts/get", { access_token: item.access_token });
    const calls = h.callsTo("/accounts/get", item.item_id);
    expect(calls.at(-1)).toMatchObject({ status: 429, itemId: item.item_id });
  });

  it("adds latency without failing the call", async () => {
    await h.control("POST", "/faults", { path: "/user/create", latency_ms: 50 });
    expect((await h.control("GET", "/faults")).body.faults).toHaveLength(1);
    expect((await h.plaid("/user/create", { client_user_id: "slow" })).status).toBe(200);
    expect((await h.control("GET", "/faults")).body.faults).toHaveLength(0);
  });

  it("can be cleared", async () => {
    await h.control("POST", "/faults", { path: "/user/create", status: 500, count: 5 });
    await h.control("DELETE", "/faults");
    expect((await h.plaid("/user/create", { client_user_id: "cleared" })).status).toBe(200);
  });

  it("refuses faults it cannot express", async () => {
    expect((await h.control("POST", "/faults", { path: "/nope", status: 500 })).status).toBe(400);
    expect((await h.control("POST", "/faults", { path: "/item/get", status: 200 })).status).toBe(400);
    expect((await h.control("POST", "/faults", { path: "/item/get", status: 400 })).status).toBe(400);
  });

  it("never reports control calls as Plaid exchanges", () => {
    expect(h.exchanges.some((e) => e.path.startsWith("/simulator"))).toBe(false);
  });
});
