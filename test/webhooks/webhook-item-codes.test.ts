/**
 * Every ITEM webhook code, fired by Plaid (the simulator) and delivered to the gateway as Plaid delivers
 * it: what a user then sees of the Item. Then delivery as it really happens: out of order, and twice.
 */
import { afterEach, describe, expect, it } from "vitest";
import { SandboxFireWebhookDocument, SandboxResetLoginDocument } from "../../generated/graphql.js";
import { accessTokenOf, useTestGateway } from "../support/gateway-harness.js";
import { createSandboxItem, createSettledItem } from "../support/link-helpers.js";
import { useWebhookReceiver } from "../simulator/support.js";
import { deliveries, eventsOf, itemState, listenToBus, ownerOf, receipts, redirectWebhooks, webhookUrl, type ItemState } from "./webhook-support.js";

const DAY_MS = 86_400_000;

const { harness, tokens } = useTestGateway({ users: { carol: "user" } });
const receiver = useWebhookReceiver();

afterEach(async () => {
  await fetch(`${harness.simulatorUrl}/simulator/webhooks/faults`, { method: "DELETE" });
});

async function resetLogin(itemId: string) {
  const result = await harness.graphql(SandboxResetLoginDocument, { itemId }, tokens.carol);
  expect(result.data?.sandboxResetLogin.id).toBe(itemId);
}

async function fire(itemId: string, code: string) {
  const result = await harness.graphql(SandboxFireWebhookDocument, { itemId, code: code as never }, tokens.carol);
  expect(result.errors).toBeUndefined();
  expect(result.data?.sandboxFireWebhook.id).toBe(itemId);
}

async function plaidItem(itemId: string) {
  const answer = await harness.plaid<{ item: { error: { error_code: string } | null; consent_expiration_time: string | null; webhook: string | null } }>("/item/get", {
    access_token: accessTokenOf(harness, itemId),
  });
  expect(answer.status).toBe(200);
  return answer.body.item;
}

const time = (iso: string | null) => (iso === null ? null : new Date(iso).getTime());

/** A freshly linked US Item's fields; each case states what its webhook changes on top of these. */
const LINKED_ITEM: Partial<ItemState> = {
  status: "HEALTHY",
  recommendedAction: "NONE",
  error: null,
  newAccountsAvailable: false,
  consentExpiresAt: null,
  disconnectAt: null,
  disconnectReason: null,
  revokedAccountIds: [],
};

interface CodeCase {
  code: string;
  /** Brings the Item to where the code means something (default: freshly linked, HEALTHY). */
  prepare?: (itemId: string) => Promise<void>;
  /** Has Plaid send the webhook (default: the sandboxFireWebhook mutation). */
  trigger?: (itemId: string) => Promise<void>;
  /** What the receipt says the gateway did with it. */
  /** What the receipt says; several when a background read of /item/get may have stored the change first. */
  outcome: string | string[];
  /** The Item's fields a user sees afterwards, where they differ from a freshly linked Item's. */
  expected: Partial<ItemState>;
  /** The newest history entry, or null when nothing a user sees changed. */
  newest: { previousStatus: string | null; status: string; cause: string } | null;
  /** Further checks against what Plaid holds (window: the time before and after the trigger). */
  check?: (itemId: string, item: ItemState, window: { from: number; to: number }) => Promise<void>;
}

const CASES: CodeCase[] = [
  {
    code: "ERROR",
    trigger: resetLogin,
    outcome: "applied",
    expected: { status: "LOGIN_REQUIRED", recommendedAction: "UPDATE_LOGIN", error: { errorType: "ITEM_ERROR", errorCode: "ITEM_LOGIN_REQUIRED" } },
    newest: { previousStatus: "HEALTHY", status: "LOGIN_REQUIRED", cause: "ERROR" },
  },
  {
    code: "LOGIN_REPAIRED",
    prepare: async (itemId) => {
      await resetLogin(itemId);
      await harness.settle();
      expect((await itemState(harness, tokens.carol, itemId)).status).toBe("LOGIN_REQUIRED");
    },
    outcome: "applied",
    expected: {},
    newest: { previousStatus: "LOGIN_REQUIRED", status: "HEALTHY", cause: "LOGIN_REPAIRED" },
    check: async (itemId) => expect((await plaidItem(itemId)).error).toBeNull(),
  },
  {
    code: "NEW_ACCOUNTS_AVAILABLE",
    outcome: "applied",
    expected: { recommendedAction: "SELECT_NEW_ACCOUNTS", newAccountsAvailable: true },
    newest: { previousStatus: "HEALTHY", status: "HEALTHY", cause: "NEW_ACCOUNTS_AVAILABLE" },
    check: async (itemId) => {
      const atBank = (await (await fetch(`${harness.simulatorUrl}/simulator/items/${itemId}`)).json()) as { accounts: Array<{ shared: boolean }> };
      expect(atBank.accounts.some((account) => !account.shared)).toBe(true);
    },
  },
  {
    code: "PENDING_DISCONNECT",
    outcome: "applied",
    expected: { status: "PENDING_DISCONNECT", recommendedAction: "RENEW_CONSENT", disconnectReason: "INSTITUTION_MIGRATION", disconnectAt: expect.any(String) },
    newest: { previousStatus: "HEALTHY", status: "PENDING_DISCONNECT", cause: "PENDING_DISCONNECT" },
    // Plaid disconnects seven days after it warns (disconnect_time is in whole seconds).
    check: async (_itemId, item, window) => {
      expect(time(item.disconnectAt)).toBeGreaterThanOrEqual(Math.floor(window.from / 1000) * 1000 + 7 * DAY_MS);
      expect(time(item.disconnectAt)).toBeLessThanOrEqual(window.to + 7 * DAY_MS);
    },
  },
  {
    code: "PENDING_EXPIRATION",
    outcome: "applied",
    expected: { status: "PENDING_EXPIRATION", recommendedAction: "RENEW_CONSENT", consentExpiresAt: expect.any(String) },
    newest: { previousStatus: "HEALTHY", status: "PENDING_EXPIRATION", cause: "PENDING_EXPIRATION" },
    check: async (itemId, item) => {
      const atPlaid = await plaidItem(itemId);
      expect(atPlaid.consent_expiration_time).not.toBeNull();
      expect(time(item.consentExpiresAt)).toBe(time(atPlaid.consent_expiration_time));
    },
  },
  {
    code: "USER_PERMISSION_REVOKED",
    outcome: "applied",
    expected: { status: "PERMISSION_REVOKED", recommendedAction: "RELINK", error: { errorType: "ITEM_ERROR", errorCode: "USER_PERMISSION_REVOKED" } },
    newest: { previousStatus: "HEALTHY", status: "PERMISSION_REVOKED", cause: "USER_PERMISSION_REVOKED" },
    check: async (itemId) => expect((await plaidItem(itemId)).error?.error_code).toBe("USER_PERMISSION_REVOKED"),
  },
  {
    code: "USER_ACCOUNT_REVOKED",
    outcome: "applied",
    expected: { revokedAccountIds: [expect.any(String)] },
    newest: { previousStatus: "HEALTHY", status: "HEALTHY", cause: "USER_ACCOUNT_REVOKED" },
    check: async (itemId, item) => {
      const atBank = (await (await fetch(`${harness.simulatorUrl}/simulator/items/${itemId}`)).json()) as { accounts: Array<{ account_id: string; shared: boolean }> };
      const unshared = atBank.accounts.filter((account) => !account.shared).map((account) => account.account_id);
      expect(unshared).toHaveLength(1);
      expect(item.revokedAccountIds).toEqual(unshared);
    },
  },
  {
    code: "WEBHOOK_UPDATE_ACKNOWLEDGED",
    // Webhooks go elsewhere for a while, then /item/webhook/update points them back at the gateway
    // (under a URL the gateway has not stored yet); Plaid acknowledges at the new URL.
    prepare: (itemId) => redirectWebhooks(harness, receiver, itemId),
    trigger: async (itemId) => {
      const updated = await harness.plaid("/item/webhook/update", { access_token: accessTokenOf(harness, itemId), webhook: `${webhookUrl(harness)}?via=update` });
      expect(updated.status).toBe(200);
    },
    // The stored webhook URL changes, but nothing a subscriber sees: no event is recorded. A read of
    // /item/get in between may already have stored the new URL, and then the webhook finds nothing to change.
    outcome: ["applied", "unchanged"],
    expected: {},
    newest: null,
    check: async (itemId) => {
      const stored = await harness.gateway.store.items.findById(itemId);
      expect(stored?.snapshot.webhookUrl).toBe(`${webhookUrl(harness)}?via=update`);
      expect(stored?.snapshot.webhookUrl).toBe((await plaidItem(itemId)).webhook);
    },
  },
];

describe("every ITEM webhook code, fired by Plaid and delivered to the gateway", () => {
  it.each(CASES.map((c) => [c.code, c] as const))("%s: the Item shows what Plaid said", async (code, c) => {
    const itemId = await createSandboxItem(harness, tokens.carol);
    await c.prepare?.(itemId);
    await harness.settle();
    const historyBefore = (await eventsOf(harness, itemId)).length;

    const from = Date.now();
    await (c.trigger ?? ((id: string) => fire(id, code)))(itemId);
    await harness.settle();
    const to = Date.now();

    const toGateway = (await deliveries(harness)).filter((d) => d.item_id === itemId && d.webhook_code === code && d.url.startsWith(webhookUrl(harness)));
    expect(toGateway).toMatchObject([{ webhook_type: "ITEM", state: "delivered", attempts: [{ status: 200 }] }]);
    const received = (await receipts(harness, itemId)).filter((r) => r.webhook_code === code);
    expect(received).toMatchObject([{ webhook_type: "ITEM" }]);
    expect([c.outcome].flat()).toContain(received[0]!.outcome);

    const item = await itemState(harness, tokens.carol, itemId);
    expect(item).toMatchObject({ ...LINKED_ITEM, ...c.expected });
    const history = item.history.edges.map((edge) => edge.node);
    if (c.newest) {
      expect(history).toHaveLength(historyBefore + 1);
      expect(history[0]).toEqual(c.newest);
    } else {
      expect(history).toHaveLength(historyBefore);
    }
    await c.check?.(itemId, item, { from, to });
  });
});

describe("webhooks delivered as they really arrive", () => {
  it("ERROR and LOGIN_REPAIRED delivered in reverse order still leave the Item HEALTHY, as Plaid has it", async () => {
    const itemId = await createSettledItem(harness, tokens.carol);

    await harness.control("/simulator/webhooks/faults", { mode: "reorder", count: 2 });
    await harness.control(`/simulator/items/${itemId}/login-required`, {}); // Plaid sends ITEM/ERROR (held)
    await fire(itemId, "LOGIN_REPAIRED"); // then LOGIN_REPAIRED: both now go out, newest first
    await harness.settle();

    const sent = (await deliveries(harness)).filter((d) => d.item_id === itemId);
    expect(sent).toMatchObject([
      { webhook_code: "ERROR", faults: ["reorder"], state: "delivered", attempts: [{ status: 200 }] },
      { webhook_code: "LOGIN_REPAIRED", faults: ["reorder"], state: "delivered", attempts: [{ status: 200 }] },
    ]);
    // The gateway took them in the order they arrived: the repair first (which did not fit a healthy Item), then the error.
    expect((await receipts(harness, itemId)).map((r) => [r.webhook_code, r.outcome])).toEqual([
      ["LOGIN_REPAIRED", "unchanged"],
      ["ERROR", "applied"],
    ]);

    expect((await plaidItem(itemId)).error).toBeNull();
    const item = await itemState(harness, tokens.carol, itemId);
    expect(item).toMatchObject({ status: "HEALTHY", recommendedAction: "NONE", error: null });
    // The late ERROR was applied, then confirmed against /item/get, which put the Item back.
    expect(item.history.edges.map((edge) => edge.node)).toEqual([
      { previousStatus: "LOGIN_REQUIRED", status: "HEALTHY", cause: "RECONCILED" },
      { previousStatus: "HEALTHY", status: "LOGIN_REQUIRED", cause: "ERROR" },
      { previousStatus: null, status: "HEALTHY", cause: "LINKED" },
    ]);
  });

  it("a webhook Plaid delivers twice is taken in once: one receipt, one event, one publish", async () => {
    const itemId = await createSettledItem(harness, tokens.carol);
    const bus = listenToBus(harness, await ownerOf(harness, itemId));

    await harness.control("/simulator/webhooks/faults", { mode: "duplicate", count: 1 });
    await resetLogin(itemId);
    await harness.settle();

    const sent = (await deliveries(harness)).filter((d) => d.item_id === itemId);
    expect(sent).toHaveLength(2);
    expect(sent).toMatchObject([
      { webhook_code: "ERROR", duplicate_of: null, state: "delivered", attempts: [{ status: 200 }] },
      { webhook_code: "ERROR", duplicate_of: sent[0]!.id, state: "delivered", attempts: [{ status: 200 }] },
    ]);
    expect(await receipts(harness, itemId)).toMatchObject([{ webhook_code: "ERROR", outcome: "applied" }]);
    expect((await eventsOf(harness, itemId)).map((event) => event.cause)).toEqual(["LINKED", "ERROR"]);
    expect(bus.events.map((event) => event.cause)).toEqual(["ERROR"]);
    expect((await itemState(harness, tokens.carol, itemId)).status).toBe("LOGIN_REQUIRED");
    bus.unsubscribe();
  });
});
