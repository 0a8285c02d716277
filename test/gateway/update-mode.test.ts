import { beforeAll, describe, expect, it } from "vitest";
import type { UpdateLinkTokenInput } from "../../src/domain/update-mode-rules.js";
import {
  CompleteUpdateDocument,
  CreateUpdateLinkTokenDocument,
  ItemDetailsDocument,
  ItemHistoryDocument,
  RefreshItemDocument,
  SandboxResetLoginDocument,
  type CreateUpdateLinkTokenInput,
} from "../../generated/graphql.js";
import { UPDATE_MODE_RULES } from "../support/update-mode-cases.js";
import { accessTokenOf, useTestGateway } from "../support/gateway-harness.js";
import { createSandboxItem } from "../support/link-helpers.js";

/** The /link/token/create body the gateway would send for an update-mode input, to show Plaid refuses it too. */
function plaidRequestFor(input: UpdateLinkTokenInput, accessToken: string) {
  return {
    client_name: "Rules check",
    language: input.language ?? "en",
    country_codes: input.countryCodes ?? ["US"],
    user: { client_user_id: "rules-check" },
    access_token: accessToken,
    ...(input.accountSelectionEnabled ? { update: { account_selection_enabled: true } } : {}),
    ...(input.accountFilters
      ? { account_filters: Object.fromEntries(Object.entries(input.accountFilters).map(([type, subtypes]) => [type, { account_subtypes: subtypes }])) }
      : {}),
    ...(input.products?.length ? { products: input.products } : {}),
    ...(input.additionalConsentedProducts?.length ? { additional_consented_products: input.additionalConsentedProducts } : {}),
    ...(input.statements ? { statements: { start_date: input.statements.startDate, end_date: input.statements.endDate } } : {}),
  };
}

describe("Link update mode end to end", () => {
  const { harness, tokens } = useTestGateway({ users: { alice: "user", bob: "user", carol: "user", newcomer: "user" } });
  let itemId: string;

  beforeAll(async () => {
    itemId = await createSandboxItem(harness, tokens.alice);
  });

  it("repairs a broken login: reset, refresh, update link token, Link, completeUpdate, with the same access token", async () => {
    const before = await harness.gateway.store.items.findById(itemId);

    const reset = await harness.graphql(SandboxResetLoginDocument, { itemId }, tokens.alice);
    expect(reset.data?.sandboxResetLogin).toEqual({ id: itemId, status: "LOGIN_REQUIRED" });
    await harness.settle();
    const refreshed = await harness.graphql(RefreshItemDocument, { itemId }, tokens.alice);
    expect(refreshed.errors).toBeUndefined();
    expect(refreshed.data?.refreshItem).toMatchObject({ status: "LOGIN_REQUIRED", recommendedAction: "UPDATE_LOGIN", error: { errorCode: "ITEM_LOGIN_REQUIRED" } });

    const created = await harness.graphql(CreateUpdateLinkTokenDocument, { input: { itemId } }, tokens.alice);
    expect(created.errors).toBeUndefined();
    const token = created.data!.createUpdateLinkToken;
    const lifetime = new Date(token.expiration).getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(29 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(30 * 60_000 + 5_000);
    const plaidRequest = harness.exchanges.filter((e) => e.path === "/link/token/create").at(-1)!.request as Record<string, unknown>;
    expect(plaidRequest.access_token).toBe(accessTokenOf(harness, itemId));
    expect(plaidRequest).not.toHaveProperty("products");
    expect(plaidRequest).not.toHaveProperty("webhook");

    await harness.control("/simulator/link/complete", { link_token: token.linkToken });
    const completed = await harness.graphql(CompleteUpdateDocument, { itemId }, tokens.alice);
    expect(completed.errors).toBeUndefined();
    expect(completed.data?.completeUpdate).toMatchObject({ id: itemId, status: "HEALTHY", recommendedAction: "NONE", error: null });

    const after = await harness.gateway.store.items.findById(itemId);
    expect(after!.accessToken).toEqual(before!.accessToken);
    const history = await harness.graphql(ItemHistoryDocument, { id: itemId, first: 3 }, tokens.alice);
    // Plaid's ITEM/ERROR webhook told the gateway first; the refresh and the webhook's confirmation found nothing new.
    expect(history.data!.item!.history.edges.map((e) => [e.node.cause, e.node.previousStatus, e.node.status])).toEqual([
      ["UPDATE_COMPLETED", "LOGIN_REQUIRED", "HEALTHY"],
      ["ERROR", "HEALTHY", "LOGIN_REQUIRED"],
      ["LINKED", null, "HEALTHY"],
    ]);
  });

  it("completeUpdate before the user finished Link says Plaid still reports the error, and the Item keeps its status", async () => {
    await harness.graphql(SandboxResetLoginDocument, { itemId }, tokens.alice);
    await harness.settle();
    const result = await harness.graphql(CompleteUpdateDocument, { itemId }, tokens.alice);
    expect(result.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/still reports ITEM_LOGIN_REQUIRED.*stays LOGIN_REQUIRED/),
      extensions: { code: "PLAID_ERROR", itemStatus: "LOGIN_REQUIRED", plaid: { errorCode: "ITEM_LOGIN_REQUIRED" } },
    });
    const item = await harness.graphql(ItemDetailsDocument, { id: itemId }, tokens.alice);
    expect(item.data?.item?.status).toBe("LOGIN_REQUIRED");
  });

  it("learns from any call: an accounts read that answers ITEM_LOGIN_REQUIRED moves the Item, recorded once, and the last accounts are served", async () => {
    const fresh = await createSandboxItem(harness, tokens.alice);
    const linked = await harness.graphql(ItemDetailsDocument, { id: fresh }, tokens.alice);
    // Hold Plaid's ITEM/ERROR webhook back, so only the failed call can tell the gateway.
    await harness.control("/simulator/webhooks/faults", { mode: "reorder", count: 2 });
    await harness.control(`/simulator/items/${fresh}/login-required`, {});
    const before = harness.exchanges.length;
    const first = await harness.graphql(ItemDetailsDocument, { id: fresh }, tokens.alice);
    expect(harness.exchanges.slice(before).find((e) => e.path === "/accounts/get")).toMatchObject({ status: 400, response: { error_code: "ITEM_LOGIN_REQUIRED" } });
    expect(first.errors).toBeUndefined();
    expect(first.data!.item!.accounts).toEqual(linked.data!.item!.accounts);
    const second = await harness.graphql(ItemDetailsDocument, { id: fresh }, tokens.alice);
    expect(second.data!.item).toMatchObject({ status: "LOGIN_REQUIRED", recommendedAction: "UPDATE_LOGIN", error: { errorCode: "ITEM_LOGIN_REQUIRED" } });
    const stored = await harness.gateway.store.items.findById(fresh);
    expect(stored!.snapshot.status).toBe("LOGIN_REQUIRED");
    await harness.control("/simulator/webhooks/flush", {});
    await fetch(`${harness.simulatorUrl}/simulator/webhooks/faults`, { method: "DELETE" });
    await harness.settle();
    const history = await harness.graphql(ItemHistoryDocument, { id: fresh }, tokens.alice);
    expect(history.data!.item!.history.edges.map((e) => e.node.cause)).toEqual(["ITEM_LOGIN_REQUIRED", "LINKED"]);
  });

  it("user mode repairs the viewer's most recently broken Item", async () => {
    const carolsItem = await createSandboxItem(harness, tokens.carol);
    await harness.graphql(SandboxResetLoginDocument, { itemId: carolsItem }, tokens.carol);
    const created = await harness.graphql(CreateUpdateLinkTokenDocument, { input: { user: true } }, tokens.carol);
    expect(created.errors).toBeUndefined();
    const request = harness.exchanges.filter((e) => e.path === "/link/token/create").at(-1)!.request as Record<string, unknown>;
    expect(request).toMatchObject({ update: { user: true }, user_id: expect.stringMatching(/^usr_/) });
    expect(request).not.toHaveProperty("access_token");
    await harness.control("/simulator/link/complete", { link_token: created.data!.createUpdateLinkToken.linkToken });
    const completed = await harness.graphql(CompleteUpdateDocument, { itemId: carolsItem }, tokens.carol);
    expect(completed.data?.completeUpdate.status).toBe("HEALTHY");
  });

  it("user mode needs a Plaid user", async () => {
    const result = await harness.graphql(CreateUpdateLinkTokenDocument, { input: { user: true } }, tokens.newcomer);
    expect(result.errors?.[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT" }, message: expect.stringMatching(/link an Item first/) });
  });

  it("account selection in update mode changes the shared accounts", async () => {
    const itemForSelection = await createSandboxItem(harness, tokens.alice);
    const created = await harness.graphql(CreateUpdateLinkTokenDocument, { input: { itemId: itemForSelection, accountSelectionEnabled: true } }, tokens.alice);
    expect(created.errors).toBeUndefined();
    const accounts = (await harness.graphql(ItemDetailsDocument, { id: itemForSelection }, tokens.alice)).data!.item!.accounts!;
    expect(accounts.length).toBeGreaterThan(1);
    await harness.control("/simulator/link/complete", { link_token: created.data!.createUpdateLinkToken.linkToken, account_ids: [accounts[0]!.id] });
    const completed = await harness.graphql(CompleteUpdateDocument, { itemId: itemForSelection }, tokens.alice);
    expect(completed.errors).toBeUndefined();
    const stored = await harness.gateway.store.items.findById(itemForSelection);
    expect(stored!.snapshot.accountIds).toEqual([accounts[0]!.id]);
  });

  describe("every update-mode rule, end to end", () => {
    let ruleItem: string;
    beforeAll(async () => {
      ruleItem = await createSandboxItem(harness, tokens.alice, { products: ["transactions"] });
    });

    for (const { rule, allowed, refused } of UPDATE_MODE_RULES) {
      it(`${rule}: refused inputs are BAD_USER_INPUT naming the rule, with no Plaid call; Plaid refuses them too`, async () => {
        for (const template of refused) {
          const input = template.itemId ? { ...template, itemId: ruleItem } : template;
          const before = harness.exchanges.length;
          const result = await harness.graphql(CreateUpdateLinkTokenDocument, { input: input as CreateUpdateLinkTokenInput }, tokens.alice);
          expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", rule });
          expect(result.errors?.[0]?.message).toContain(rule);
          expect(harness.exchanges.length).toBe(before);
          if (rule !== "one-mode") {
            const plaid = await harness.plaid<{ error_code: string }>("/link/token/create", plaidRequestFor(input, accessTokenOf(harness, ruleItem)));
            expect(plaid.status, `Plaid accepted an input the rule ${rule} refuses: ${JSON.stringify(input)}`).toBe(400);
            expect(["INVALID_FIELD", "INVALID_PRODUCT"]).toContain(plaid.body.error_code);
          }
        }
      });

      it(`${rule}: allowed inputs get an update link token`, async () => {
        for (const template of allowed.filter((input) => input.itemId)) {
          const input = { ...template, itemId: ruleItem } as CreateUpdateLinkTokenInput;
          const result = await harness.graphql(CreateUpdateLinkTokenDocument, { input }, tokens.alice);
          expect(result.errors, JSON.stringify(input)).toBeUndefined();
          expect(result.data?.createUpdateLinkToken.linkToken).toMatch(/^link-/);
        }
      });
    }

    it("a rule the gateway leaves to Plaid still fails as Plaid fails it, as PLAID_ERROR", async () => {
      // Account Select update is not offered for Assets Items; only Plaid knows the Item's products for sure.
      const assetsItem = await createSandboxItem(harness, tokens.alice, { products: ["assets"] });
      const result = await harness.graphql(CreateUpdateLinkTokenDocument, { input: { itemId: assetsItem, accountSelectionEnabled: true } }, tokens.alice);
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: "PLAID_ERROR", plaid: { errorCode: "PRODUCTS_NOT_SUPPORTED" } });
    });
  });

  it("a second user cannot refresh, complete or create update link tokens for the first user's Item", async () => {
    const before = harness.exchanges.length;
    for (const [document, variables] of [
      [RefreshItemDocument, { itemId }],
      [CompleteUpdateDocument, { itemId }],
      [CreateUpdateLinkTokenDocument, { input: { itemId } }],
      [SandboxResetLoginDocument, { itemId }],
    ] as const) {
      const result = await harness.graphql(document, variables as never, tokens.bob);
      expect(result.errors?.[0]).toMatchObject({ message: "Item not found", extensions: { code: "NOT_FOUND" } });
    }
    expect(harness.exchanges.length).toBe(before);
  });
});
