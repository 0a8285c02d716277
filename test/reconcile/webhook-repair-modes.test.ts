/**
 * When the gateway may point an Item's webhook at itself. Plaid's sandbox and production cannot be
 * reached from here, so this drives the repair directly, with stand-ins for the gate, the ledger and
 * Plaid that record what would have been sent, and checks what a gateway configured for them says at
 * start about the webhook URL it gives Items.
 */
import { describe, expect, it } from "vitest";
import type { PlaidDataSource } from "../../src/datasources/plaid/plaid-datasource.js";
import type { StoredItem } from "../../src/domain/stored-item.js";
import { createLogger } from "../../src/logger.js";
import type { ItemGate } from "../../src/services/item-gate.js";
import type { ItemLedger } from "../../src/services/item-ledger.js";
import { ItemWebhookRepair } from "../../src/services/item-webhook-repair.js";
import { UNOBSERVED } from "../../src/services/reconcile-observer.js";
import { makeSnapshot, plaidError, plaidItemState } from "../support/factories.js";
import { withTestGateway } from "../support/gateway-harness.js";

const OURS = "https://gateway.example.com/webhooks/plaid";

function repairWith(enabled: boolean, webhookUrl: string | null = OURS) {
  const updates: string[] = [];
  const lines: string[] = [];
  const stored: StoredItem = { snapshot: makeSnapshot({ userId: "u1", itemId: "item-1" }), accessToken: { ciphertext: "sealed", keyId: "k1" } };
  const gate = { live: async () => stored, call: async <T>(_item: StoredItem, call: (accessToken: string) => Promise<T>) => call("access-sandbox-x") } as unknown as ItemGate;
  const plaid = {
    updateItemWebhook: async (_accessToken: string, webhook: string) => {
      updates.push(webhook);
      return webhook;
    },
  } as unknown as PlaidDataSource;
  const ledger = { transition: async () => stored.snapshot } as unknown as ItemLedger;
  const logger = createLogger({ level: "info", destination: { write: (line: string) => void lines.push(line) } });
  const repair = new ItemWebhookRepair(gate, ledger, plaid, logger, UNOBSERVED, { enabled, webhookUrl: () => webhookUrl });
  return { repair, updates, lines };
}

describe("pointing an Item's webhook at the gateway", () => {
  it("updates an Item whose webhook at Plaid is another URL, once", async () => {
    const { repair, updates } = repairWith(true);
    repair.check("item-1", plaidItemState({ itemId: "item-1", webhookUrl: "https://old.example.com/webhooks/plaid" }));
    repair.check("item-1", plaidItemState({ itemId: "item-1", webhookUrl: null }));
    await repair.idle();
    expect(updates).toEqual([OURS]);
  });

  it("leaves an Item alone that points here already, or that Plaid reports an error for", async () => {
    const { repair, updates } = repairWith(true);
    repair.check("item-1", plaidItemState({ itemId: "item-1", webhookUrl: OURS }));
    repair.check("item-2", plaidItemState({ itemId: "item-2", webhookUrl: "https://old.example.com/hook", error: plaidError("ITEM_LOGIN_REQUIRED") }));
    await repair.idle();
    expect(updates).toEqual([]);
  });

  it("never rewrites Items while the gateway has no address Plaid can reach (no webhook URL)", async () => {
    const { repair, updates } = repairWith(true, null);
    for (const itemId of ["item-1", "item-2"]) repair.check(itemId, plaidItemState({ itemId, webhookUrl: "https://old.example.com/webhooks/plaid" }));
    await repair.idle();
    expect(updates).toEqual([]);
  });

  it("touches nothing when WEBHOOK_URL_REPAIR=off", async () => {
    const { repair, updates, lines } = repairWith(false);
    repair.check("item-1", plaidItemState({ itemId: "item-1", webhookUrl: "https://old.example.com/webhooks/plaid" }));
    await repair.idle();
    expect(updates).toEqual([]);
    expect(lines).toEqual([]);
  });
});

describe("a gateway Plaid cannot reach", () => {
  const NO_ADDRESS = /Plaid cannot reach a gateway without a PUBLIC_URL or with a loopback one/;
  const REAL_PLAID = { PLAID_CLIENT_ID: "sandbox-client", PLAID_SECRET: "sandbox-secret-value" };

  it.each([
    ["sandbox without PUBLIC_URL", { ...REAL_PLAID, PLAID_ENV: "sandbox" }, true],
    ["sandbox at a loopback PUBLIC_URL", { ...REAL_PLAID, PLAID_ENV: "sandbox", PUBLIC_URL: "http://127.0.0.1:4000" }, true],
    ["sandbox at a public PUBLIC_URL", { ...REAL_PLAID, PLAID_ENV: "sandbox", PUBLIC_URL: "https://gateway.example.com" }, false],
    ["the simulator on loopback", {}, false],
  ])("%s: says at start whether Items are linked without a webhook", async (_case, env, warned) => {
    await withTestGateway({ env }, async (harness) => {
      expect(harness.logs.some((line) => NO_ADDRESS.test(line))).toBe(warned);
    });
  });
});
