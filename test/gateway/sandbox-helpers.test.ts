import { describe, expect, it } from "vitest";
import { RefreshItemDocument, SandboxCreateItemDocument, SandboxFireWebhookDocument, SandboxResetLoginDocument } from "../../generated/graphql.js";
import { useTestGateway } from "../support/gateway-harness.js";
import { createSandboxItem } from "../support/link-helpers.js";

/** Each code, and the Item as the mutation returns it once the webhook has been taken in. */
const CODES = [
  ["NEW_ACCOUNTS_AVAILABLE", { status: "HEALTHY", newAccountsAvailable: true }],
  ["LOGIN_REPAIRED", { status: "HEALTHY", newAccountsAvailable: false }],
  ["PENDING_DISCONNECT", { status: "PENDING_DISCONNECT", newAccountsAvailable: false }],
  ["PENDING_EXPIRATION", { status: "PENDING_EXPIRATION", newAccountsAvailable: false }],
  ["USER_PERMISSION_REVOKED", { status: "PERMISSION_REVOKED", newAccountsAvailable: false }],
  ["USER_ACCOUNT_REVOKED", { status: "HEALTHY", newAccountsAvailable: false }],
] as const;

describe("Sandbox helpers with the simulator", () => {
  const { harness, tokens } = useTestGateway({ users: { tester: "user", other: "user" } });

  it("sandboxResetLogin breaks the login at Plaid", async () => {
    const itemId = await createSandboxItem(harness, tokens.tester);
    // The Item comes back as it now is, so a normalized cache needs no refetch.
    expect((await harness.graphql(SandboxResetLoginDocument, { itemId }, tokens.tester)).data?.sandboxResetLogin).toEqual({ id: itemId, status: "LOGIN_REQUIRED" });
    const atPlaid = (await (await fetch(`${harness.simulatorUrl}/simulator/items/${itemId}`)).json()) as { error: { error_code?: string; code?: string } | null };
    expect(JSON.stringify(atPlaid.error)).toContain("ITEM_LOGIN_REQUIRED");
    const refreshed = await harness.graphql(RefreshItemDocument, { itemId }, tokens.tester);
    expect(refreshed.data?.refreshItem.status).toBe("LOGIN_REQUIRED");
  });

  it.each(CODES)("sandboxFireWebhook %s has Plaid fire it and returns the Item it changed", async (code, after) => {
    const itemId = await createSandboxItem(harness, tokens.tester);
    const before = harness.exchanges.length;
    const result = await harness.graphql(SandboxFireWebhookDocument, { itemId, code }, tokens.tester);
    expect(result.errors).toBeUndefined();
    expect(result.data?.sandboxFireWebhook).toEqual({ id: itemId, ...after });
    if (code !== "PENDING_EXPIRATION") {
      const call = harness.exchanges.slice(before).find((e) => e.path === "/sandbox/item/fire_webhook");
      expect(call?.request).toMatchObject({ webhook_type: "ITEM", webhook_code: code });
    }
    const deliveries = (await (await fetch(`${harness.simulatorUrl}/simulator/webhooks/deliveries`)).json()) as {
      deliveries: Array<{ item_id?: string; webhook_code?: string; body?: string }>;
    };
    expect(JSON.stringify(deliveries)).toContain(code);
  });

  it("a second user cannot reset or fire webhooks for the first user's Item", async () => {
    const itemId = await createSandboxItem(harness, tokens.tester);
    for (const [document, variables] of [
      [SandboxResetLoginDocument, { itemId }],
      [SandboxFireWebhookDocument, { itemId, code: "LOGIN_REPAIRED" }],
    ] as const) {
      const result = await harness.graphql(document, variables as never, tokens.other);
      expect(result.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    }
  });

  it("an unknown webhook code is refused by the schema", async () => {
    const itemId = await createSandboxItem(harness, tokens.tester);
    const result = await harness.graphql(SandboxFireWebhookDocument, { itemId, code: "ERROR" as never }, tokens.tester);
    expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("Sandbox helpers against Plaid's own Sandbox", () => {
  const { harness, tokens } = useTestGateway({
    env: { PLAID_ENV: "sandbox", PLAID_CLIENT_ID: "sandbox-client", PLAID_SECRET: "sandbox-secret-value" },
    users: { someone: "user" },
  });

  it("PENDING_EXPIRATION cannot be fired by Plaid's Sandbox: a clear error, no Plaid call", async () => {
    const result = await harness.graphql(SandboxFireWebhookDocument, { itemId: "any-item", code: "PENDING_EXPIRATION" }, tokens.someone);
    expect(result.errors?.[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT" }, message: expect.stringMatching(/Plaid's Sandbox cannot fire PENDING_EXPIRATION/) });
    expect(harness.plaidCalls).toEqual([]);
  });
});

describe("Sandbox helpers against Plaid production", () => {
  const { harness, tokens } = useTestGateway({
    env: { PLAID_ENV: "production", PLAID_CLIENT_ID: "prod-client", PLAID_SECRET: "prod-secret-value" },
    users: { someone: "user" },
  });

  it.each([
    ["sandboxCreateItem", SandboxCreateItemDocument, {}],
    ["sandboxResetLogin", SandboxResetLoginDocument, { itemId: "any" }],
    ["sandboxFireWebhook", SandboxFireWebhookDocument, { itemId: "any", code: "LOGIN_REPAIRED" }],
  ] as const)("%s is refused with a clear error and no Plaid call", async (name, document, variables) => {
    const result = await harness.graphql(document, variables as never, tokens.someone);
    expect(result.errors?.[0]).toMatchObject({ extensions: { code: "FORBIDDEN" }, message: `${name} is only available when PLAID_ENV is sandbox or simulator` });
    expect(harness.plaidCalls).toEqual([]);
  });
});
