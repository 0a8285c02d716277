import type { ConsentedAccount, ConsentEvent } from "plaid";
import { afterEach, describe, expect, it } from "vitest";
import { linkSandboxItem, linkTokenBase, updateLinkToken, useSimulator } from "./support.js";

const h = useSimulator();

afterEach(async () => {
  await h.control("POST", "/settings", { consent_events_delay_hours: 0 });
  await h.control("POST", "/clock", { offset_seconds: 0 });
});

const events = async (accessToken: string) => (await h.plaid("/consent/events/get", { access_token: accessToken })).body.consent_events;

describe("/consent/events/get", () => {
  it("shows one Link session as four CONSENT_GRANTED events, shaped like Plaid's example", async () => {
    const done = await h.control("POST", "/link/complete", {
      link_token: (await h.plaid("/link/token/create", { ...linkTokenBase, products: ["auth", "identity"] })).body.link_token,
      account_masks: ["0000"],
    });
    const { access_token, item_id } = (await h.plaid("/item/public_token/exchange", { public_token: done.body.public_token })).body;
    const list = await events(access_token);
    expect(list.map((e: ConsentEvent) => [e.event_type, e.event_code])).toEqual([
      ["CONSENT_GRANTED", "USER_AGREEMENT"],
      ["CONSENT_GRANTED", "USE_CASES"],
      ["CONSENT_GRANTED", "DATA_SCOPES"],
      ["CONSENT_GRANTED", "ACCOUNT_SCOPES"],
    ]);
    for (const e of list) {
      expect(e).toMatchObject({ item_id, institution_id: "ins_109508", institution_name: "First Platypus Bank", initiator: "END_USER" });
      expect(e.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    }
    expect(list[0]).toMatchObject({ consented_use_cases: [], consented_data_scopes: [], consented_accounts: [] });
    expect(list[1].consented_use_cases.length).toBeGreaterThan(0);
    expect(list[1].consented_data_scopes).toEqual([]);
    expect(list[2].consented_data_scopes).toEqual(["account_balance_info", "account_routing_number", "contact_info"]);
    expect(list[3].consented_accounts).toEqual([
      {
        account_id: done.body.accounts[0].id,
        mask: "0000",
        name: "Plaid Checking",
        official_name: "Plaid Gold Standard 0% Interest Checking",
        type: "depository",
        subtype: "checking",
      },
    ]);
  });

  it("adds CONSENT_UPDATED events for what an update-mode session changed", async () => {
    const item = await linkSandboxItem(h);
    const token = await updateLinkToken(h, item.access_token, { update: { account_selection_enabled: true }, additional_consented_products: ["identity"] });
    const accounts = (await h.plaid("/accounts/get", { access_token: item.access_token })).body.accounts;
    await h.control("POST", "/link/complete", { link_token: token, account_ids: [accounts[0].account_id] });
    const updates = (await events(item.access_token)).slice(4);
    expect(updates.map((e: ConsentEvent) => [e.event_type, e.event_code])).toEqual([
      ["CONSENT_UPDATED", "USE_CASES"],
      ["CONSENT_UPDATED", "DATA_SCOPES"],
      ["CONSENT_UPDATED", "ACCOUNT_SCOPES"],
    ]);
    expect(updates[2].consented_accounts.map((a: ConsentedAccount) => a.account_id)).toEqual([accounts[0].account_id]);
  });

  it("records a renewed user agreement when a GB Item's consent is renewed", async () => {
    const item = await linkSandboxItem(h, { institution_id: "ins_117650" });
    await h.control("POST", "/link/complete", { link_token: await updateLinkToken(h, item.access_token, { country_codes: ["GB"] }) });
    const last = (await events(item.access_token)).at(-1);
    expect(last).toMatchObject({ event_type: "CONSENT_UPDATED", event_code: "USER_AGREEMENT" });
  });

  it("records nothing for a plain login repair at a US bank", async () => {
    const item = await linkSandboxItem(h);
    await h.plaid("/sandbox/item/reset_login", { access_token: item.access_token });
    await h.control("POST", "/link/complete", { link_token: await updateLinkToken(h, item.access_token) });
    expect(await events(item.access_token)).toHaveLength(4);
  });

  it("keeps a REVOCATION event when the Item is removed", async () => {
    const item = await linkSandboxItem(h);
    await h.plaid("/item/remove", { access_token: item.access_token });
    const log = (await h.control("GET", `/items/${item.item_id}/consent-events`)).body.consent_events;
    expect(log.at(-1)).toMatchObject({ event_type: "CONSENT_REVOKED", event_code: "REVOCATION", initiator: "CUSTOMER" });
  });

  it("can hide events younger than 12 hours, as Plaid may", async () => {
    const item = await linkSandboxItem(h);
    await h.control("POST", "/settings", { consent_events_delay_hours: 12 });
    expect(await events(item.access_token)).toEqual([]);
    await h.control("POST", "/clock", { offset_seconds: 12 * 3600 + 1 });
    expect(await events(item.access_token)).toHaveLength(4);
  });
});
