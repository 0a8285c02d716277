/** ITEM webhook codes the sandboxFireWebhook mutation offers. */
export const SANDBOX_ITEM_WEBHOOK_CODES = [
  "NEW_ACCOUNTS_AVAILABLE",
  "LOGIN_REPAIRED",
  "PENDING_DISCONNECT",
  "PENDING_EXPIRATION",
  "USER_PERMISSION_REVOKED",
  "USER_ACCOUNT_REVOKED",
] as const;
export type SandboxItemWebhookCode = (typeof SANDBOX_ITEM_WEBHOOK_CODES)[number];

/** Codes Plaid's own /sandbox/item/fire_webhook cannot fire; only the simulator can bring them about. */
export const NOT_FIREABLE_IN_PLAID_SANDBOX: ReadonlySet<SandboxItemWebhookCode> = new Set(["PENDING_EXPIRATION"]);
