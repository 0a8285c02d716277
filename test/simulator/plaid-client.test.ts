import { CountryCode, Products, SandboxItemFireWebhookRequestWebhookCodeEnum, type PlaidError } from "plaid";
import { describe, expect, it } from "vitest";
import { plaidClient, useSimulator, useWebhookReceiver } from "./support.js";

const h = useSimulator();
const receiver = useWebhookReceiver();

describe("the official plaid client against the simulator", () => {
  it("runs the whole Item lifecycle the gateway uses", async () => {
    const client = plaidClient(h);
    const user = await client.userCreate({ client_user_id: "client-user" }, true);
    const userId = user.data.user_id;
    const publicToken = await client.sandboxPublicTokenCreate({
      institution_id: "ins_109508",
      initial_products: [Products.Transactions],
      options: { webhook: receiver.url },
      user_id: userId,
    });
    const exchange = await client.itemPublicTokenExchange({ public_token: publicToken.data.public_token });
    const accessToken = exchange.data.access_token;

    const item = await client.itemGet({ access_token: accessToken });
    expect(item.data.item.item_id).toBe(exchange.data.item_id);
    const accounts = await client.accountsGet({ access_token: accessToken });
    expect(accounts.data.accounts.length).toBeGreaterThan(0);
    const consent = await client.consentEventsGet({ access_token: accessToken });
    expect(consent.data.consent_events).toHaveLength(4);
    const userItems = await client.userItemsGet({ user_id: userId });
    expect(userItems.data.items.map((i) => i.item_id)).toEqual([exchange.data.item_id]);

    await client.sandboxItemResetLogin({ access_token: accessToken });
    const link = await client.linkTokenCreate({
      client_name: "Gateway",
      language: "en",
      country_codes: [CountryCode.Us],
      user: { client_user_id: "client-user" },
      access_token: accessToken,
    });
    expect(link.data.link_token).toMatch(/^link-sandbox-/);
    await client.sandboxItemFireWebhook({ access_token: accessToken, webhook_code: SandboxItemFireWebhookRequestWebhookCodeEnum.LoginRepaired });
    await client.itemWebhookUpdate({ access_token: accessToken, webhook: receiver.url });
    await receiver.waitFor(3);
    const kid = JSON.parse(Buffer.from((receiver.received[0]!.headers["plaid-verification"] as string).split(".")[0]!, "base64url").toString()).kid;
    const key = await client.webhookVerificationKeyGet({ key_id: kid });
    expect(key.data.key.kid).toBe(kid);
    await client.sandboxUserResetLogin({ user_id: userId });
    await client.userItemsRemove({ user_id: userId, item_ids: [exchange.data.item_id] });
    const removed = await client.itemRemove({ access_token: accessToken }).catch((e: unknown) => e);
    expect(removed).toMatchObject({ isAxiosError: true, response: { status: 400, data: { error_code: "ITEM_NOT_FOUND" } } });
  });

  it("surfaces Plaid errors as AxiosErrors carrying a PlaidError body", async () => {
    const client = plaidClient(h);
    const failure = await client.itemGet({ access_token: "access-sandbox-abcdefab-0000-4000-8000-000000000000" }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ isAxiosError: true });
    const response = (failure as { response: { status: number; data: PlaidError } }).response;
    expect(response.status).toBe(400);
    expect(response.data).toMatchObject({ error_type: "INVALID_INPUT", error_code: "INVALID_ACCESS_TOKEN" });
  });

  it("works with credentials in the body too", async () => {
    const client = plaidClient(h);
    const res = await client.userCreate({ client_user_id: "body-creds", client_id: h.clientId, secret: h.secret });
    expect(res.data.user_id).toMatch(/^usr_/);
  });
});
