import { randomUUID } from "node:crypto";
import { openNewBankAccount, sharedAccounts } from "../accounts.js";
import { recordAccountRevoked, recordRevocation } from "../consent-events.js";
import type { SimulatorContext } from "../context.js";
import { invalidField, plaidError } from "../errors.js";
import { ENVIRONMENT } from "../ids.js";
import { DAY_MS, breakItem, institutionOf, SANDBOX_LOGIN_LIFETIME_MS } from "../items.js";
import type { SimItem } from "../types.js";
import {
  loginRepairedWebhook,
  newAccountsAvailableWebhook,
  pendingDisconnectWebhook,
  sendItemWebhook,
  userAccountRevokedWebhook,
  userPermissionRevokedWebhook,
} from "../webhook-payloads.js";
import { itemOfRequest, type RouteHandler } from "./route.js";

type Payload = Record<string, unknown>;

interface FireableCode {
  /** The webhook types this code can be fired as; the first is the default. */
  types: readonly string[];
  /** The product the Item needs for each type (none for ITEM webhooks). */
  product?: (type: string) => string | null;
  fire(ctx: SimulatorContext, item: SimItem, type: string): Payload;
}

const productWebhook = (item: SimItem, type: string, code: string, fields: Payload): Payload => ({
  webhook_type: type,
  webhook_code: code,
  item_id: item.item_id,
  ...(item.user_id ? { user_id: item.user_id } : {}),
  ...fields,
  environment: ENVIRONMENT,
});

/** Opens an account at the bank unless an unshared one is already waiting to be selected. */
function ensureNewAccount(item: SimItem): void {
  if (item.bank_accounts.some((a) => !item.shared_account_ids.includes(a.account_id))) return;
  item.bank_accounts.push(openNewBankAccount(item, institutionOf(item).currency));
}

const DEFAULT_UPDATE_PRODUCTS: Record<string, string> = {
  TRANSACTIONS: "transactions",
  HOLDINGS: "investments",
  INVESTMENTS_TRANSACTIONS: "investments",
  LIABILITIES: "liabilities",
};

/** What each /sandbox/item/fire_webhook code sends and how it changes the Item, as it would at Plaid. */
const FIREABLE: Record<string, FireableCode> = {
  NEW_ACCOUNTS_AVAILABLE: {
    types: ["ITEM"],
    fire: (_ctx, item) => {
      ensureNewAccount(item);
      return newAccountsAvailableWebhook(item);
    },
  },
  LOGIN_REPAIRED: {
    types: ["ITEM"],
    // Repaired outside this app: the login error clears without an update-mode session here.
    fire: (ctx, item) => {
      if (item.error?.code === "ITEM_LOGIN_REQUIRED") item.error = null;
      item.login_valid_until_ms = ctx.clock.nowMs() + SANDBOX_LOGIN_LIFETIME_MS;
      item.pending_disconnect = null;
      return loginRepairedWebhook(item);
    },
  },
  PENDING_DISCONNECT: {
    types: ["ITEM"],
    fire: (ctx, item) => {
      const reason = institutionOf(item).oauth ? "INSTITUTION_TOKEN_EXPIRATION" : "INSTITUTION_MIGRATION";
      item.pending_disconnect = { reason, disconnect_ms: ctx.clock.nowMs() + 7 * DAY_MS };
      return pendingDisconnectWebhook(item, reason, item.pending_disconnect.disconnect_ms);
    },
  },
  USER_PERMISSION_REVOKED: {
    types: ["ITEM"],
    fire: (ctx, item) => {
      breakItem(item, "USER_PERMISSION_REVOKED", null, ctx.clock.nowMs());
      recordRevocation(ctx, item, "END_USER");
      return userPermissionRevokedWebhook(item);
    },
  },
  USER_ACCOUNT_REVOKED: {
    types: ["ITEM"],
    fire: (ctx, item) => {
      const account = sharedAccounts(item)[0];
      if (!account) throw plaidError("NO_ACCOUNTS");
      item.shared_account_ids = item.shared_account_ids.filter((id) => id !== account.account_id);
      recordAccountRevoked(ctx, item);
      return userAccountRevokedWebhook(item, account.account_id);
    },
  },
  DEFAULT_UPDATE: {
    types: ["TRANSACTIONS", "HOLDINGS", "INVESTMENTS_TRANSACTIONS", "LIABILITIES"],
    product: (type) => DEFAULT_UPDATE_PRODUCTS[type] ?? null,
    fire: (_ctx, item, type) => {
      if (type === "HOLDINGS") return productWebhook(item, type, "DEFAULT_UPDATE", { error: null, new_holdings: 0, updated_holdings: 0 });
      if (type === "INVESTMENTS_TRANSACTIONS") {
        return productWebhook(item, type, "DEFAULT_UPDATE", { error: null, new_investments_transactions: 0, cancelled_investments_transactions: 0 });
      }
      if (type === "LIABILITIES") {
        return productWebhook(item, type, "DEFAULT_UPDATE", { error: null, account_ids_with_new_liabilities: [], account_ids_with_updated_liabilities: {} });
      }
      return productWebhook(item, type, "DEFAULT_UPDATE", { error: null, new_transactions: 0 });
    },
  },
  SYNC_UPDATES_AVAILABLE: {
    types: ["TRANSACTIONS"],
    product: () => "transactions",
    fire: (_ctx, item, type) => productWebhook(item, type, "SYNC_UPDATES_AVAILABLE", { initial_update_complete: true, historical_update_complete: true }),
  },
  RECURRING_TRANSACTIONS_UPDATE: {
    types: ["TRANSACTIONS"],
    product: () => "transactions",
    fire: (_ctx, item, type) => productWebhook(item, type, "RECURRING_TRANSACTIONS_UPDATE", { account_ids: [...item.shared_account_ids] }),
  },
  SMS_MICRODEPOSITS_VERIFICATION: {
    types: ["AUTH"],
    product: () => "auth",
    fire: (_ctx, item, type) => productWebhook(item, type, "SMS_MICRODEPOSITS_VERIFICATION", { status: "MANUALLY_VERIFIED", account_id: item.shared_account_ids[0] ?? null }),
  },
  PRODUCT_READY: {
    types: ["ASSETS"],
    product: () => "assets",
    fire: (_ctx, item, type) => productWebhook(item, type, "PRODUCT_READY", { asset_report_id: randomUUID(), report_type: "FULL" }),
  },
  ERROR: {
    // On this endpoint ERROR is the Assets error webhook; ITEM/ERROR comes from /sandbox/item/reset_login.
    types: ["ASSETS"],
    product: () => "assets",
    fire: (_ctx, item, type) =>
      productWebhook(item, type, "ERROR", {
        asset_report_id: randomUUID(),
        error: { display_message: null, error_code: "PRODUCT_NOT_READY", error_message: "the requested product is not yet ready", error_type: "ASSET_REPORT_ERROR", status: 400 },
      }),
  },
  AUTHORIZATION_GRANTED: {
    types: ["ITEM"],
    fire: (_ctx, item, type) => productWebhook(item, type, "AUTHORIZATION_GRANTED", {}),
  },
};

/** /sandbox/item/fire_webhook: fires the requested webhook to the Item's URL and applies its effect on the Item. */
export const fireWebhook: RouteHandler = (ctx, req) => {
  const item = itemOfRequest(ctx, req);
  const code = req.body.webhook_code as string;
  const spec = FIREABLE[code]!;
  const type = (req.body.webhook_type as string | undefined) ?? spec.types[0]!;
  if (!spec.types.includes(type)) throw invalidField(`webhook_code ${code} cannot be fired with webhook_type ${type}; valid webhook_type values: ${spec.types.join(", ")}`);
  if (!item.webhook) throw plaidError("SANDBOX_WEBHOOK_INVALID");
  const product = spec.product?.(type) ?? null;
  if (product && !item.products.includes(product)) {
    throw plaidError("SANDBOX_PRODUCT_NOT_ENABLED", { message: `The ${product} product is not enabled on this item` });
  }
  sendItemWebhook(ctx, item, spec.fire(ctx, item, type));
  return { body: { webhook_fired: true } };
};
