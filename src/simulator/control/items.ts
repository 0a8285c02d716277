import { openNewBankAccount } from "../accounts.js";
import { consentEventsOf } from "../consent-events.js";
import { sweepItems } from "../item-lifecycle.js";
import { institutionOf, itemErrorObject } from "../items.js";
import type { SimItem } from "../types.js";
import { newAccountsAvailableWebhook, sendItemWebhook } from "../webhook-payloads.js";
import { ControlError } from "../control-error.js";
import { resetLogin } from "../routes/sandbox.js";
import { itemParam, liveItemParam, requirePositiveInteger, type ControlRoute } from "./control-route.js";

/** The Item as its bank sees it: every account, shared with the app or not, and no tokens. */
function bankView(item: SimItem) {
  const { item_id, institution_id, user_id, webhook } = item;
  const accounts = item.bank_accounts.map((a) => ({ ...a, shared: item.shared_account_ids.includes(a.account_id) }));
  return { item_id, institution_id, user_id, webhook, removed: item.removed_at_ms !== null, error: itemErrorObject(item), accounts };
}

/** Inspecting Items and making at their bank the changes Plaid then reports. */
export const itemRoutes: ControlRoute[] = [
  { method: "get", path: "/items/:item_id", handle: (ctx, _body, req) => bankView(itemParam(ctx, req)) },
  {
    method: "get",
    path: "/items/:item_id/consent-events",
    handle: (ctx, _body, req) => ({ consent_events: consentEventsOf(ctx, itemParam(ctx, req).item_id, { hideYoungerThanMs: 0 }) }),
  },
  {
    method: "post",
    path: "/items/:item_id/new-accounts",
    handle: (ctx, body, req) => {
      const item = liveItemParam(ctx, req);
      const count = requirePositiveInteger(body.count ?? 1, "count");
      const opened = [];
      // Each new account's mask follows from how many accounts the bank already holds, so add them one by one.
      for (let i = 0; i < count; i++) {
        const account = openNewBankAccount(item, institutionOf(item).currency);
        item.bank_accounts.push(account);
        opened.push(account);
      }
      const webhookSent = sendItemWebhook(ctx, item, newAccountsAvailableWebhook(item));
      return { item_id: item.item_id, new_accounts: opened, webhook_sent: webhookSent };
    },
  },
  {
    // The user changed their credentials at the bank: the Item needs its login, and Plaid sends ITEM/ERROR.
    method: "post",
    path: "/items/:item_id/login-required",
    handle: (ctx, _body, req) => {
      const item = liveItemParam(ctx, req);
      resetLogin(ctx, item);
      return { item_id: item.item_id, error: itemErrorObject(item) };
    },
  },
  {
    // Brings the Item's consent to within seven days of expiry, as time would: Plaid then sends PENDING_EXPIRATION.
    method: "post",
    path: "/items/:item_id/consent-expiring",
    handle: (ctx, body, req) => {
      const item = liveItemParam(ctx, req);
      const days = body.days ?? 7;
      if (typeof days !== "number" || !(days > 0 && days <= 7)) throw new ControlError(400, "days must be a number above 0 and at most 7");
      item.consent_expiration_ms = ctx.clock.nowMs() + days * 86_400_000;
      sweepItems(ctx);
      return { item_id: item.item_id, consent_expiration_time: new Date(item.consent_expiration_ms).toISOString() };
    },
  },
];
