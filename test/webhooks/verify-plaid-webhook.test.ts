import { createHash, KeyObject, randomUUID, sign as signBytes } from "node:crypto";
import { base64url, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT, type JWTPayload } from "jose";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createPlaidApi } from "../../src/datasources/plaid/plaid-client.js";
import { PlaidDataSource, type WebhookVerificationKey } from "../../src/datasources/plaid/plaid-datasource.js";
import { PlaidApiError } from "../../src/domain/errors.js";
import { createLogger } from "../../src/logger.js";
import { PlaidWebhookVerifier, WebhookRejectedError, type PlaidWebhookVerifierOptions, type WebhookRejectionReason } from "../../src/webhooks/verify-plaid-webhook.js";
import { closedPort } from "../support/tcp-proxy.js";
import { waitUntil } from "../support/wait-until.js";
import { linkSandboxItem, useSimulator, useWebhookReceiver } from "../simulator/support.js";

const logger = createLogger({ level: "silent" });
const KEY_PATH = "/webhook_verification_key/get";

const h = useSimulator();
const receiver = useWebhookReceiver();
let plaid: PlaidDataSource;

beforeAll(() => {
  plaid = new PlaidDataSource(createPlaidApi({ env: "sandbox", clientId: h.clientId, secret: h.secret, basePath: h.url }), logger);
});

afterEach(async () => {
  await h.control("DELETE", "/webhooks/faults");
  await h.control("DELETE", "/faults");
  await h.control("POST", "/clock", { offset_seconds: 0 });
});

interface Webhook {
  /** The Plaid-Verification header as received (Node lower-cases header names). */
  header: string;
  raw: Buffer;
  itemId: string;
}

/** Has the simulator send an ITEM/ERROR webhook (via /sandbox/item/reset_login) and returns it as received. */
async function fireWebhook(): Promise<Webhook> {
  const item = await linkSandboxItem(h, { webhook: receiver.url });
  const reset = await h.plaid("/sandbox/item/reset_login", { access_token: item.access_token });
  expect(reset.status).toBe(200);
  const received = await waitUntil(() => receiver.received.find((w) => w.json?.item_id === item.item_id && w.json?.webhook_code === "ERROR"));
  const header = received.headers["plaid-verification"];
  expect(typeof header).toBe("string");
  return { header: header as string, raw: Buffer.from(received.rawBody, "utf8"), itemId: item.item_id };
}

/** fetchKey through the official client against the simulator, counting calls per kid. */
function countingFetch(source: PlaidDataSource = plaid) {
  const calls: string[] = [];
  const fetchKey = (kid: string): Promise<WebhookVerificationKey> => {
    calls.push(kid);
    return source.getWebhookVerificationKey(kid);
  };
  return { fetchKey, calls, callsFor: (kid: string) => calls.filter((k) => k === kid).length };
}

/** A clock the test moves by hand. */
function manualClock(start = new Date()) {
  let nowMs = start.getTime();
  return { now: () => new Date(nowMs), advance: (seconds: number) => void (nowMs += seconds * 1000) };
}

function verifier(overrides: Partial<PlaidWebhookVerifierOptions> = {}) {
  const fetch = countingFetch();
  return { verifier: new PlaidWebhookVerifier({ fetchKey: fetch.fetchKey, ...overrides }), fetch };
}

async function rejection(promise: Promise<unknown>): Promise<WebhookRejectedError> {
  const error = await promise.then(
    () => {
      throw new Error("expected the webhook to be rejected");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookRejectedError);
  return error as WebhookRejectedError;
}

async function expectRejected(promise: Promise<unknown>, reason: WebhookRejectionReason): Promise<WebhookRejectedError> {
  const error = await rejection(promise);
  expect(error.reason).toBe(reason);
  return error;
}

const sha256Hex = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");
const nowSeconds = () => Math.floor(Date.now() / 1000);
const segment = (value: object) => base64url.encode(JSON.stringify(value));

async function ownEs256Key() {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  return { privateKey, publicJwk: await exportJWK(publicKey) };
}

/** A fetchKey that serves one locally generated key as Plaid would (for claims the simulator never signs). */
async function injectedKey(kid = randomUUID()) {
  const { privateKey, publicJwk } = await ownEs256Key();
  const key: WebhookVerificationKey = {
    alg: "ES256",
    crv: "P-256",
    kid,
    kty: "EC",
    use: "sig",
    x: publicJwk.x!,
    y: publicJwk.y!,
    createdAt: nowSeconds() - 3600,
    expiredAt: null,
  };
  const sign = (claims: JWTPayload, header: Record<string, unknown> = {}) => new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid, typ: "JWT", ...header }).sign(privateKey);
  return { kid, key, privateKey, sign, fetchKey: async () => key };
}

describe("a webhook Plaid signed", () => {
  it("verifies against the exact body bytes and reports the body hash, kid and iat", async () => {
    const webhook = await fireWebhook();
    const { verifier: v, fetch } = verifier();
    const kid = decodeProtectedHeader(webhook.header).kid as string;

    const verified = await v.verify(webhook.header, webhook.raw);

    expect(verified.kid).toBe(kid);
    expect(verified.bodySha256).toBe(sha256Hex(webhook.raw));
    expect(verified.issuedAt).toBeInstanceOf(Date);
    expect(verified.issuedAt.getTime() % 1000).toBe(0);
    expect(Math.abs(verified.issuedAt.getTime() - Date.now())).toBeLessThan(300_000);
    expect(fetch.calls).toEqual([kid]);
  });

  it("uses the cached key for later webhooks signed with the same kid", async () => {
    const { verifier: v, fetch } = verifier();
    const first = await fireWebhook();
    const second = await fireWebhook();
    await v.verify(first.header, first.raw);
    await v.verify(second.header, second.raw);
    await v.verify(first.header, first.raw);
    expect(fetch.calls).toHaveLength(1);
  });

  it("shares one key fetch between concurrent verifications of a new kid", async () => {
    const webhook = await fireWebhook();
    const kid = decodeProtectedHeader(webhook.header).kid as string;
    const { verifier: v, fetch } = verifier();
    const before = h.callsTo(KEY_PATH).length;

    const results = await Promise.all(Array.from({ length: 10 }, () => v.verify(webhook.header, webhook.raw)));

    expect(results.every((r) => r.kid === kid)).toBe(true);
    expect(fetch.calls).toEqual([kid]);
    expect(h.callsTo(KEY_PATH).length - before).toBe(1);
  });
});

describe("the Plaid-Verification header", () => {
  it("is required", async () => {
    const webhook = await fireWebhook();
    const { verifier: v, fetch } = verifier();
    await expectRejected(v.verify(undefined, webhook.raw), "missing_header");
    await expectRejected(v.verify("", webhook.raw), "missing_header");
    await expectRejected(v.verify("   ", webhook.raw), "missing_header");
    expect(fetch.calls).toEqual([]);
  });

  it("must be a compact JWS whose header decodes", async () => {
    const webhook = await fireWebhook();
    const { verifier: v, fetch } = verifier();
    const [, payload, signature] = webhook.header.split(".");
    await expectRejected(v.verify("not-a-jwt", webhook.raw), "malformed_jwt");
    await expectRejected(v.verify(`${payload}.${signature}`, webhook.raw), "malformed_jwt");
    await expectRejected(v.verify(`!!!.${payload}.${signature}`, webhook.raw), "malformed_jwt");
    await expectRejected(v.verify(`${base64url.encode("not json")}.${payload}.${signature}`, webhook.raw), "malformed_jwt");
    await expectRejected(v.verify(`${webhook.header}.x.y`, webhook.raw), "malformed_jwt");
    await expectRejected(v.verify(`${"a".repeat(5000)}.${payload}.${signature}`, webhook.raw), "malformed_jwt");
    expect(fetch.calls).toEqual([]);
  });
});

describe("the algorithm", () => {
  it("refuses alg none, even under Plaid's kid and with a matching body hash", async () => {
    const webhook = await fireWebhook();
    const kid = decodeProtectedHeader(webhook.header).kid as string;
    const { verifier: v, fetch } = verifier();
    const unsecured = `${segment({ alg: "none", kid, typ: "JWT" })}.${segment({ iat: nowSeconds(), request_body_sha256: sha256Hex(webhook.raw) })}.`;
    await expectRejected(v.verify(unsecured, webhook.raw), "unsupported_alg");
    const noAlg = `${segment({ kid, typ: "JWT" })}.${webhook.header.split(".")[1]}.${webhook.header.split(".")[2]}`;
    await expectRejected(v.verify(noAlg, webhook.raw), "unsupported_alg");
    expect(fetch.calls).toEqual([]);
  });

  it("refuses HS256, including one keyed with Plaid's public key material", async () => {
    const webhook = await fireWebhook();
    const kid = decodeProtectedHeader(webhook.header).kid as string;
    const publicKey = await plaid.getWebhookVerificationKey(kid);
    const { verifier: v, fetch } = verifier();
    const claims = { iat: nowSeconds(), request_body_sha256: sha256Hex(webhook.raw) };
    for (const secret of [new TextEncoder().encode("a-shared-secret-of-sufficient-length!"), new TextEncoder().encode(JSON.stringify(publicKey))]) {
      const hs256 = await new SignJWT(claims).setProtectedHeader({ alg: "HS256", kid, typ: "JWT" }).sign(secret);
      await expectRejected(v.verify(hs256, webhook.raw), "unsupported_alg");
    }
    expect(fetch.calls).toEqual([]);
  });

  it("refuses RS256, ES384 and lower-case es256", async () => {
    const webhook = await fireWebhook();
    const kid = decodeProtectedHeader(webhook.header).kid as string;
    const { verifier: v, fetch } = verifier();
    const claims = { iat: nowSeconds(), request_body_sha256: sha256Hex(webhook.raw) };
    const rsa = await generateKeyPair("RS256");
    const rs256 = await new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid, typ: "JWT" }).sign(rsa.privateKey);
    await expectRejected(v.verify(rs256, webhook.raw), "unsupported_alg");
    const p384 = await generateKeyPair("ES384");
    const es384 = await new SignJWT(claims).setProtectedHeader({ alg: "ES384", kid, typ: "JWT" }).sign(p384.privateKey);
    await expectRejected(v.verify(es384, webhook.raw), "unsupported_alg");
    const [, payload, signature] = webhook.header.split(".");
    await expectRejected(v.verify(`${segment({ alg: "es256", kid, typ: "JWT" })}.${payload}.${signature}`, webhook.raw), "unsupported_alg");
    expect(fetch.calls).toEqual([]);
  });
});

describe("the key id", () => {
  it("must be a non-empty string of reasonable length", async () => {
    const webhook = await fireWebhook();
    const { verifier: v, fetch } = verifier();
    const { privateKey } = await ownEs256Key();
    const claims = { iat: nowSeconds(), request_body_sha256: sha256Hex(webhook.raw) };
    const headers: Record<string, unknown>[] = [{}, { kid: "" }, { kid: 42 }, { kid: null }, { kid: "k".repeat(129) }];
    for (const extra of headers) {
      const jwt = await new SignJWT(claims).setProtectedHeader({ alg: "ES256", typ: "JWT", ...extra } as { alg: string }).sign(privateKey);
      await expectRejected(v.verify(jwt, webhook.raw), "missing_kid");
    }
    expect(fetch.calls).toEqual([]);
  });

  /** A verifier on a manual clock, and a webhook signed with a key of this test's own: Plaid never issued its kid. */
  async function unknownKidWebhook(options: Partial<PlaidWebhookVerifierOptions> = {}) {
    const clock = manualClock();
    const { verifier: v, fetch } = verifier({ now: clock.now, ...options });
    const { kid, sign } = await injectedKey();
    const body = Buffer.from(JSON.stringify({ webhook_type: "ITEM", webhook_code: "ERROR" }, null, 2));
    const jwt = await sign({ iat: nowSeconds(), request_body_sha256: sha256Hex(body) });
    const verify = () => v.verify(jwt, body);
    const fetches = () => fetch.callsFor(kid);
    /** Moves the clock on by `seconds`, is refused again, and says how often the key has been fetched by then. */
    const fetchesAfter = async (seconds: number) => {
      clock.advance(seconds);
      await expectRejected(verify(), "unknown_key");
      return fetches();
    };
    return { kid, verify, fetches, fetchesAfter };
  }

  it("that Plaid does not know is refused, and 20 verifications of it make one key fetch", async () => {
    const { kid, verify, fetches, fetchesAfter } = await unknownKidWebhook();
    const before = h.callsTo(KEY_PATH).length;

    const concurrent = await Promise.all(Array.from({ length: 10 }, () => rejection(verify())));
    for (let i = 0; i < 10; i++) concurrent.push(await rejection(verify()));

    expect(concurrent).toHaveLength(20);
    expect(concurrent.every((e) => e.reason === "unknown_key")).toBe(true);
    expect(fetches()).toBe(1);
    const plaidCalls = h.callsTo(KEY_PATH).slice(before);
    expect(plaidCalls).toHaveLength(1);
    expect(plaidCalls[0]).toMatchObject({ status: 400, request: { key_id: kid } });

    // Still remembered 59 s later; fetched again once the default minute is over.
    expect(await fetchesAfter(59)).toBe(1);
    expect(await fetchesAfter(2)).toBe(2);
  });

  it("remembers unknown kids for unknownKidTtlSeconds", async () => {
    const { fetchesAfter } = await unknownKidWebhook({ unknownKidTtlSeconds: 5 });
    expect(await fetchesAfter(0)).toBe(1);
    expect(await fetchesAfter(4)).toBe(1);
    expect(await fetchesAfter(2)).toBe(2);
  });
});

describe("key fetch failures", () => {
  it("are key_fetch_failed and not cached when Plaid cannot be reached", async () => {
    const webhook = await fireWebhook();
    const port = await closedPort();
    const unreachable = new PlaidDataSource(createPlaidApi({ env: "sandbox", clientId: h.clientId, secret: h.secret, basePath: `http://127.0.0.1:${port}` }), logger);
    const fetch = countingFetch(unreachable);
    const v = new PlaidWebhookVerifier({ fetchKey: fetch.fetchKey });

    const first = await expectRejected(v.verify(webhook.header, webhook.raw), "key_fetch_failed");
    await expectRejected(v.verify(webhook.header, webhook.raw), "key_fetch_failed");

    expect(fetch.calls).toHaveLength(2);
    expect(first.cause).toBeDefined();
  });

  it("are not cached when Plaid answers 500: the next webhook fetches again and verifies", async () => {
    const webhook = await fireWebhook();
    const { verifier: v, fetch } = verifier();
    await h.control("POST", "/faults", { path: KEY_PATH, status: 500, count: 3 });

    await expectRejected(v.verify(webhook.header, webhook.raw), "key_fetch_failed");
    await expect(v.verify(webhook.header, webhook.raw)).resolves.toMatchObject({ bodySha256: sha256Hex(webhook.raw) });
    expect(fetch.calls).toHaveLength(2);
  });

  it("only accept EC P-256 keys for ES256, served under the kid asked for", async () => {
    const body = Buffer.from("{}");
    const own = await injectedKey();
    const jwt = await own.sign({ iat: nowSeconds(), request_body_sha256: sha256Hex(body) });
    const served: WebhookVerificationKey[] = [
      { ...own.key, crv: "P-384" },
      { ...own.key, alg: "ES384" },
      { ...own.key, kty: "RSA" },
      { ...own.key, use: "enc" },
      { ...own.key, kid: randomUUID() },
    ];
    for (const key of served) {
      let calls = 0;
      const v = new PlaidWebhookVerifier({ fetchKey: async () => (calls++, key) });
      await expectRejected(v.verify(jwt, body), "key_fetch_failed");
      await expectRejected(v.verify(jwt, body), "key_fetch_failed");
      expect(calls).toBe(2);
    }
    await expect(new PlaidWebhookVerifier({ fetchKey: own.fetchKey }).verify(jwt, body)).resolves.toMatchObject({ kid: own.kid });
  });
});

describe("key rotation", () => {
  it("refuses webhooks signed by a key rotated out with expire_current, and verifies the new key's", async () => {
    const beforeRotation = await fireWebhook();
    const oldKid = decodeProtectedHeader(beforeRotation.header).kid as string;
    const rotated = await h.control("POST", "/keys/rotate", { expire_current: true });
    expect(rotated.body.previous_key_id).toBe(oldKid);

    await h.control("POST", "/webhooks/faults", { mode: "expired_key" });
    const signedByOldKey = await fireWebhook();
    expect(decodeProtectedHeader(signedByOldKey.header).kid).toBe(oldKid);
    const signedByNewKey = await fireWebhook();
    expect(decodeProtectedHeader(signedByNewKey.header).kid).toBe(rotated.body.key_id);

    const { verifier: v, fetch } = verifier();
    await expectRejected(v.verify(signedByOldKey.header, signedByOldKey.raw), "expired_key");
    await expectRejected(v.verify(beforeRotation.header, beforeRotation.raw), "expired_key");
    await expect(v.verify(signedByNewKey.header, signedByNewKey.raw)).resolves.toMatchObject({ kid: rotated.body.key_id });
    // An expired key is final: it is remembered, not fetched again.
    await expectRejected(v.verify(signedByOldKey.header, signedByOldKey.raw), "expired_key");
    expect(fetch.callsFor(oldKid)).toBe(1);
  });

  it("refetches a cached key after the refresh interval, so a key retired since is refused", async () => {
    const clock = manualClock();
    const { verifier: v, fetch } = verifier({ now: clock.now });
    const first = await fireWebhook();
    const kid = decodeProtectedHeader(first.header).kid as string;
    await v.verify(first.header, first.raw);

    // Eleven minutes later, on both clocks, Plaid has retired the key and a webhook signed by it arrives.
    await h.control("POST", "/clock", { offset_seconds: 660 });
    clock.advance(660);
    await h.control("POST", "/keys/rotate", { expire_current: true });
    await h.control("POST", "/webhooks/faults", { mode: "expired_key" });
    const late = await fireWebhook();
    expect(decodeProtectedHeader(late.header).kid).toBe(kid);

    await expectRejected(v.verify(late.header, late.raw), "expired_key");
    expect(fetch.callsFor(kid)).toBe(2);
  });

  it("by default stops accepting a key Plaid has expired within a minute, with one refetch for concurrent webhooks", async () => {
    const clock = manualClock();
    const { verifier: v, fetch } = verifier({ now: clock.now });
    const webhook = await fireWebhook();
    const kid = decodeProtectedHeader(webhook.header).kid as string;
    await v.verify(webhook.header, webhook.raw);
    const rotated = await h.control("POST", "/keys/rotate", { expire_current: true });
    expect(rotated.body.previous_key_id).toBe(kid);

    clock.advance(59);
    await expect(v.verify(webhook.header, webhook.raw)).resolves.toMatchObject({ kid });
    expect(fetch.callsFor(kid)).toBe(1);

    clock.advance(1);
    const before = h.callsTo(KEY_PATH).length;
    const refused = await Promise.all(Array.from({ length: 10 }, () => rejection(v.verify(webhook.header, webhook.raw))));
    expect(refused.map((e) => e.reason)).toEqual(Array(10).fill("expired_key"));
    expect(fetch.callsFor(kid)).toBe(2);
    expect(h.callsTo(KEY_PATH).slice(before)).toMatchObject([{ status: 200, request: { key_id: kid } }]);
  });

  it("by default re-checks a key in use with Plaid once a minute, not once a webhook", async () => {
    const clock = manualClock();
    const { verifier: v, fetch } = verifier({ now: clock.now });
    const webhook = await fireWebhook();
    const kid = decodeProtectedHeader(webhook.header).kid as string;
    // A webhook every 10 s for three minutes: fetched at 0, 60, 120 and 180 s.
    for (let second = 0; second <= 180; second += 10) {
      await v.verify(webhook.header, webhook.raw);
      clock.advance(10);
    }
    expect(fetch.callsFor(kid)).toBe(4);
  });

  it("uses a cached active key without fetching it again within the refresh interval", async () => {
    const clock = manualClock();
    const { verifier: v, fetch } = verifier({ now: clock.now, keyRefreshSeconds: 600 });
    const webhook = await fireWebhook();
    await v.verify(webhook.header, webhook.raw);
    clock.advance(299);
    await v.verify(webhook.header, webhook.raw);
    expect(fetch.calls).toHaveLength(1);
  });

  it("fails closed when the refetch of a cached key fails, and recovers once Plaid answers", async () => {
    const clock = manualClock();
    const webhook = await fireWebhook();
    const kid = decodeProtectedHeader(webhook.header).kid as string;
    let reachable = true;
    const v = new PlaidWebhookVerifier({
      now: clock.now,
      keyRefreshSeconds: 60,
      fetchKey: async (k) => {
        if (!reachable) throw new Error("connect ECONNREFUSED");
        return plaid.getWebhookVerificationKey(k);
      },
    });
    await v.verify(webhook.header, webhook.raw);
    reachable = false;
    clock.advance(61);
    await expectRejected(v.verify(webhook.header, webhook.raw), "key_fetch_failed");
    reachable = true;
    await expect(v.verify(webhook.header, webhook.raw)).resolves.toMatchObject({ kid });
  });
});

describe("freshness", () => {
  it("refuses a webhook whose iat is 6 minutes old (simulator stale_iat)", async () => {
    await h.control("POST", "/webhooks/faults", { mode: "stale_iat", iat_offset_seconds: -360 });
    const webhook = await fireWebhook();
    const { verifier: v } = verifier();
    await expectRejected(v.verify(webhook.header, webhook.raw), "stale_iat");
  });

  it("accepts iat up to maxAgeSeconds old and refuses 301 s", async () => {
    const webhook = await fireWebhook();
    const iat = (await new PlaidWebhookVerifier({ fetchKey: countingFetch().fetchKey }).verify(webhook.header, webhook.raw)).issuedAt.getTime();
    const at = (seconds: number) => new PlaidWebhookVerifier({ fetchKey: countingFetch().fetchKey, now: () => new Date(iat + seconds * 1000) });
    await expect(at(300).verify(webhook.header, webhook.raw)).resolves.toBeDefined();
    await expectRejected(at(301).verify(webhook.header, webhook.raw), "stale_iat");
    await expectRejected(at(360).verify(webhook.header, webhook.raw), "stale_iat");
    const strict = new PlaidWebhookVerifier({ fetchKey: countingFetch().fetchKey, maxAgeSeconds: 30, now: () => new Date(iat + 31_000) });
    await expectRejected(strict.verify(webhook.header, webhook.raw), "stale_iat");
  });

  it("refuses an iat further in the future than the clock skew allowance", async () => {
    await h.control("POST", "/webhooks/faults", { mode: "stale_iat", iat_offset_seconds: 120 });
    const ahead = await fireWebhook();
    const { verifier: v } = verifier();
    await expectRejected(v.verify(ahead.header, ahead.raw), "future_iat");

    const webhook = await fireWebhook();
    const iat = (await v.verify(webhook.header, webhook.raw)).issuedAt.getTime();
    const at = (seconds: number) => new PlaidWebhookVerifier({ fetchKey: countingFetch().fetchKey, now: () => new Date(iat + seconds * 1000) });
    await expect(at(-60).verify(webhook.header, webhook.raw)).resolves.toBeDefined();
    await expectRejected(at(-61).verify(webhook.header, webhook.raw), "future_iat");
  });

  it("requires iat to be a number", async () => {
    const body = Buffer.from("{}");
    const own = await injectedKey();
    const v = new PlaidWebhookVerifier({ fetchKey: own.fetchKey });
    for (const iat of [undefined, String(nowSeconds()), null]) {
      const jwt = await own.sign({ iat, request_body_sha256: sha256Hex(body) } as unknown as JWTPayload);
      await expectRejected(v.verify(jwt, body), "malformed_jwt");
    }
  });
});

describe("the body hash", () => {
  it("refuses a body with one byte changed", async () => {
    const webhook = await fireWebhook();
    const { verifier: v } = verifier();
    const changed = Buffer.from(webhook.raw);
    const at = changed.indexOf("ITEM_LOGIN_REQUIRED");
    changed[at] = "J".charCodeAt(0);
    await expectRejected(v.verify(webhook.header, changed), "body_hash_mismatch");
    const flipped = Buffer.from(webhook.raw);
    flipped[flipped.length - 1] ^= 0x01;
    await expectRejected(v.verify(webhook.header, flipped), "body_hash_mismatch");
    await expect(v.verify(webhook.header, webhook.raw)).resolves.toBeDefined();
  });

  it("refuses the same JSON re-serialized (the raw bytes are what Plaid hashed)", async () => {
    const webhook = await fireWebhook();
    const { verifier: v } = verifier();
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(webhook.raw.toString("utf8"))));
    expect(reserialized.equals(webhook.raw)).toBe(false);
    await expectRejected(v.verify(webhook.header, reserialized), "body_hash_mismatch");
    await expectRejected(v.verify(webhook.header, Buffer.concat([webhook.raw, Buffer.from("\n")])), "body_hash_mismatch");
    await expectRejected(v.verify(webhook.header, Buffer.alloc(0)), "body_hash_mismatch");
  });

  it("refuses a body changed after signing (simulator tamper)", async () => {
    await h.control("POST", "/webhooks/faults", { mode: "tamper" });
    const webhook = await fireWebhook();
    const { verifier: v } = verifier();
    await expectRejected(v.verify(webhook.header, webhook.raw), "body_hash_mismatch");
  });

  it("requires request_body_sha256 to be 64 lower-case hex characters", async () => {
    const body = Buffer.from('{\n  "webhook_type": "ITEM"\n}');
    const own = await injectedKey();
    const v = new PlaidWebhookVerifier({ fetchKey: own.fetchKey });
    const hash = sha256Hex(body);
    for (const value of [undefined, "", hash.toUpperCase(), hash.slice(0, 63), `${hash}0`, 42, `${hash.slice(0, 62)}zz`]) {
      const jwt = await own.sign({ iat: nowSeconds(), request_body_sha256: value } as unknown as JWTPayload);
      await expectRejected(v.verify(jwt, body), "missing_body_hash");
    }
    const good = await own.sign({ iat: nowSeconds(), request_body_sha256: hash });
    await expect(v.verify(good, body)).resolves.toMatchObject({ bodySha256: hash });
  });
});

describe("signatures", () => {
  it("refuses Plaid's header and claims re-signed with another P-256 key under Plaid's kid", async () => {
    const webhook = await fireWebhook();
    const { verifier: v } = verifier();
    const [headerSegment, payloadSegment] = webhook.header.split(".");
    const { privateKey } = await ownEs256Key();
    const header = decodeProtectedHeader(webhook.header);
    const forged = await new SignJWT(JSON.parse(Buffer.from(base64url.decode(payloadSegment!)).toString("utf8"))).setProtectedHeader(header as { alg: string }).sign(privateKey);
    expect(forged.split(".")[0]).toBe(headerSegment);
    expect(forged.split(".")[1]).toBe(payloadSegment);
    await expectRejected(v.verify(forged, webhook.raw), "bad_signature");
  });

  it("refuses Plaid's signature over different claims or with bits flipped", async () => {
    const webhook = await fireWebhook();
    const { verifier: v } = verifier();
    const [headerSegment, , signature] = webhook.header.split(".");
    const forgedBody = Buffer.from('{\n  "webhook_type": "ITEM",\n  "webhook_code": "LOGIN_REPAIRED"\n}');
    const swapped = `${headerSegment}.${segment({ iat: nowSeconds(), request_body_sha256: sha256Hex(forgedBody) })}.${signature}`;
    await expectRejected(v.verify(swapped, forgedBody), "bad_signature");

    const sigBytes = base64url.decode(signature!);
    sigBytes[10] ^= 0x01;
    await expectRejected(v.verify(`${headerSegment}.${webhook.header.split(".")[1]}.${base64url.encode(sigBytes)}`, webhook.raw), "bad_signature");
    await expectRejected(v.verify(`${headerSegment}.${webhook.header.split(".")[1]}.`, webhook.raw), "bad_signature");
  });
});

describe("the signature's encoding", () => {
  it("refuses Plaid's signature written other than as 86 base64url characters, though it decodes to the same bytes", async () => {
    const webhook = await fireWebhook();
    const { verifier: v } = verifier();
    const [headerSegment, payloadSegment, signature] = webhook.header.split(".") as [string, string, string];
    await v.verify(webhook.header, webhook.raw);
    const standardBase64 = Buffer.from(signature, "base64url").toString("base64");
    for (const written of [`${signature}==`, `${signature.slice(0, 40)} ${signature.slice(40)}`, standardBase64, `${signature}A`]) {
      await expectRejected(v.verify(`${headerSegment}.${payloadSegment}.${written}`, webhook.raw), "bad_signature");
    }
  });

  it("refuses a token that names critical JWS extensions (crit), even signed with the served key", async () => {
    const { kid, privateKey, sign, fetchKey } = await injectedKey();
    const v = new PlaidWebhookVerifier({ fetchKey });
    const body = Buffer.from(JSON.stringify({ webhook_type: "ITEM", webhook_code: "ERROR" }, null, 2));
    const claims = { iat: nowSeconds(), request_body_sha256: sha256Hex(body) };
    await v.verify(await sign(claims), body);
    // jose will not sign an extension it does not know, so this header is signed directly.
    const signingInput = `${segment({ alg: "ES256", kid, typ: "JWT", crit: ["x-extension"], "x-extension": true })}.${segment(claims)}`;
    const signature = signBytes("sha256", Buffer.from(signingInput), { key: KeyObject.from(privateKey), dsaEncoding: "ieee-p1363" }).toString("base64url");
    await expectRejected(v.verify(`${signingInput}.${signature}`, body), "bad_signature");
  });
});

describe("rejection messages", () => {
  it("contain neither the JWT, nor the body, nor the key", async () => {
    const webhook = await fireWebhook();
    const kid = decodeProtectedHeader(webhook.header).kid as string;
    const key = await plaid.getWebhookVerificationKey(kid);
    const bodyText = webhook.raw.toString("utf8");
    const segments = webhook.header.split(".");
    const { verifier: v } = verifier();
    const changed = Buffer.from(webhook.raw);
    changed[0] = " ".charCodeAt(0);
    const [, payload, signature] = segments;
    const errors = [
      await rejection(v.verify(webhook.header, changed)),
      await rejection(v.verify(`${segment({ alg: "ES256", kid: randomUUID(), typ: "JWT" })}.${payload}.${signature}`, webhook.raw)),
      await rejection(v.verify(`${segments[0]}.${payload}.${signature!.slice(0, -4)}AAAA`, webhook.raw)),
      await rejection(v.verify(`garbage.${payload}.${signature}`, webhook.raw)),
      await rejection(v.verify(`${segment({ alg: "HS256", kid })}.${payload}.${signature}`, webhook.raw)),
      await rejection(new PlaidWebhookVerifier({ fetchKey: countingFetch().fetchKey, now: () => new Date(Date.now() + 3_600_000) }).verify(webhook.header, webhook.raw)),
      await rejection(
        new PlaidWebhookVerifier({
          fetchKey: async () => {
            throw new Error(`no answer for ${kid} (${webhook.header})`);
          },
        }).verify(webhook.header, webhook.raw),
      ),
    ];
    expect(new Set(errors.map((e) => e.reason)).size).toBe(errors.length);
    const secrets = [webhook.header, ...segments, bodyText, bodyText.slice(0, 40), webhook.itemId, key.x, key.y, kid];
    for (const error of errors) {
      const rendered = [error.message, String(error), JSON.stringify(error), error.stack ?? ""].join("\n");
      for (const secret of secrets) expect(rendered).not.toContain(secret);
    }
  });
});

/** A local port nothing listens on. */
describe("the unknown-kid errors it relies on", () => {
  it("come from Plaid as INVALID_WEBHOOK_VERIFICATION_KEY_ID through the data source", async () => {
    const error = await plaid.getWebhookVerificationKey(randomUUID()).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PlaidApiError);
    expect((error as PlaidApiError).extensions.plaid).toMatchObject({ errorCode: "INVALID_WEBHOOK_VERIFICATION_KEY_ID" });
  });
});
