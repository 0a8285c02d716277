import { createHash } from "node:crypto";
import { decodeProtectedHeader, importJWK, jwtVerify } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { waitUntil } from "../support/wait-until.js";
import { linkSandboxItem, useSimulator, useWebhookReceiver, type ReceivedWebhook } from "./support.js";

const h = useSimulator();
const receiver = useWebhookReceiver();

afterEach(async () => {
  await h.control("DELETE", "/webhooks/faults");
});

/** Triggers an ITEM/ERROR webhook and returns what the receiver got. */
async function nextErrorWebhook(): Promise<{ webhook: ReceivedWebhook; itemId: string; userId?: string }> {
  const item = await linkSandboxItem(h, { webhook: receiver.url });
  await h.plaid("/sandbox/item/reset_login", { access_token: item.access_token });
  const webhook = await waitUntil(() => receiver.received.find((w) => w.json.item_id === item.item_id), { what: "the ITEM/ERROR webhook" });
  return { webhook, itemId: item.item_id };
}

/** Verifies a webhook the way the gateway must (Plaid's webhook verification steps). */
async function verify(webhook: ReceivedWebhook) {
  const jwt = webhook.headers["plaid-verification"] as string;
  const header = decodeProtectedHeader(jwt);
  const keyRes = await h.plaid("/webhook_verification_key/get", { key_id: header.kid });
  const key = await importJWK(keyRes.body.key, "ES256");
  const { payload, protectedHeader } = await jwtVerify(jwt, key, { algorithms: ["ES256"], maxTokenAge: "5 min" });
  const bodyHash = createHash("sha256").update(webhook.rawBody).digest("hex");
  return { header: protectedHeader, payload, bodyHash, key: keyRes.body.key };
}

describe("webhook signing", () => {
  it("signs the exact body bytes with an ES256 JWT in Plaid-Verification", async () => {
    const { webhook } = await nextErrorWebhook();
    const { header, payload, bodyHash, key } = await verify(webhook);
    expect(header).toEqual({ alg: "ES256", kid: key.kid, typ: "JWT" });
    expect(Object.keys(payload).sort()).toEqual(["iat", "request_body_sha256"]);
    expect(payload.request_body_sha256).toBe(bodyHash);
    expect(payload.request_body_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(webhook.headers["content-type"]).toContain("application/json");
  });

  it("serves the key as Plaid's JWKPublicKey", async () => {
    const { webhook } = await nextErrorWebhook();
    const { key } = await verify(webhook);
    expect(key).toMatchObject({ alg: "ES256", crv: "P-256", kty: "EC", use: "sig", expired_at: null });
    expect(Number.isInteger(key.created_at)).toBe(true);
    expect(typeof key.x).toBe("string");
    expect(typeof key.y).toBe("string");
  });

  it("sends JSON indented with two spaces", async () => {
    const { webhook } = await nextErrorWebhook();
    expect(webhook.rawBody).toBe(JSON.stringify(JSON.parse(webhook.rawBody), null, 2));
  });

  it("sends ITEM/ERROR with the error's status and no request_id", async () => {
    const { webhook, itemId } = await nextErrorWebhook();
    expect(webhook.json).toEqual({
      webhook_type: "ITEM",
      webhook_code: "ERROR",
      item_id: itemId,
      error: {
        display_message: null,
        error_code: "ITEM_LOGIN_REQUIRED",
        error_message: expect.stringContaining("use Link's update mode"),
        error_type: "ITEM_ERROR",
        status: 400,
      },
      environment: "sandbox",
    });
  });

  it("refuses an unknown key id", async () => {
    const res = await h.plaid("/webhook_verification_key/get", { key_id: "6c5516e1-92dc-479e-a8ff-5a51992e0001" });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error_type: "INVALID_INPUT", error_code: "INVALID_WEBHOOK_VERIFICATION_KEY_ID" });
  });
});

describe("key rotation", () => {
  it("signs with the new key after a rotation; the old key stays valid", async () => {
    const before = await verify((await nextErrorWebhook()).webhook);
    const rotated = await h.control("POST", "/keys/rotate", {});
    expect(rotated.body.previous_key_id).toBe(before.key.kid);
    const after = await verify((await nextErrorWebhook()).webhook);
    expect(after.header.kid).toBe(rotated.body.key_id);
    expect(after.header.kid).not.toBe(before.key.kid);
    const old = await h.plaid("/webhook_verification_key/get", { key_id: before.key.kid });
    expect(old.body.key.expired_at).toBeNull();
  });

  it("marks the previous key expired when asked", async () => {
    const before = await verify((await nextErrorWebhook()).webhook);
    await h.control("POST", "/keys/rotate", { expire_current: true });
    const old = await h.plaid("/webhook_verification_key/get", { key_id: before.key.kid });
    expect(typeof old.body.key.expired_at).toBe("number");
    expect(old.body.key.expired_at).toBeGreaterThanOrEqual(old.body.key.created_at);
  });
});

describe("signature faults for the gateway's rejection paths", () => {
  it("stale_iat signs with an old iat", async () => {
    await h.control("POST", "/webhooks/faults", { mode: "stale_iat", iat_offset_seconds: -600 });
    const { webhook } = await nextErrorWebhook();
    await expect(verify(webhook)).rejects.toThrow();
    const { payload } = await jwtVerify(
      webhook.headers["plaid-verification"] as string,
      await importJWK((await h.plaid("/webhook_verification_key/get", { key_id: decodeProtectedHeader(webhook.headers["plaid-verification"] as string).kid })).body.key, "ES256"),
    );
    expect(Math.floor(Date.now() / 1000) - (payload.iat as number)).toBeGreaterThanOrEqual(590);
  });

  it("tamper changes the body after signing", async () => {
    await h.control("POST", "/webhooks/faults", { mode: "tamper" });
    const { webhook } = await nextErrorWebhook();
    const { payload, bodyHash } = await verify(webhook);
    expect(payload.request_body_sha256).not.toBe(bodyHash);
  });

  it("expired_key signs with a key whose expired_at is set", async () => {
    await h.control("POST", "/keys/rotate", { expire_current: true });
    await h.control("POST", "/webhooks/faults", { mode: "expired_key" });
    const { webhook } = await nextErrorWebhook();
    const { key } = await verify(webhook);
    expect(key.expired_at).not.toBeNull();
  });
});
