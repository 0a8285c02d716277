import { createHash, type webcrypto } from "node:crypto";
import http from "node:http";
import { importJWK, SignJWT, type JWK } from "jose";
import type { SimulatorInfo } from "../peers/simulator.js";
import type { LoadRequest } from "../agents/load.js";
import { wallNow } from "./util.js";

/**
 * Signs webhook bodies as Plaid (and the simulator) does: ES256 JWT in Plaid-Verification with
 * `{alg, kid, typ: "JWT"}` and claims `{iat, request_body_sha256}`, with the key the simulator serves.
 */
export class WebhookSigner {
  private key: webcrypto.CryptoKey | null = null;

  constructor(private readonly info: SimulatorInfo) {}

  async sign(body: string): Promise<string> {
    this.key ??= (await importJWK(this.info.privateJwk as JWK, "ES256")) as webcrypto.CryptoKey;
    const hash = createHash("sha256").update(body, "utf8").digest("hex");
    return new SignJWT({ iat: Math.floor(Date.now() / 1000), request_body_sha256: hash }).setProtectedHeader({ alg: "ES256", kid: this.info.kid, typ: "JWT" }).sign(this.key);
  }

  async request(body: string): Promise<LoadRequest> {
    return { path: "/webhooks/plaid", headers: { "content-type": "application/json", "plaid-verification": await this.sign(body) }, body };
  }
}

let expiryStep = 0;
const EXPIRY_BASE_MS = Math.floor(Date.now() / 1000) * 1000 + 30 * 86_400_000;

/**
 * ITEM PENDING_EXPIRATION as the simulator writes it (2-space JSON). Each carries a consent expiry never
 * used before, so every webhook is new (not a duplicate body), changes the Item and appends an event,
 * and none is confirmed with /item/get afterwards.
 */
export function pendingExpirationBody(itemId: string): string {
  const expiresAt = new Date(EXPIRY_BASE_MS + ++expiryStep * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  return JSON.stringify({ webhook_type: "ITEM", webhook_code: "PENDING_EXPIRATION", item_id: itemId, consent_expiration_time: expiresAt, environment: "sandbox" }, null, 2);
}

export interface WebhookSend {
  /** Epoch ms right before the request was written. */
  sentAt: number;
  /** 0 when no answer came (connection error or 30 s without one). */
  status: number;
  ackMs: number;
}

// A new connection per webhook, as a sender like Plaid's opens them (and no race with the server closing an idle one).
const agent = new http.Agent({ keepAlive: false });

/** POSTs one signed webhook and times its acknowledgement; a failure is a result (status 0), not an exception. */
export function sendWebhook(origin: string, request: LoadRequest): Promise<WebhookSend> {
  const url = new URL(origin);
  return new Promise((resolve) => {
    const sentAt = wallNow();
    const req = http.request(
      { agent, host: url.hostname, port: url.port, method: "POST", path: request.path, headers: { ...request.headers, "content-length": Buffer.byteLength(request.body) } },
      (response) => {
        response.resume();
        response.on("end", () => resolve({ sentAt, status: response.statusCode ?? 0, ackMs: wallNow() - sentAt }));
        response.on("error", () => resolve({ sentAt, status: 0, ackMs: wallNow() - sentAt }));
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error("webhook not acknowledged within 30 s")));
    req.on("error", () => resolve({ sentAt, status: 0, ackMs: wallNow() - sentAt }));
    req.end(request.body);
  });
}
