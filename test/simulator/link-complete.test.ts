import type { AccountBase, Item } from "plaid";
import { describe, expect, it } from "vitest";
import type { DeliveryRecord } from "../../src/simulator/webhook-delivery.js";
import { sleep, waitUntil } from "../support/wait-until.js";
import { createUser, linkSandboxItem, linkTokenBase, updateLinkToken, useSimulator, useWebhookReceiver, type LinkAccount } from "./support.js";

const h = useSimulator();
const receiver = useWebhookReceiver();

async function newItemToken(extra: object = {}): Promise<string> {
  const res = await h.plaid("/link/token/create", { ...linkTokenBase, products: ["transactions"], ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.link_token;
}

describe("finishing Link for a new Item", () => {
  it("creates the Item at First Platypus Bank by default with every account", async () => {
    const done = await h.control("POST", "/link/complete", { link_token: await newItemToken() });
    expect(done.status).toBe(200);
    expect(done.body.institution).toEqual({ institution_id: "ins_109508", name: "First Platypus Bank" });
    expect(done.body.accounts.map((a: LinkAccount) => a.mask)).toEqual(expect.arrayContaining(["0000", "1111", "2222", "3333"]));
    const exchanged = await h.plaid("/item/public_token/exchange", { public_token: done.body.public_token });
    const accounts = await h.plaid("/accounts/get", { access_token: exchanged.body.access_token });
    expect(accounts.body.accounts.map((a: AccountBase) => a.account_id).sort()).toEqual(done.body.accounts.map((a: LinkAccount) => a.id).sort());
  });

  it("uses the chosen institution, the selected accounts, the token's webhook and its user", async () => {
    const userId = await createUser(h, "complete-user");
    const token = await newItemToken({ user_id: userId, webhook: receiver.url });
    const done = await h.control("POST", "/link/complete", { link_token: token, institution_id: "ins_109511", account_masks: ["0000", "3333"] });
    expect(done.body.institution.name).toBe("Tartan Bank");
    expect(done.body.accounts.map((a: LinkAccount) => a.name)).toEqual(["Plaid Checking", "Plaid Credit Card"]);
    const exchanged = await h.plaid("/item/public_token/exchange", { public_token: done.body.public_token });
    const item = await h.plaid("/item/get", { access_token: exchanged.body.access_token });
    expect(item.body.item).toMatchObject({ institution_id: "ins_109511", webhook: receiver.url });
    const userItems = await h.plaid("/user/items/get", { user_id: userId });
    expect(userItems.body.items.map((i: Item) => i.item_id)).toEqual([exchanged.body.item_id]);
  });

  it("applies the token's account_filters", async () => {
    const token = await newItemToken({ account_filters: { credit: { account_subtypes: ["credit card"] } } });
    const done = await h.control("POST", "/link/complete", { link_token: token });
    expect(done.body.accounts.map((a: LinkAccount) => a.subtype)).toEqual(["credit card"]);
  });

  it("refuses an institution outside the token's country codes and an unknown link token", async () => {
    const gbOnly = await h.control("POST", "/link/complete", { link_token: await newItemToken(), institution_id: "ins_117650" });
    expect(gbOnly.status).toBe(400);
    const unknown = await h.control("POST", "/link/complete", { link_token: "link-sandbox-00000000-0000-4000-8000-000000000000" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toContain("INVALID_LINK_TOKEN");
  });
});

describe("finishing Link in update mode", () => {
  it("repairs the Item with the same access token and item_id, and sends no webhook", async () => {
    const item = await linkSandboxItem(h, { webhook: receiver.url });
    await h.plaid("/sandbox/item/reset_login", { access_token: item.access_token });
    const forItem = () => receiver.received.filter((w) => w.json.item_id === item.item_id);
    await waitUntil(() => forItem().length === 1, { what: "the ITEM/ERROR webhook" });
    const done = await h.control("POST", "/link/complete", { link_token: await updateLinkToken(h, item.access_token) });
    expect(done.status).toBe(200);
    expect(done.body.item_id).toBe(item.item_id);
    const got = await h.plaid("/item/get", { access_token: item.access_token });
    expect(got.body.item.error).toBeNull();
    expect((await h.plaid("/accounts/get", { access_token: item.access_token })).status).toBe(200);
    const deliveries = (await h.control("GET", "/webhooks/deliveries")).body.deliveries.filter((d: DeliveryRecord) => d.item_id === item.item_id);
    expect(deliveries.map((d: DeliveryRecord) => d.webhook_code)).toEqual(["ERROR"]);
    await sleep(50);
    expect(forItem().map((w) => w.json.webhook_code)).toEqual(["ERROR"]);
  });

  it("hands over a public_token whose exchange gives back the same Item", async () => {
    const item = await linkSandboxItem(h);
    const done = await h.control("POST", "/link/complete", { link_token: await updateLinkToken(h, item.access_token) });
    const exchanged = await h.plaid("/item/public_token/exchange", { public_token: done.body.public_token });
    expect(exchanged.body).toMatchObject({ item_id: item.item_id, access_token: item.access_token });
  });

  it("renews a GB Item's consent for 12 months", async () => {
    const item = await linkSandboxItem(h, { institution_id: "ins_117650" });
    const before = (await h.plaid("/item/get", { access_token: item.access_token })).body.item.consent_expiration_time;
    await h.control("POST", "/clock", { offset_seconds: 100 * 86_400 });
    await h.control("POST", "/link/complete", { link_token: await updateLinkToken(h, item.access_token, { country_codes: ["GB"] }) });
    const after = (await h.plaid("/item/get", { access_token: item.access_token })).body.item.consent_expiration_time;
    const { now } = (await h.control("GET", "/clock")).body;
    await h.control("POST", "/clock", { offset_seconds: 0 });
    expect((Date.parse(after) - Date.parse(before)) / 86_400_000).toBeCloseTo(100, 0);
    expect((Date.parse(after) - Date.parse(now)) / 86_400_000).toBeCloseTo(365, 0);
  });

  it("applies Account Select when the token enabled it, adding a newly opened account", async () => {
    const item = await linkSandboxItem(h);
    const opened = await h.control("POST", `/items/${item.item_id}/new-accounts`, {});
    const newId = opened.body.new_accounts[0].account_id;
    const shared = (await h.plaid("/accounts/get", { access_token: item.access_token })).body.accounts.map((a: AccountBase) => a.account_id);
    expect(shared).not.toContain(newId);
    const token = await updateLinkToken(h, item.access_token, { update: { account_selection_enabled: true } });
    const done = await h.control("POST", "/link/complete", { link_token: token, account_ids: [shared[0], newId] });
    expect(done.body.accounts.map((a: LinkAccount) => a.id)).toEqual([shared[0], newId]);
    const after = (await h.plaid("/accounts/get", { access_token: item.access_token })).body.accounts.map((a: AccountBase) => a.account_id);
    expect(after.sort()).toEqual([shared[0], newId].sort());
  });

  it("refuses account selection when the token did not enable it", async () => {
    const item = await linkSandboxItem(h);
    const accounts = (await h.plaid("/accounts/get", { access_token: item.access_token })).body.accounts;
    const done = await h.control("POST", "/link/complete", { link_token: await updateLinkToken(h, item.access_token), account_ids: [accounts[0].account_id] });
    expect(done.status).toBe(400);
  });

  it("adds credit products and additional consent to the Item", async () => {
    const item = await linkSandboxItem(h);
    await h.control("POST", "/link/complete", { link_token: await updateLinkToken(h, item.access_token, { products: ["assets"] }) });
    await h.control("POST", "/link/complete", { link_token: await updateLinkToken(h, item.access_token, { additional_consented_products: ["identity"] }) });
    const got = (await h.plaid("/item/get", { access_token: item.access_token })).body.item;
    expect(got.products).toEqual(["transactions", "assets"]);
    expect(got.consented_products).toEqual(expect.arrayContaining(["transactions", "assets", "identity"]));
    expect(got.consented_data_scopes).toContain("contact_info");
  });

  it("with update.user repairs the user's most recently broken Item, once per broken Item", async () => {
    const userId = await createUser(h, "update-user-flow");
    const first = await linkSandboxItem(h, { user_id: userId });
    const second = await linkSandboxItem(h, { user_id: userId });
    await h.plaid("/sandbox/item/reset_login", { access_token: first.access_token });
    await h.control("POST", "/clock", { offset_seconds: 60 });
    await h.plaid("/sandbox/item/reset_login", { access_token: second.access_token });
    const token = (await h.plaid("/link/token/create", { ...linkTokenBase, user_id: userId, update: { user: true } })).body.link_token;
    expect((await h.control("POST", "/link/complete", { link_token: token })).body.item_id).toBe(second.item_id);
    expect((await h.control("POST", "/link/complete", { link_token: token })).body.item_id).toBe(first.item_id);
    expect((await h.control("POST", "/link/complete", { link_token: token })).status).toBe(400);
    const items = (await h.plaid("/user/items/get", { user_id: userId })).body.items;
    expect(items.map((i: Item) => i.error)).toEqual([null, null]);
    await h.control("POST", "/clock", { offset_seconds: 0 });
  });
});
