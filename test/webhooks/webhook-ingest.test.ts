/**
 * POST /webhooks/plaid end to end: real signed webhooks from the simulator, and forgeries built from
 * them, against a real gateway. What the gateway keeps is read from its store and its event bus.
 */
import { createPublicKey, randomUUID } from "node:crypto";
import { base64url, decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ItemEvent } from "../../src/domain/item-event.js";
import { SandboxResetLoginDocument, ViewerDocument } from "../../generated/graphql.js";
import { postgresAvailable } from "../support/databases.js";
import { accessTokenOf, useTestGateway, type TestGateway } from "../support/gateway-harness.js";
import { createSandboxItem, createSettledItem } from "../support/link-helpers.js";
import { useWebhookReceiver } from "../simulator/support.js";
import {
  captureLoginError,
  deliveries,
  eventsOf,
  itemState,
  listenToBus,
  logEntries,
  ownerOf,
  postWebhook,
  receipts,
  redirectWebhooks,
  sha256Hex,
  webhookUrl,
  type CapturedWebhook,
} from "./webhook-support.js";

const stores = (await postgresAvailable()) ? (["pglite", "postgres"] as const) : (["pglite"] as const);

const clearWebhookFaults = (harness: TestGateway) => fetch(`${harness.simulatorUrl}/simulator/webhooks/faults`, { method: "DELETE" });
const eventView = (event: ItemEvent) => ({ itemId: event.itemId, previousStatus: event.previousStatus, status: event.status, cause: event.cause });

describe("Plaid webhooks reaching the gateway", () => {
  const { harness, tokens } = useTestGateway({ users: { alice: "user" } });
  const receiver = useWebhookReceiver();

  beforeAll(async () => {
    // Before the gateway has seen any key: Plaid retires its first signing key, so a webhook signed with it
    // later is one signed with a key Plaid calls expired (and that the gateway never had reason to trust).
    await harness.control("/simulator/keys/rotate", { expire_current: true });
  });
  afterEach(async () => {
    await clearWebhookFaults(harness);
  });

  it("a user whose bank login breaks sees the Item ask for a new login, recorded once and pushed live", async () => {
    const itemId = await createSandboxItem(harness, tokens.alice);
    const bus = listenToBus(harness, await ownerOf(harness, itemId));
    const itemGetsBefore = harness.callsTo("/item/get", 0, itemId);

    const reset = await harness.graphql(SandboxResetLoginDocument, { itemId }, tokens.alice);
    expect(reset.data?.sandboxResetLogin).toEqual({ id: itemId, status: "LOGIN_REQUIRED" });
    await harness.settle();

    const item = await itemState(harness, tokens.alice, itemId);
    expect(item).toMatchObject({ status: "LOGIN_REQUIRED", recommendedAction: "UPDATE_LOGIN", error: { errorType: "ITEM_ERROR", errorCode: "ITEM_LOGIN_REQUIRED" } });
    expect(item.history.edges.map((edge) => edge.node)).toEqual([
      { previousStatus: "HEALTHY", status: "LOGIN_REQUIRED", cause: "ERROR" },
      { previousStatus: null, status: "HEALTHY", cause: "LINKED" },
    ]);
    expect(await receipts(harness, itemId)).toMatchObject([{ webhook_type: "ITEM", webhook_code: "ERROR", outcome: "applied" }]);
    const delivered = (await deliveries(harness)).filter((d) => d.item_id === itemId && d.webhook_code === "ERROR");
    expect(delivered).toMatchObject([{ url: webhookUrl(harness), state: "delivered", attempts: [{ status: 200 }] }]);
    expect(bus.events.map(eventView)).toEqual([{ itemId, previousStatus: "HEALTHY", status: "LOGIN_REQUIRED", cause: "ERROR" }]);
    // ERROR moves the status, so the gateway confirmed it with Plaid; Plaid agreed, so nothing more was recorded.
    expect(harness.callsTo("/item/get", 0, itemId)).toBeGreaterThan(itemGetsBefore);
    bus.unsubscribe();
  });

  describe("forged or altered webhooks are refused and leave no trace", () => {
    let itemId: string;
    let genuine: CapturedWebhook;
    let staleIat: CapturedWebhook;
    let expiredKey: CapturedWebhook;
    let tampered: CapturedWebhook;
    let kid: string;
    let bus: ReturnType<typeof listenToBus>;
    let logsFrom: number;
    const jwtsSent: string[] = [];

    beforeAll(async () => {
      // A healthy Item the gateway knows; its webhooks go to a local receiver, so the real signed ERROR
      // webhooks Plaid sends for it can be replayed to the gateway as they are, or altered.
      itemId = await createSettledItem(harness, tokens.alice);
      await redirectWebhooks(harness, receiver, itemId);
      genuine = await captureLoginError(harness, receiver, itemId);
      await harness.control("/simulator/webhooks/faults", { mode: "stale_iat", iat_offset_seconds: -360 });
      staleIat = await captureLoginError(harness, receiver, itemId);
      await harness.control("/simulator/webhooks/faults", { mode: "expired_key" });
      expiredKey = await captureLoginError(harness, receiver, itemId);
      await harness.control("/simulator/webhooks/faults", { mode: "tamper" });
      tampered = await captureLoginError(harness, receiver, itemId);
      kid = decodeProtectedHeader(genuine.header).kid!;
      jwtsSent.push(genuine.header, staleIat.header, expiredKey.header, tampered.header);
      bus = listenToBus(harness, await ownerOf(harness, itemId));
      logsFrom = harness.logs.length;
    });
    afterAll(() => bus?.unsubscribe());

    /** What a webhook could leave behind: every receipt, the Item's events and snapshot, what the bus published. */
    async function footprint() {
      return {
        receipts: await receipts(harness),
        events: await eventsOf(harness, itemId),
        item: (await harness.gateway.store.items.findById(itemId))?.snapshot,
        published: [...bus.events],
      };
    }

    it("starts from a healthy Item with nothing but its link recorded", async () => {
      const start = await footprint();
      expect(start.receipts.filter((receipt) => receipt.item_id === itemId)).toEqual([]);
      expect(start.events.map((event) => event.cause)).toEqual(["LINKED"]);
      expect(start.item).toMatchObject({ status: "HEALTHY", error: null });
      expect(start.published).toEqual([]);
    });

    it("has from Plaid a genuine webhook, one signed with an expired key, one issued 6 minutes ago and one altered after signing", async () => {
      const expiredKid = decodeProtectedHeader(expiredKey.header).kid!;
      expect(expiredKid).not.toBe(kid);
      const { body } = await harness.plaid<{ key: { expired_at: number | null } }>("/webhook_verification_key/get", { key_id: expiredKid });
      expect(body.key.expired_at).not.toBeNull();
      expect(decodeProtectedHeader(staleIat.header).kid).toBe(kid);
      expect(decodeJwt(staleIat.header).iat!).toBeLessThanOrEqual(decodeJwt(genuine.header).iat! - 355);
      expect(tampered.json).toMatchObject({ ...genuine.json, tampered: true });
      for (const webhook of [genuine, staleIat, expiredKey, tampered]) expect(webhook.json).toMatchObject({ webhook_type: "ITEM", webhook_code: "ERROR", item_id: itemId });
    });

    const now = () => Math.floor(Date.now() / 1000);
    const claimsFor = (body: Buffer, iat = now()) => ({ iat, request_body_sha256: sha256Hex(body) });

    const forgeries: Array<[string, () => Promise<{ body: Buffer; header?: string }>, string]> = [
      ["without a Plaid-Verification header", async () => ({ body: genuine.body }), "missing_header"],
      [
        "with an unsigned JWT (alg: none)",
        async () => {
          const segment = (value: object) => base64url.encode(JSON.stringify(value));
          return { body: genuine.body, header: `${segment({ alg: "none", kid, typ: "JWT" })}.${segment(claimsFor(genuine.body))}.` };
        },
        "unsupported_alg",
      ],
      [
        "signed HS256 with Plaid's own public key as the HMAC secret",
        async () => {
          const { body } = await harness.plaid<{ key: { x: string; y: string; crv: string; kty: string } }>("/webhook_verification_key/get", { key_id: kid });
          const pem = createPublicKey({ key: { kty: body.key.kty, crv: body.key.crv, x: body.key.x, y: body.key.y }, format: "jwk" }).export({ type: "spki", format: "pem" });
          const header = await new SignJWT(claimsFor(genuine.body)).setProtectedHeader({ alg: "HS256", kid, typ: "JWT" }).sign(new TextEncoder().encode(String(pem)));
          return { body: genuine.body, header };
        },
        "unsupported_alg",
      ],
      [
        "signed ES256 with a key Plaid never issued (unknown kid)",
        async () => {
          const { privateKey } = await generateKeyPair("ES256");
          const header = await new SignJWT(claimsFor(genuine.body)).setProtectedHeader({ alg: "ES256", kid: randomUUID(), typ: "JWT" }).sign(privateKey);
          return { body: genuine.body, header };
        },
        "unknown_key",
      ],
      [
        "signed ES256 with someone else's key under Plaid's kid",
        async () => {
          const { privateKey } = await generateKeyPair("ES256");
          const header = await new SignJWT(claimsFor(genuine.body)).setProtectedHeader({ alg: "ES256", kid, typ: "JWT" }).sign(privateKey);
          return { body: genuine.body, header };
        },
        "bad_signature",
      ],
      ["signed by Plaid with a key it has expired", async () => ({ body: expiredKey.body, header: expiredKey.header }), "expired_key"],
      ["issued by Plaid 6 minutes ago", async () => ({ body: staleIat.body, header: staleIat.header }), "stale_iat"],
      [
        "with one byte of the body changed",
        async () => {
          const text = genuine.body.toString("utf8");
          const altered = Buffer.from(text.replace('"status": 400', '"status": 401'), "utf8");
          expect(altered.length).toBe(genuine.body.length);
          expect([...altered].filter((byte, i) => byte !== genuine.body[i])).toHaveLength(1);
          return { body: altered, header: genuine.header };
        },
        "body_hash_mismatch",
      ],
      [
        "with the body re-serialized (same JSON, other bytes)",
        async () => {
          const reserialized = Buffer.from(JSON.stringify(JSON.parse(genuine.body.toString("utf8"))), "utf8");
          expect(JSON.parse(reserialized.toString())).toEqual(genuine.json);
          return { body: reserialized, header: genuine.header };
        },
        "body_hash_mismatch",
      ],
      ["changed by Plaid's simulator after signing (tamper fault)", async () => ({ body: tampered.body, header: tampered.header }), "body_hash_mismatch"],
    ];

    it.each(forgeries)("a webhook %s is refused with 401 and its reason is logged", async (_name, forge, reason) => {
      const forged = await forge();
      if (forged.header) jwtsSent.push(forged.header);
      const before = await footprint();
      const since = harness.logs.length;

      const response = await postWebhook(harness, forged.body, { header: forged.header });

      expect(response.status).toBe(401);
      expect(JSON.parse(response.body)).toEqual({ error: "rejected" });
      const rejections = logEntries(harness, since).filter((entry) => entry.msg === "webhook rejected");
      expect(rejections.map((entry) => entry.reason)).toEqual([reason]);
      expect(await footprint()).toEqual(before);
    });

    it("a webhook that is not JSON is refused with 415", async () => {
      const before = await footprint();
      const response = await postWebhook(harness, genuine.body, { header: genuine.header, contentType: "text/plain" });
      expect(response.status).toBe(415);
      expect(await footprint()).toEqual(before);
    });

    it("GET on the webhook endpoint is 405 and names POST", async () => {
      const before = await footprint();
      const response = await fetch(webhookUrl(harness));
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("POST");
      expect(await footprint()).toEqual(before);
    });

    it("an oversized webhook is refused with 413 before anything is read into the store", async () => {
      const before = await footprint();
      const padded = Buffer.from(JSON.stringify({ ...genuine.json, padding: "x".repeat(70 * 1024) }, null, 2), "utf8");
      const response = await postWebhook(harness, padded, { header: genuine.header });
      expect(response.status).toBe(413);
      expect(await footprint()).toEqual(before);
    });

    it("the untouched original is then accepted: the refusals were about the forgeries, not the webhook", async () => {
      const response = await postWebhook(harness, genuine.body, { header: genuine.header });
      expect(response.status).toBe(200);
      await harness.settle();
      expect(await receipts(harness, itemId)).toMatchObject([{ body_sha256: sha256Hex(genuine.body), webhook_code: "ERROR", outcome: "applied" }]);
      expect((await eventsOf(harness, itemId)).map((event) => event.cause)).toEqual(["LINKED", "ERROR"]);
      expect(bus.events.map(eventView)).toEqual([{ itemId, previousStatus: "HEALTHY", status: "LOGIN_REQUIRED", cause: "ERROR" }]);
    });

    it("the log names every refusal's reason and holds no JWT or token", () => {
      const reasons = logEntries(harness, logsFrom)
        .filter((entry) => entry.msg === "webhook rejected")
        .map((entry) => entry.reason as string);
      expect(reasons).toEqual(forgeries.map(([, , reason]) => reason));
      const logText = harness.logs.join("");
      for (const jwt of jwtsSent) expect(logText.includes(jwt), "a JWT appears in the log").toBe(false);
      const signatures = jwtsSent.map((jwt) => jwt.split(".")[2]!).filter((signature) => signature.length > 0);
      for (const signature of signatures) expect(logText.includes(signature), "a JWT signature appears in the log").toBe(false);
      expect(logText.includes(accessTokenOf(harness, itemId))).toBe(false);
    });
  });

  it("a webhook for an Item the gateway does not know is answered 200 and recorded as unknown_item", async () => {
    // An Item made at Plaid by someone else, whose webhooks point at this gateway.
    const created = await harness.plaid<{ public_token: string }>("/sandbox/public_token/create", {
      institution_id: "ins_109508",
      initial_products: ["transactions"],
      options: { webhook: webhookUrl(harness) },
    });
    const exchanged = await harness.plaid<{ access_token: string; item_id: string }>("/item/public_token/exchange", { public_token: created.body.public_token });
    const strangerId = exchanged.body.item_id;
    const bus = listenToBus(harness, null);

    await harness.plaid("/sandbox/item/reset_login", { access_token: exchanged.body.access_token });
    await harness.settle();

    expect((await deliveries(harness)).filter((d) => d.item_id === strangerId)).toMatchObject([{ webhook_code: "ERROR", state: "delivered", attempts: [{ status: 200 }] }]);
    expect(await receipts(harness, strangerId)).toMatchObject([{ webhook_type: "ITEM", webhook_code: "ERROR", outcome: "unknown_item" }]);
    expect(await harness.gateway.store.items.findById(strangerId)).toBeNull();
    expect(await eventsOf(harness, strangerId)).toEqual([]);
    expect(bus.events).toEqual([]);
    bus.unsubscribe();
    // Still serving.
    expect((await harness.graphql(ViewerDocument, {}, tokens.alice)).status).toBe(200);
  });

  it("a TRANSACTIONS webhook is answered 200, recorded as ignored_type, and changes nothing", async () => {
    const itemId = await createSettledItem(harness, tokens.alice, { products: ["transactions"] });
    const bus = listenToBus(harness, await ownerOf(harness, itemId));

    const fired = await harness.plaid("/sandbox/item/fire_webhook", {
      access_token: accessTokenOf(harness, itemId),
      webhook_type: "TRANSACTIONS",
      webhook_code: "DEFAULT_UPDATE",
    });
    expect(fired.status).toBe(200);
    await harness.settle();

    expect((await deliveries(harness)).filter((d) => d.item_id === itemId)).toMatchObject([
      { webhook_type: "TRANSACTIONS", webhook_code: "DEFAULT_UPDATE", state: "delivered", attempts: [{ status: 200 }] },
    ]);
    expect(await receipts(harness, itemId)).toMatchObject([{ webhook_type: "TRANSACTIONS", webhook_code: "DEFAULT_UPDATE", outcome: "ignored_type" }]);
    expect((await eventsOf(harness, itemId)).map((event) => event.cause)).toEqual(["LINKED"]);
    expect(await itemState(harness, tokens.alice, itemId)).toMatchObject({ status: "HEALTHY", recommendedAction: "NONE", newAccountsAvailable: false });
    expect(bus.events).toEqual([]);
    bus.unsubscribe();
  });
});

describe.each(stores)("the same webhook delivered 10 times at once (%s store)", (store) => {
  const { harness, tokens } = useTestGateway({ store, users: { bob: "user" } });
  const receiver = useWebhookReceiver();

  it("is answered 200 every time and taken in exactly once: one receipt, one event, one publish", async () => {
    const itemId = await createSettledItem(harness, tokens.bob);
    await redirectWebhooks(harness, receiver, itemId);
    const webhook = await captureLoginError(harness, receiver, itemId);
    const bus = listenToBus(harness, await ownerOf(harness, itemId));

    const answers = await Promise.all(Array.from({ length: 10 }, () => postWebhook(harness, webhook.body, { header: webhook.header })));
    await harness.settle();

    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    const kept = await harness.gateway.store.db.query<{ n: number }>("SELECT count(*)::int AS n FROM webhook_receipts WHERE body_sha256 = $1", [sha256Hex(webhook.body)]);
    expect(kept[0]?.n).toBe(1);
    expect(await receipts(harness, itemId)).toMatchObject([{ webhook_code: "ERROR", outcome: "applied" }]);
    expect((await eventsOf(harness, itemId)).map((event) => event.cause)).toEqual(["LINKED", "ERROR"]);
    expect(bus.events.map(eventView)).toEqual([{ itemId, previousStatus: "HEALTHY", status: "LOGIN_REQUIRED", cause: "ERROR" }]);
    bus.unsubscribe();
  });
});
