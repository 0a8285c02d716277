import type { PlaidError } from "plaid";
import { ITEM_WEBHOOK_CODES, type ItemWebhook, type ItemWebhookCode } from "../../domain/item-webhooks.js";
import { mapPlaidError } from "./plaid-mapping.js";

/** The fields every Plaid webhook carries, and the ITEM webhook it is when it is one the gateway acts on. */
export interface WebhookEnvelope {
  webhookType: string;
  webhookCode: string;
  itemId: string | null;
  /** Set for ITEM webhooks with a known code; null for everything that is only recorded. */
  item: ItemWebhook | null;
}

/** The body is not a Plaid webhook at all (not a JSON object, or no type and code). */
export class MalformedWebhookError extends Error {}

const str = (value: unknown): string | null => (typeof value === "string" && value.length > 0 ? value : null);
const date = (value: unknown): Date | null => {
  const text = str(value);
  if (!text) return null;
  const parsed = new Date(text);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
};

/** Reads a verified webhook body. Unknown fields are ignored, as Plaid may add them at any time. */
export function parseWebhook(body: unknown): WebhookEnvelope {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new MalformedWebhookError("webhook body is not a JSON object");
  const fields = body as Record<string, unknown>;
  const webhookType = str(fields.webhook_type);
  const webhookCode = str(fields.webhook_code);
  if (!webhookType || !webhookCode) throw new MalformedWebhookError("webhook has no webhook_type or webhook_code");
  const itemId = str(fields.item_id);
  const envelope = { webhookType, webhookCode, itemId };
  if (webhookType !== "ITEM" || !itemId || !(ITEM_WEBHOOK_CODES as readonly string[]).includes(webhookCode)) return { ...envelope, item: null };
  return { ...envelope, item: itemWebhook(webhookCode as ItemWebhookCode, fields) };
}

function itemWebhook(code: ItemWebhookCode, fields: Record<string, unknown>): ItemWebhook {
  const error = isPlaidError(fields.error) ? mapPlaidError(fields.error) : null;
  switch (code) {
    case "ERROR":
      return { code, error };
    case "USER_PERMISSION_REVOKED":
      return { code, error };
    case "PENDING_EXPIRATION":
      return { code, consentExpiresAt: date(fields.consent_expiration_time) };
    case "PENDING_DISCONNECT":
      return { code, reason: str(fields.reason), disconnectAt: date(fields.disconnect_time) };
    case "USER_ACCOUNT_REVOKED":
      return { code, accountId: str(fields.account_id) };
    case "WEBHOOK_UPDATE_ACKNOWLEDGED":
      return { code, newWebhookUrl: str(fields.new_webhook_url) };
    case "LOGIN_REPAIRED":
    case "NEW_ACCOUNTS_AVAILABLE":
      return { code };
  }
}

function isPlaidError(value: unknown): value is PlaidError {
  if (typeof value !== "object" || value === null) return false;
  const error = value as Record<string, unknown>;
  return typeof error.error_code === "string" && typeof error.error_type === "string";
}
