/** What the webhook ingestion suites share: real signed webhooks captured and replayed, and what the gateway kept of them. */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { importJWK, SignJWT, type JWK } from "jose";
import { expect } from "vitest";
import type { ItemEvent } from "../../src/domain/item-event.js";
import { accessTokenOf, type TestGateway } from "../support/gateway-harness.js";
import { waitUntil } from "../support/wait-until.js";
import type { WebhookReceiver } from "../simulator/support.js";

export const sha256Hex = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");

/** A webhook exactly as Plaid (the simulator) sent it: the body bytes and its Plaid-Verification header. */
export interface CapturedWebhook {
  body: Buffer;
  header: string;
  json: Record<string, unknown>;
}

export interface Delivery {
  id: number;
  url: string;
  webhook_type: string;
  webhook_code: string;
  item_id: string | null;
  state: string;
  duplicate_of: number | null;
  faults: string[];
  attempts: Array<{ attempt: number; planned_delay_ms: number; status: number | null; error: string | null }>;
}

/** Every webhook delivery the simulator made or plans. */
export async function deliveries(harness: TestGateway): Promise<Delivery[]> {
  const response = await fetch(`${harness.simulatorUrl}/simulator/webhooks/deliveries`);
  return ((await response.json()) as { deliveries: Delivery[] }).deliveries;
}

/** The gateway's webhook endpoint. */
export const webhookUrl = (harness: TestGateway) => `${harness.gateway.url}/webhooks/plaid`;

/** POSTs bytes to the gateway's webhook endpoint as Plaid would (JSON, Plaid-Verification when given). */
export async function postWebhook(
  harness: TestGateway,
  body: Buffer | string,
  options: { header?: string; contentType?: string; method?: string } = {},
): Promise<{ status: number; body: string; headers: Headers }> {
  const headers: Record<string, string> = { "content-type": options.contentType ?? "application/json" };
  if (options.header !== undefined) headers["plaid-verification"] = options.header;
  const response = await fetch(webhookUrl(harness), { method: options.method ?? "POST", headers, body: typeof body === "string" ? body : new Uint8Array(body) });
  return { status: response.status, body: await response.text(), headers: response.headers };
}

/**
 * The Plaid-Verification header Plaid (the simulator) would send with these body bytes: an ES256 JWT signed
 * with the key it currently serves, read from its state in the gateway's DATA_DIR.
 */
export async function signAsPlaid(dataDir: string, body: string): Promise<string> {
  const state = JSON.parse(readFileSync(path.join(dataDir, "simulator-state.json"), "utf8")) as {
    current_key_id: string;
    signing_keys: Array<{ kid: string; private_jwk: JWK }>;
  };
  const key = state.signing_keys.find((candidate) => candidate.kid === state.current_key_id);
  if (!key) throw new Error("the simulator has no current signing key");
  return new SignJWT({ iat: Math.floor(Date.now() / 1000), request_body_sha256: sha256Hex(body) })
    .setProtectedHeader({ alg: "ES256", kid: key.kid, typ: "JWT" })
    .sign(await importJWK(key.private_jwk, "ES256"));
}

/** Points the Item's webhooks at the receiver (/item/webhook/update) and waits for Plaid's acknowledgement there. */
export async function redirectWebhooks(harness: TestGateway, receiver: WebhookReceiver, itemId: string): Promise<void> {
  const updated = await harness.plaid("/item/webhook/update", { access_token: accessTokenOf(harness, itemId), webhook: receiver.url });
  expect(updated.status).toBe(200);
  await received(receiver, itemId, "WEBHOOK_UPDATE_ACKNOWLEDGED");
}

/** Waits for the n-th (0-based, default first) webhook with this Item and code at the receiver. */
async function received(receiver: WebhookReceiver, itemId: string, code: string, nth = 0): Promise<CapturedWebhook> {
  const found = await waitUntil(() => receiver.received.filter((w) => w.json.item_id === itemId && w.json.webhook_code === code)[nth], {
    what: `${code} webhook #${nth + 1} for ${itemId} at the receiver`,
  });
  const header = found.headers["plaid-verification"];
  if (typeof header !== "string") throw new Error("webhook arrived without Plaid-Verification");
  return { body: Buffer.from(found.rawBody, "utf8"), header, json: found.json };
}

/** Has Plaid send one more webhook with this code for the Item (`trigger`) and returns it as the receiver got it. */
async function captureWebhook(receiver: WebhookReceiver, itemId: string, code: string, trigger: () => Promise<unknown>): Promise<CapturedWebhook> {
  const nth = receiver.received.filter((w) => w.json.item_id === itemId && w.json.webhook_code === code).length;
  await trigger();
  return received(receiver, itemId, code, nth);
}

/**
 * Five webhooks Plaid sends for the Item, as the receiver got them: four PENDING_EXPIRATION (each with
 * another expiry) and one NEW_ACCOUNTS_AVAILABLE. Each changes the Item whatever the order they arrive
 * in, and none is confirmed with /item/get. The Item must already point at the receiver.
 */
export async function captureItemWebhooks(harness: TestGateway, receiver: WebhookReceiver, itemId: string): Promise<CapturedWebhook[]> {
  const captured: CapturedWebhook[] = [];
  for (const days of [7, 6, 5, 4]) {
    captured.push(await captureWebhook(receiver, itemId, "PENDING_EXPIRATION", () => harness.control(`/simulator/items/${itemId}/consent-expiring`, { days })));
  }
  captured.push(await captureWebhook(receiver, itemId, "NEW_ACCOUNTS_AVAILABLE", () => harness.control(`/simulator/items/${itemId}/new-accounts`, { count: 1 })));
  return captured;
}

/**
 * Has Plaid break the Item's login (/sandbox/item/reset_login, straight at the simulator) and returns the
 * ITEM/ERROR webhook it sent to the receiver. The Item must already point at the receiver.
 */
export async function captureLoginError(harness: TestGateway, receiver: WebhookReceiver, itemId: string): Promise<CapturedWebhook> {
  const nth = receiver.received.filter((w) => w.json.item_id === itemId && w.json.webhook_code === "ERROR").length;
  const reset = await harness.plaid("/sandbox/item/reset_login", { access_token: accessTokenOf(harness, itemId) });
  expect(reset.status).toBe(200);
  return received(receiver, itemId, "ERROR", nth);
}

export interface ReceiptRow {
  body_sha256: string;
  item_id: string | null;
  webhook_type: string;
  webhook_code: string;
  outcome: string;
}

/** Receipts the gateway stored, all or one Item's. */
export async function receipts(harness: TestGateway, itemId?: string): Promise<ReceiptRow[]> {
  return harness.gateway.store.db.query<ReceiptRow>(
    "SELECT body_sha256, item_id, webhook_type, webhook_code, outcome FROM webhook_receipts WHERE ($1::text IS NULL OR item_id = $1) ORDER BY received_at, body_sha256",
    [itemId ?? null],
  );
}

/** The Item's event log, oldest first. */
export async function eventsOf(harness: TestGateway, itemId: string): Promise<ItemEvent[]> {
  return (await harness.gateway.store.events.listForItem(itemId, 100)).reverse();
}

/** The owner's internal user id (what the event bus is keyed by). */
export async function ownerOf(harness: TestGateway, itemId: string): Promise<string> {
  const stored = await harness.gateway.store.items.findById(itemId);
  if (!stored) throw new Error(`the gateway does not know ${itemId}`);
  return stored.snapshot.userId;
}

/** Subscribes to the gateway's event bus for one user (null: every Item, as an admin) and records everything published. */
export function listenToBus(harness: TestGateway, userId: string | null) {
  const events: ItemEvent[] = [];
  const unsubscribe = harness.gateway.events.subscribe(userId, (event) => events.push(event));
  return { events, unsubscribe };
}

/** One parsed log line: pino's fields and whatever the line was logged with. */
export type LogEntry = Record<string, unknown>;

/** The captured log as parsed JSON lines. */
export function logEntries(harness: TestGateway, since = 0): LogEntry[] {
  return harness.logs.slice(since).flatMap((line) => {
    try {
      return [JSON.parse(line) as LogEntry];
    } catch {
      return [];
    }
  });
}

/** The Item's fields a user sees, and its history (newest first). */
const ITEM_STATE = /* GraphQL */ `
  query WebhookItemState($id: ID!) {
    item(id: $id) {
      id
      status
      error {
        errorType
        errorCode
      }
      recommendedAction
      newAccountsAvailable
      consentExpiresAt
      disconnectAt
      disconnectReason
      revokedAccountIds
      history(first: 20) {
        edges {
          node {
            previousStatus
            status
            cause
          }
        }
      }
    }
  }
`;

export interface ItemState {
  id: string;
  status: string;
  error: { errorType: string; errorCode: string } | null;
  recommendedAction: string;
  newAccountsAvailable: boolean;
  consentExpiresAt: string | null;
  disconnectAt: string | null;
  disconnectReason: string | null;
  revokedAccountIds: string[];
  history: { edges: Array<{ node: { previousStatus: string | null; status: string; cause: string } }> };
}

export async function itemState(harness: TestGateway, token: string, itemId: string): Promise<ItemState & { causes: string[] }> {
  const result = await harness.graphql<{ item: ItemState | null }>(ITEM_STATE, { id: itemId }, token);
  expect(result.errors).toBeUndefined();
  const item = result.data!.item!;
  return { ...item, causes: item.history.edges.map((edge) => edge.node.cause) };
}
