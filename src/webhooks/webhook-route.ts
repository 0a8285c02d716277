import { createHash } from "node:crypto";
import express, { type Request, type Response, type Router } from "express";
import type { Logger } from "../logger.js";
import type { IngestResult, WebhookIngestService } from "../services/webhook-ingest.service.js";
import { WebhookRejectedError, type PlaidWebhookVerifier, type WebhookRejectionReason } from "./verify-plaid-webhook.js";

/** Plaid's webhook bodies are a few hundred bytes; anything near this is not one. */
const WEBHOOK_BODY_LIMIT = "64kb";

export type WebhookResult =
  | { accepted: IngestResult }
  | { rejected: WebhookRejectionReason | "not_json" | "empty_body" }
  | { failed: "store_unavailable" | "key_fetch_failed" | "key_fetch_limited" | "internal_error" };

export interface WebhookRouteOptions {
  /** Null only when verification was explicitly turned off for local experiments. */
  verifier: PlaidWebhookVerifier | null;
  ingest: WebhookIngestService;
  logger: Logger;
  /** Told the result of every webhook request (metrics). */
  onResult?: (result: WebhookResult) => void;
}

/** Seconds a webhook refused for want of key-fetch budget should wait: the budget is counted per minute. */
const KEY_FETCH_LIMITED_RETRY_AFTER_SECONDS = 60;

/**
 * POST /webhooks/plaid: the raw body is verified against Plaid-Verification, then taken in. A
 * refusal is 401 with the reason in the log; a store or Plaid key outage, or a new key id arriving
 * while the budget for fetching new key ids is spent, is 503, so Plaid retries.
 */
export function webhookRouter({ verifier, ingest, logger, onResult = () => {} }: WebhookRouteOptions): Router {
  const router = express.Router();
  const log = logger.child({ component: "webhooks" });

  router.post("/webhooks/plaid", express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req: Request, res: Response) => {
    if (!req.is("application/json")) {
      onResult({ rejected: "not_json" });
      res.status(415).json({ error: "webhooks must be application/json" });
      return;
    }
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (body.length === 0) {
      onResult({ rejected: "empty_body" });
      res.status(400).json({ error: "empty body" });
      return;
    }
    let bodySha256: string;
    try {
      bodySha256 = verifier ? (await verifier.verify(req.get("plaid-verification"), body)).bodySha256 : createHash("sha256").update(body).digest("hex");
    } catch (error) {
      if (error instanceof WebhookRejectedError && error.reason === "key_fetch_failed") {
        log.warn({ reason: error.reason }, "webhook not verified: Plaid's verification key could not be fetched; Plaid will retry");
        onResult({ failed: "key_fetch_failed" });
        res.status(503).json({ error: "try again later" });
        return;
      }
      if (error instanceof WebhookRejectedError && error.reason === "key_fetch_limited") {
        // Not a verdict: the kid may be Plaid's new key after a rotation, checked once the minute's budget has
        // room again. 503 with Retry-After says "not now" rather than "forged"; Plaid retries it from 30 s on.
        log.warn({ reason: error.reason, ip: req.ip }, "webhook not verified: too many new verification key ids in the last minute; Plaid will retry");
        onResult({ failed: "key_fetch_limited" });
        res.setHeader("retry-after", String(KEY_FETCH_LIMITED_RETRY_AFTER_SECONDS));
        res.status(503).json({ error: "try again later" });
        return;
      }
      if (!(error instanceof WebhookRejectedError)) {
        // Not a verdict on the webhook but a failure of ours: Plaid retries, and the log says what broke.
        log.error({ err: error }, "webhook verification failed unexpectedly; answering 500 so Plaid retries");
        onResult({ failed: "internal_error" });
        res.status(500).json({ error: "try again later" });
        return;
      }
      const reason = error.reason;
      log.warn({ reason, ip: req.ip }, "webhook rejected");
      onResult({ rejected: reason });
      res.status(401).json({ error: "rejected" });
      return;
    }
    try {
      const result = await ingest.ingest(bodySha256, body);
      onResult({ accepted: result });
      res.status(200).json({ received: true });
    } catch (error) {
      log.error({ err: error }, "webhook not stored; answering 503 so Plaid retries");
      onResult({ failed: "store_unavailable" });
      res.status(503).json({ error: "try again later" });
    }
  });

  router.all("/webhooks/plaid", (_req: Request, res: Response) => {
    res.setHeader("allow", "POST");
    res.status(405).json({ error: "webhooks are POSTed" });
  });

  return router;
}
