import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { configFailure } from "../support/config-failure.js";

/** What a gateway needs to start against Plaid itself. */
const REAL_PLAID = { PLAID_CLIENT_ID: "client", PLAID_SECRET: "secret" };
const PRODUCTION = { ...REAL_PLAID, PLAID_ENV: "production", AUTH_JWKS_URL: "https://id.example.com/jwks", TOKEN_ENCRYPTION_KEY: "ab".repeat(32) };

describe("reconciliation settings", () => {
  it("confirms every Item once a day within half of Plaid's per-client limit, and repairs webhooks, by default", () => {
    expect(loadConfig({}).reconcile).toEqual({ intervalSeconds: 86_400, maxShare: 0.5, webhookRepair: true, webhooksReachable: true });
  });

  it("reads the interval (down to 10 s), the share and the repair switch", () => {
    const config = loadConfig({ ITEM_RECONCILE_INTERVAL_SECONDS: "10", ITEM_RECONCILE_MAX_SHARE: "0.25", WEBHOOK_URL_REPAIR: "off" });
    expect(config.reconcile).toEqual({ intervalSeconds: 10, maxShare: 0.25, webhookRepair: false, webhooksReachable: true });
    expect(loadConfig({ ITEM_RECONCILE_INTERVAL_SECONDS: "3600", ITEM_RECONCILE_MAX_SHARE: "1" }).reconcile).toMatchObject({ intervalSeconds: 3600, maxShare: 1 });
    expect(loadConfig({ ITEM_RECONCILE_MAX_SHARE: ".1" }).reconcile.maxShare).toBe(0.1);
  });

  it.each([
    [{ ITEM_RECONCILE_INTERVAL_SECONDS: "9" }, "ITEM_RECONCILE_INTERVAL_SECONDS", /between 10 and 2592000 \(got 9\)/],
    [{ ITEM_RECONCILE_INTERVAL_SECONDS: "0" }, "ITEM_RECONCILE_INTERVAL_SECONDS", /between 10 and/],
    [{ ITEM_RECONCILE_INTERVAL_SECONDS: "10.5" }, "ITEM_RECONCILE_INTERVAL_SECONDS", /whole number/],
    [{ ITEM_RECONCILE_INTERVAL_SECONDS: "1d" }, "ITEM_RECONCILE_INTERVAL_SECONDS", /whole number/],
    [{ ITEM_RECONCILE_INTERVAL_SECONDS: "-60" }, "ITEM_RECONCILE_INTERVAL_SECONDS", /whole number/],
    [{ ITEM_RECONCILE_INTERVAL_SECONDS: "99999999" }, "ITEM_RECONCILE_INTERVAL_SECONDS", /between 10 and 2592000/],
    [{ ITEM_RECONCILE_MAX_SHARE: "0" }, "ITEM_RECONCILE_MAX_SHARE", /above 0 and at most 1 \(got 0\)/],
    [{ ITEM_RECONCILE_MAX_SHARE: "1.5" }, "ITEM_RECONCILE_MAX_SHARE", /above 0 and at most 1 \(got 1.5\)/],
    [{ ITEM_RECONCILE_MAX_SHARE: "50%" }, "ITEM_RECONCILE_MAX_SHARE", /decimal number .*got "50%"/],
    [{ ITEM_RECONCILE_MAX_SHARE: "-0.5" }, "ITEM_RECONCILE_MAX_SHARE", /decimal number/],
    [{ WEBHOOK_URL_REPAIR: "sometimes" }, "WEBHOOK_URL_REPAIR", /on or off/],
  ])("refuses %j naming %s", (env, variable, message) => {
    const error = configFailure(env);
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}: `)).toBe(true);
    expect(error.message).toMatch(message);
    expect(error.message.split("\n")).toHaveLength(1);
  });

  it.each([
    ["sandbox without PUBLIC_URL", { ...REAL_PLAID, PLAID_ENV: "sandbox" }],
    ["sandbox with a loopback PUBLIC_URL", { ...REAL_PLAID, PLAID_ENV: "sandbox", PUBLIC_URL: "http://127.0.0.1:4000" }],
    ["sandbox at localhost", { ...REAL_PLAID, PLAID_ENV: "sandbox", PUBLIC_URL: "http://localhost:4000" }],
    ["production at [::1]", { ...PRODUCTION, PUBLIC_URL: "http://[::1]:4000" }],
    ["production at an IPv4-mapped loopback address", { ...PRODUCTION, PUBLIC_URL: "http://[::ffff:127.0.0.2]:4000" }],
    ["production at 0.0.0.0", { ...PRODUCTION, PUBLIC_URL: "http://0.0.0.0:4000" }],
    ["production at a .localhost name", { ...PRODUCTION, PUBLIC_URL: "https://gateway.localhost" }],
  ])("never points Items at an address Plaid cannot reach: %s", (_case, env) => {
    expect(loadConfig(env).reconcile.webhooksReachable).toBe(false);
  });

  it("repairs webhooks towards a public PUBLIC_URL with real Plaid, and towards any address with the simulator", () => {
    expect(loadConfig({ ...PRODUCTION, PUBLIC_URL: "https://gateway.example.com" }).reconcile).toMatchObject({ webhookRepair: true, webhooksReachable: true });
    expect(loadConfig({ ...REAL_PLAID, PLAID_ENV: "sandbox", PUBLIC_URL: "https://203.0.113.7:8443" }).reconcile.webhooksReachable).toBe(true);
    expect(loadConfig({ PUBLIC_URL: "http://127.0.0.1:4000" }).reconcile.webhooksReachable).toBe(true);
    expect(loadConfig({}).reconcile).toMatchObject({ webhookRepair: true, webhooksReachable: true });
    expect(loadConfig({ ...PRODUCTION, PUBLIC_URL: "https://gateway.example.com", WEBHOOK_URL_REPAIR: "off" }).reconcile.webhookRepair).toBe(false);
  });
});
