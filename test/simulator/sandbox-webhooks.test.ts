import type { AccountBase } from "plaid";
import { afterEach, describe, expect, it } from "vitest";
import { waitUntil } from "../support/wait-until.js";
import { createUser, linkSandboxItem, updateLinkToken, useSimulator, useWebhookReceiver, type BankAccount } from "./support.js";

const h = useSimulator();
const receiver = useWebhookReceiver();
const DAY = 86_400;

afterEach(async () => {
  await h.control("POST", "/clock", { offset_seconds: 0 });
});

const webhooksFor = (itemId: string) => receiver.received.filter((w) => w.json.item_id === itemId).map((w) => w.json);

async function fire(accessToken: string, itemId: string, code: string, extra: object = {}) {
  const before = webhooksFor(itemId).length;
  const res = await h.plaid("/sandbox/item/fire_webhook", { access_token: accessToken, webhook_code: code, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.webhook_fired).toBe(true);
  return waitUntil(() => webhooksFor(itemId)[before], { what: `the ${code} webhook` });
}

describe("/sandbox/item/fire_webhook", () => {
  it("NEW_ACCOUNTS_AVAILABLE opens an account the user can share through Account Select", async () => {
    const userId = await createUser(h, "new-accounts");
    const item = await linkSandboxItem(h, { webhook: receiver.url, user_id: userId });
    const webhook = await fire(item.access_token, item.item_id, "NEW_ACCOUNTS_AVAILABLE");
    expect(webhook).toEqual({ webhook_type: "ITEM", webhook_code: "NEW_ACCOUNTS_AVAILABLE", item_id: item.item_id, user_id: userId, error: null, environment: "sandbox" });
    const bank = (await h.control("GET", `/items/${item.item_id}`)).body.accounts;
    const unshared = bank.filter((a: BankAccount) => !a.shared);
    expect(unshared).toHaveLength(1);
    const token = await updateLinkToken(h, item.access_token, { update: { account_selection_enabled: true } });
    await h.control("POST", "/link/complete", { link_token: token, account_ids: bank.map((a: BankAccount) => a.account_id) });
    const shared = (await h.plaid("/accounts/get", { access_token: item.access_token })).body.accounts.map((a: AccountBase) => a.account_id);
    expect(shared).toContain(unshared[0].account_id);
  });

  it("LOGIN_REPAIRED clears the login error, as a repair elsewhere would", async () => {
    const item = await linkSandboxItem(h, { webhook: receiver.url });
    await h.plaid("/sandbox/item/reset_login", { access_token: item.access_token });
    await waitUntil(() => webhooksFor(item.item_id).length === 1, { what: "the ITEM/ERROR webhook" });
    const webhook = await fire(item.access_token, item.item_id, "LOGIN_REPAIRED");
    expect(webhook).toEqual({ webhook_type: "ITEM", webhook_code: "LOGIN_REPAIRED", item_id: item.item_id, environment: "sandbox" });
    expect((await h.plaid("/item/get", { access_token: item.access_token })).body.item.error).toBeNull();
  });

  it("PENDING_DISCONNECT announces a disconnection in 7 days, which then happens", async () => {
    const item = await linkSandboxItem(h, { webhook: receiver.url });
    const { now } = (await h.control("GET", "/clock")).body;
    const webhook = await fire(item.access_token, item.item_id, "PENDING_DISCONNECT");
    expect(webhook).toMatchObject({ webhook_type: "ITEM", webhook_code: "PENDING_DISCONNECT", reason: "INSTITUTION_MIGRATION", environment: "sandbox" });
    expect((Date.parse(String(webhook.disconnect_time)) - Date.parse(now)) / 1000 / DAY).toBeCloseTo(7, 1);
    await h.control("POST", "/clock", { offset_seconds: 7 * DAY + 60 });
    const error = await waitUntil(() => webhooksFor(item.item_id).find((w) => w.webhook_code === "ERROR"), { what: "the ITEM/ERROR webhook" });
    expect(error.error?.error_code).toBe("ITEM_LOGIN_REQUIRED");
    expect((await h.plaid("/accounts/get", { access_token: item.access_token })).body.error_code).toBe("ITEM_LOGIN_REQUIRED");
  });

  it("USER_PERMISSION_REVOKED revokes access: the Item answers USER_PERMISSION_REVOKED", async () => {
    const item = await linkSandboxItem(h, { webhook: receiver.url });
    const webhook = await fire(item.access_token, item.item_id, "USER_PERMISSION_REVOKED");
    expect(webhook.error).toMatchObject({ error_type: "ITEM_ERROR", error_code: "USER_PERMISSION_REVOKED", status: 400 });
    const accounts = await h.plaid("/accounts/get", { access_token: item.access_token });
    expect(accounts.body).toMatchObject({ error_type: "INVALID_INPUT", error_code: "USER_PERMISSION_REVOKED" });
    expect((await h.plaid("/item/get", { access_token: item.access_token })).body.item.error).toMatchObject({ error_type: "ITEM_ERROR", error_code: "USER_PERMISSION_REVOKED" });
  });

  it("USER_ACCOUNT_REVOKED takes one account away", async () => {
    const item = await linkSandboxItem(h, { webhook: receiver.url });
    const before = (await h.plaid("/accounts/get", { access_token: item.access_token })).body.accounts.map((a: AccountBase) => a.account_id);
    const webhook = await fire(item.access_token, item.item_id, "USER_ACCOUNT_REVOKED");
    expect(before).toContain(webhook.account_id);
    const after = (await h.plaid("/accounts/get", { access_token: item.access_token })).body.accounts.map((a: AccountBase) => a.account_id);
    expect(after).toEqual(before.filter((id: string) => id !== webhook.account_id));
    const last = (await h.plaid("/consent/events/get", { access_token: item.access_token })).body.consent_events.at(-1);
    expect(last).toMatchObject({ event_type: "CONSENT_UPDATED", event_code: "ACCOUNT_SCOPES", initiator: "DATA_PROVIDER" });
  });

  it("fires product webhooks for products the Item has", async () => {
    const item = await linkSandboxItem(h, { webhook: receiver.url, initial_products: ["transactions"] });
    const sync = await fire(item.access_token, item.item_id, "SYNC_UPDATES_AVAILABLE");
    expect(sync).toMatchObject({ webhook_type: "TRANSACTIONS", webhook_code: "SYNC_UPDATES_AVAILABLE", initial_update_complete: true, historical_update_complete: true });
    const update = await fire(item.access_token, item.item_id, "DEFAULT_UPDATE", { webhook_type: "TRANSACTIONS" });
    expect(update).toMatchObject({ webhook_type: "TRANSACTIONS", webhook_code: "DEFAULT_UPDATE", new_transactions: 0 });
  });

  it("refuses a product webhook for a product the Item lacks: SANDBOX_PRODUCT_NOT_ENABLED", async () => {
    const item = await linkSandboxItem(h, { webhook: receiver.url, initial_products: ["auth"] });
    const res = await h.plaid("/sandbox/item/fire_webhook", { access_token: item.access_token, webhook_code: "SYNC_UPDATES_AVAILABLE" });
    expect(res.body).toMatchObject({ error_type: "SANDBOX_ERROR", error_code: "SANDBOX_PRODUCT_NOT_ENABLED" });
  });

  it("refuses an Item without a webhook: SANDBOX_WEBHOOK_INVALID", async () => {
    const item = await linkSandboxItem(h);
    const res = await h.plaid("/sandbox/item/fire_webhook", { access_token: item.access_token, webhook_code: "NEW_ACCOUNTS_AVAILABLE" });
    expect(res.body).toMatchObject({ error_type: "SANDBOX_ERROR", error_code: "SANDBOX_WEBHOOK_INVALID" });
  });

  it("refuses codes outside its enum and type/code mismatches", async () => {
    const item = await linkSandboxItem(h, { webhook: receiver.url });
    const outside = await h.plaid("/sandbox/item/fire_webhook", { access_token: item.access_token, webhook_code: "PENDING_EXPIRATION" });
    expect(outside.body.error_code).toBe("INVALID_FIELD");
    const mismatch = await h.plaid("/sandbox/item/fire_webhook", { access_token: item.access_token, webhook_type: "ITEM", webhook_code: "SYNC_UPDATES_AVAILABLE" });
    expect(mismatch.body.error_code).toBe("INVALID_FIELD");
  });
});

describe("time-driven Item webhooks", () => {
  it("a GB Item gets PENDING_EXPIRATION a week before its consent expires, then ITEM_LOGIN_REQUIRED", async () => {
    const item = await linkSandboxItem(h, { webhook: receiver.url, institution_id: "ins_117650" });
    const expiry = (await h.plaid("/item/get", { access_token: item.access_token })).body.item.consent_expiration_time;
    await h.control("POST", "/clock", { offset_seconds: 360 * DAY });
    const notice = await waitUntil(() => webhooksFor(item.item_id).find((w) => w.webhook_code === "PENDING_EXPIRATION"), { what: "the PENDING_EXPIRATION webhook" });
    expect(notice).toEqual({ webhook_type: "ITEM", webhook_code: "PENDING_EXPIRATION", item_id: item.item_id, consent_expiration_time: expiry, environment: "sandbox" });
    await h.control("POST", "/clock", { offset_seconds: 366 * DAY });
    const got = (await h.plaid("/item/get", { access_token: item.access_token })).body.item;
    expect(got.error).toMatchObject({ error_code: "ITEM_LOGIN_REQUIRED" });
  });
});
