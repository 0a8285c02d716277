/**
 * Exercises every simulated endpoint on its success and error paths and checks that everything the
 * simulator answered conforms to Plaid's OpenAPI spec.
 */
import { describe, expect, it } from "vitest";
import { PLAID_ROUTES } from "../../src/simulator/routes/index.js";
import { loadPlaidSpec } from "../support/plaid-openapi.js";
import { createUser, linkSandboxItem, linkTokenBase, updateLinkToken, useSimulator, useWebhookReceiver } from "./support.js";

const h = useSimulator();
const receiver = useWebhookReceiver();

const UNKNOWN_ACCESS = "access-sandbox-00000000-1111-4222-8333-444444444444";

describe("fidelity to Plaid's OpenAPI spec", () => {
  it("answers every endpoint's success and error paths within the spec", async () => {
    const userId = await createUser(h, "fidelity-user");
    const item = await linkSandboxItem(h, { user_id: userId, webhook: receiver.url, initial_products: ["transactions", "auth"] });
    const gb = await linkSandboxItem(h, { institution_id: "ins_117650", webhook: receiver.url });
    const bare = await linkSandboxItem(h);

    // Items and accounts.
    await h.plaid("/item/get", { access_token: item.access_token });
    await h.plaid("/item/get", { access_token: gb.access_token });
    await h.plaid("/accounts/get", { access_token: item.access_token });
    await h.plaid("/accounts/get", { access_token: item.access_token, options: { account_ids: ["missing"] } });
    await h.plaid("/item/webhook/update", { access_token: item.access_token, webhook: receiver.url });
    await h.plaid("/item/webhook/update", { access_token: item.access_token, webhook: "nope" });
    await h.plaid("/consent/events/get", { access_token: item.access_token });
    await h.plaid("/consent/events/get", { access_token: UNKNOWN_ACCESS });
    const rotated = await linkSandboxItem(h);
    await h.plaid("/item/access_token/invalidate", { access_token: rotated.access_token });
    await h.plaid("/item/access_token/invalidate", { access_token: rotated.access_token });
    await h.plaid("/item/access_token/invalidate", { access_token: rotated.access_token, surprise: true });

    // Link tokens: new Item, update mode, update.user, and refusals.
    await h.plaid("/link/token/create", { ...linkTokenBase, products: ["transactions"], webhook: receiver.url, user_id: userId });
    await h.plaid("/link/token/create", { ...linkTokenBase, access_token: item.access_token, update: { account_selection_enabled: true } });
    await h.plaid("/link/token/create", { ...linkTokenBase, products: ["transactions"], access_token: item.access_token });
    await h.plaid("/link/token/create", { ...linkTokenBase });
    await h.plaid("/link/token/create", { ...linkTokenBase, products: ["balance"] });
    await h.plaid("/link/token/create", { ...linkTokenBase, update: { user: true } });
    const update = await updateLinkToken(h, item.access_token);
    const completed = await h.control("POST", "/link/complete", { link_token: update });
    await h.plaid("/item/public_token/exchange", { public_token: completed.body.public_token });
    await h.plaid("/item/public_token/exchange", { public_token: completed.body.public_token });
    await h.plaid("/item/public_token/exchange", { public_token: "bad" });
    await h.plaid("/link/token/get", { link_token: update });
    // A new Item's session: its institution and the accounts the user ticked.
    const newItem = (await h.plaid("/link/token/create", { ...linkTokenBase, products: ["transactions"], user_id: userId })).body.link_token as string;
    await h.control("POST", "/link/complete", { link_token: newItem, institution_id: "ins_109511", account_masks: ["0000", "3333"] });
    await h.plaid("/link/token/get", { link_token: newItem });
    await h.plaid("/link/token/get", { link_token: "link-sandbox-00000000-0000-4000-8000-000000000000" });

    // Sandbox endpoints.
    await h.plaid("/sandbox/public_token/create", { institution_id: "ins_109512", initial_products: ["identity"], options: { override_password: "error_ITEM_LOCKED" } });
    await h.plaid("/sandbox/public_token/create", { institution_id: "ins_0", initial_products: ["identity"] });
    await h.plaid("/sandbox/item/reset_login", { access_token: item.access_token });
    await h.plaid("/sandbox/item/reset_login", { access_token: "garbage" });
    await h.plaid("/item/get", { access_token: item.access_token });
    await h.plaid("/accounts/get", { access_token: item.access_token });
    await h.plaid("/link/token/create", { ...linkTokenBase, user_id: userId, update: { user: true } });
    for (const webhook_code of [
      "NEW_ACCOUNTS_AVAILABLE",
      "LOGIN_REPAIRED",
      "PENDING_DISCONNECT",
      "USER_ACCOUNT_REVOKED",
      "SYNC_UPDATES_AVAILABLE",
      "DEFAULT_UPDATE",
      "USER_PERMISSION_REVOKED",
    ]) {
      await h.plaid("/sandbox/item/fire_webhook", { access_token: item.access_token, webhook_code });
    }
    await h.plaid("/sandbox/item/fire_webhook", { access_token: bare.access_token, webhook_code: "LOGIN_REPAIRED" });
    await h.plaid("/sandbox/item/fire_webhook", { access_token: gb.access_token, webhook_code: "PRODUCT_READY" });
    await h.plaid("/sandbox/user/reset_login", { user_id: userId });
    await h.plaid("/sandbox/user/reset_login", { user_id: "usr_nobody000000" });

    // Users.
    await h.plaid("/user/create", { client_user_id: "fidelity-user" });
    await h.plaid("/user/create", { client_user_id: "" });
    await h.plaid("/user/items/get", { user_id: userId });
    await h.plaid("/user/items/get", { user_id: "bad" });
    await h.plaid("/user/items/remove", { user_id: userId, item_ids: [gb.item_id] });

    // Webhook verification keys.
    const kid = (await h.control("POST", "/keys/rotate", {})).body.key_id;
    await h.plaid("/webhook_verification_key/get", { key_id: kid });
    await h.plaid("/webhook_verification_key/get", { key_id: "unknown" });

    // Envelope, auth, limits and injected faults.
    await h.plaid("/user/create", { client_user_id: "no-creds" }, { credentials: "none" });
    await h.plaid("/user/create", { client_user_id: "x", surprise: true });
    await h.control("POST", "/settings", { rate_limits: { "/item/get": 0 } });
    await h.plaid("/item/get", { access_token: gb.access_token });
    await h.control("POST", "/settings", { rate_limits: { "/item/get": 40 } });
    await h.control("POST", "/faults", { path: "/accounts/get", status: 500 });
    await h.plaid("/accounts/get", { access_token: gb.access_token });
    await h.control("POST", "/faults", { path: "/accounts/get", status: 503 });
    await h.plaid("/accounts/get", { access_token: gb.access_token });
    await h.plaid("/user/items/remove", { user_id: userId, item_ids: [item.item_id] });
    await h.plaid("/item/remove", { access_token: bare.access_token });
    await h.plaid("/item/remove", { access_token: bare.access_token });

    expect(h.violations).toEqual([]);
  });

  it("covered every endpoint with a success and a failure", () => {
    for (const path of Object.keys(PLAID_ROUTES)) {
      const statuses = h.callsTo(path).map((e) => e.status);
      expect(statuses, path).toContain(200);
      expect(
        statuses.some((s) => s >= 400),
        path,
      ).toBe(true);
    }
  });

  it("would notice a response that breaks the spec", async () => {
    const spec = await loadPlaidSpec();
    const good = h.callsTo("/item/get").find((e) => e.status === 200)!;
    const broken = structuredClone(good.response) as { item: Record<string, unknown> };
    delete broken.item.available_products;
    expect(spec.check({ ...good, response: broken })).not.toEqual([]);
    expect(spec.check({ path: "/item/get", request: good.request, status: 400, response: { error_code: "X" } })).not.toEqual([]);
  });
});
