/**
 * Webhooks under key ids Plaid never issued, sent to spend the gateway's Plaid quota: fetches of key ids
 * not yet cached are bounded per minute for all kids together, a kid Plaid called unknown is not asked
 * about again, and keys already cached keep verifying throughout. Every count is of calls Plaid (the
 * simulator) received.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { base64url, decodeProtectedHeader } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { createPlaidApi } from "../../src/datasources/plaid/plaid-client.js";
import { PlaidDataSource, type WebhookVerificationKey } from "../../src/datasources/plaid/plaid-datasource.js";
import { createLogger } from "../../src/logger.js";
import { PlaidWebhookVerifier, WebhookRejectedError, type PlaidWebhookVerifierOptions, type WebhookRejectionReason } from "../../src/webhooks/verify-plaid-webhook.js";
import { useTestGateway } from "../support/gateway-harness.js";
import { createSettledItem } from "../support/link-helpers.js";
import { waitUntil } from "../support/wait-until.js";
import { linkSandboxItem, useSimulator, useWebhookReceiver } from "../simulator/support.js";
import { deliveries, logEntries, postWebhook, webhookUrl } from "./webhook-support.js";

const KEY_PATH = "/webhook_verification_key/get";
const logger = createLogger({ level: "silent" });
const sha256Hex = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const segment = (value: object) => base64url.encode(JSON.stringify(value));

/** A webhook under a kid nobody issued: well-formed ES256 with a plausible signature, so only Plaid can tell it is forged. */
function forgedWebhook(kid = randomUUID()) {
  const body = Buffer.from(JSON.stringify({ webhook_type: "ITEM", webhook_code: "ERROR", item_id: randomUUID() }, null, 2));
  const claims = { iat: Math.floor(Date.now() / 1000), request_body_sha256: sha256Hex(body) };
  return { kid, body, header: `${segment({ alg: "ES256", kid, typ: "JWT" })}.${segment(claims)}.${randomBytes(64).toString("base64url")}` };
}

/** Why each verification was refused, in order (a verification that passes fails the test). */
async function refusals(verifications: Array<Promise<unknown>>): Promise<WebhookRejectionReason[]> {
  const settled = await Promise.allSettled(verifications);
  return settled.map((result) => {
    if (result.status === "fulfilled") throw new Error("expected the webhook to be refused");
    expect(result.reason).toBeInstanceOf(WebhookRejectedError);
    return (result.reason as WebhookRejectedError).reason;
  });
}

const count = (reasons: readonly string[], reason: string) => reasons.filter((r) => r === reason).length;

describe("the verifier, flooded with forged key ids", () => {
  const h = useSimulator();
  const receiver = useWebhookReceiver();
  let plaid: PlaidDataSource;

  beforeAll(() => {
    plaid = new PlaidDataSource(createPlaidApi({ env: "sandbox", clientId: h.clientId, secret: h.secret, basePath: h.url }), logger);
  });

  /** A verifier on a clock the test moves by hand, whose key fetches go to the simulator and are counted per kid. */
  function verifier(options: Partial<PlaidWebhookVerifierOptions> = {}) {
    let nowMs = Date.now();
    const calls: string[] = [];
    const fetchKey = (kid: string): Promise<WebhookVerificationKey> => {
      calls.push(kid);
      return plaid.getWebhookVerificationKey(kid);
    };
    const v = new PlaidWebhookVerifier({ fetchKey, now: () => new Date(nowMs), ...options });
    const flood = (webhooks: Array<ReturnType<typeof forgedWebhook>>) => refusals(webhooks.map((w) => v.verify(w.header, w.body)));
    return { v, calls, flood, callsFor: (kid: string) => calls.filter((k) => k === kid).length, advance: (seconds: number) => void (nowMs += seconds * 1000) };
  }

  /** An ITEM/ERROR webhook Plaid (the simulator) signed with its current key, as received. */
  async function plaidWebhook() {
    const item = await linkSandboxItem(h, { webhook: receiver.url });
    expect((await h.plaid("/sandbox/item/reset_login", { access_token: item.access_token })).status).toBe(200);
    const received = await waitUntil(() => receiver.received.find((w) => w.json.item_id === item.item_id && w.json.webhook_code === "ERROR"));
    const header = received.headers["plaid-verification"] as string;
    return { header, body: Buffer.from(received.rawBody, "utf8"), kid: decodeProtectedHeader(header).kid as string };
  }

  it("500 webhooks with distinct forged kids cost Plaid 10 key fetches, and 10 more once the minute is over", async () => {
    const { calls, flood, advance } = verifier();
    const before = h.callsTo(KEY_PATH).length;

    const reasons = await flood(Array.from({ length: 500 }, () => forgedWebhook()));

    expect(count(reasons, "unknown_key")).toBe(10);
    expect(count(reasons, "key_fetch_limited")).toBe(490);
    expect(calls).toHaveLength(10);
    expect(h.callsTo(KEY_PATH).length - before).toBe(10);

    advance(59);
    expect(await flood(Array.from({ length: 5 }, () => forgedWebhook()))).toEqual(Array(5).fill("key_fetch_limited"));
    advance(1);
    const nextMinute = await flood(Array.from({ length: 12 }, () => forgedWebhook()));
    expect(count(nextMinute, "unknown_key")).toBe(10);
    expect(count(nextMinute, "key_fetch_limited")).toBe(2);
    expect(h.callsTo(KEY_PATH).length - before).toBe(20);
  });

  it("a kid Plaid called unknown, and concurrent lookups of one new kid, spend one fetch of the budget", async () => {
    const { calls, flood } = verifier({ newKidFetchesPerMinute: 3 });
    const repeated = forgedWebhook();

    expect(await flood(Array.from({ length: 10 }, () => repeated))).toEqual(Array(10).fill("unknown_key"));
    expect(await flood(Array.from({ length: 40 }, () => repeated))).toEqual(Array(40).fill("unknown_key"));
    expect(calls).toEqual([repeated.kid]);

    const others = [forgedWebhook(), forgedWebhook(), forgedWebhook()];
    expect(await flood(others)).toEqual(["unknown_key", "unknown_key", "key_fetch_limited"]);
    expect(calls).toEqual([repeated.kid, others[0]!.kid, others[1]!.kid]);
  });

  it("a key already cached keeps verifying while the budget is spent, and is still re-checked with Plaid each minute", async () => {
    const { v, flood, callsFor, advance } = verifier();
    const genuine = await plaidWebhook();
    await v.verify(genuine.header, genuine.body);

    const reasons = await flood(Array.from({ length: 30 }, () => forgedWebhook()));
    expect(count(reasons, "unknown_key")).toBe(9);
    await expect(v.verify(genuine.header, genuine.body)).resolves.toMatchObject({ kid: genuine.kid });
    expect(callsFor(genuine.kid)).toBe(1);

    // A minute on, the budget is spent again before the cached key is due for its re-check.
    advance(61);
    expect(count(await flood(Array.from({ length: 11 }, () => forgedWebhook())), "key_fetch_limited")).toBe(1);
    const before = h.callsTo(KEY_PATH).length;
    await expect(v.verify(genuine.header, genuine.body)).resolves.toMatchObject({ kid: genuine.kid });
    expect(callsFor(genuine.kid)).toBe(2);
    expect(h.callsTo(KEY_PATH).slice(before)).toMatchObject([{ status: 200, request: { key_id: genuine.kid } }]);
  });

  it("a new Plaid key arriving while the budget is spent is refused as key_fetch_limited, not remembered, and verifies once the minute is over", async () => {
    const { v, flood, callsFor, advance } = verifier();
    expect(count(await flood(Array.from({ length: 10 }, () => forgedWebhook())), "unknown_key")).toBe(10);
    const rotated = await h.control("POST", "/keys/rotate", {});
    const signedByNewKey = await plaidWebhook();
    expect(signedByNewKey.kid).toBe(rotated.body.key_id);

    const [refused] = await Promise.allSettled([v.verify(signedByNewKey.header, signedByNewKey.body)]);
    const error = (refused as PromiseRejectedResult).reason as WebhookRejectedError;
    expect(error.reason).toBe("key_fetch_limited");
    for (const secret of [signedByNewKey.kid, signedByNewKey.header]) expect(`${error.message}\n${error.stack}`).not.toContain(secret);
    expect(callsFor(signedByNewKey.kid)).toBe(0);
    expect(h.callsTo(KEY_PATH).filter((call) => (call.request as { key_id?: string }).key_id === signedByNewKey.kid)).toHaveLength(0);

    advance(60);
    await expect(v.verify(signedByNewKey.header, signedByNewKey.body)).resolves.toMatchObject({ kid: signedByNewKey.kid });
    expect(callsFor(signedByNewKey.kid)).toBe(1);
  });

  it("refuses a budget that is not a positive whole number", () => {
    const fetchKey = () => plaid.getWebhookVerificationKey(randomUUID());
    for (const newKidFetchesPerMinute of [0, -1, 2.5, Number.NaN]) expect(() => new PlaidWebhookVerifier({ fetchKey, newKidFetchesPerMinute })).toThrow(RangeError);
  });
});

describe("the webhook route, flooded with forged key ids", () => {
  const { harness, tokens } = useTestGateway({ users: { dana: "user" } });

  const keyIdsAsked = (since = 0) => harness.exchanges.slice(since).flatMap((e) => (e.path === KEY_PATH ? [(e.request as { key_id: string }).key_id] : []));
  const deliveriesOf = async (itemId: string, code: string) => (await deliveries(harness)).filter((d) => d.item_id === itemId && d.webhook_code === code);

  it("answers 401 while Plaid may be asked, then 503 with Retry-After, which Plaid retries, and keeps verifying Plaid's cached key", async () => {
    const itemId = await createSettledItem(harness, tokens.dana);
    await harness.control(`/simulator/items/${itemId}/new-accounts`, { count: 1 });
    await harness.settle();
    expect(await deliveriesOf(itemId, "NEW_ACCOUNTS_AVAILABLE")).toMatchObject([{ state: "delivered", attempts: [{ status: 200 }] }]);
    expect(keyIdsAsked()).toHaveLength(1);
    const mark = harness.exchanges.length;
    const resultsFrom = harness.webhookResults.length;
    const logsFrom = harness.logs.length;

    const forged = Array.from({ length: 40 }, () => forgedWebhook());
    const answers = await Promise.all(forged.map((w) => postWebhook(harness, w.body, { header: w.header })));

    // One fetch of the minute's ten went to Plaid's own key; nine forged kids were asked about, no more.
    expect(answers.filter((answer) => answer.status === 401)).toHaveLength(9);
    expect(answers.filter((answer) => answer.status === 503)).toHaveLength(31);
    expect(keyIdsAsked(mark)).toHaveLength(9);
    expect(keyIdsAsked(mark).every((kid) => forged.some((w) => w.kid === kid))).toBe(true);
    expect(answers.filter((answer) => answer.status === 503).every((answer) => answer.headers.get("retry-after") === "60")).toBe(true);
    expect(harness.webhookResults.slice(resultsFrom).filter((r) => "failed" in r && r.failed === "key_fetch_limited")).toHaveLength(31);
    const logged = logEntries(harness, logsFrom).filter((entry) => entry.reason === "key_fetch_limited");
    expect(logged).toHaveLength(31);
    for (const w of forged) expect(JSON.stringify(logged)).not.toContain(w.kid);

    // Plaid's webhooks under its cached key are still taken in.
    await harness.control(`/simulator/items/${itemId}/consent-expiring`, { days: 7 });
    await harness.settle();
    expect(await deliveriesOf(itemId, "PENDING_EXPIRATION")).toMatchObject([{ state: "delivered", attempts: [{ status: 200 }] }]);

    // After a rotation, Plaid's first webhook under its new key meets the spent budget: 503, and Plaid tries again.
    const rotated = await harness.control<{ key_id: string }>("/simulator/keys/rotate", {});
    await harness.control(`/simulator/items/${itemId}/new-accounts`, { count: 1 });
    const retried = await waitUntil(
      async () => {
        const [, underNewKey] = await deliveriesOf(itemId, "NEW_ACCOUNTS_AVAILABLE");
        return underNewKey && underNewKey.attempts.length >= 2 ? underNewKey : undefined;
      },
      { what: "Plaid's retry of the webhook under its new key" },
    );
    expect(retried).toMatchObject({ url: webhookUrl(harness), attempts: [{ status: 503 }, {}] });
    expect(keyIdsAsked(mark)).not.toContain(rotated.key_id);
  });
});
