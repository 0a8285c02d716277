import { describe, expect, it } from "vitest";
import { applyItemWebhook, type ItemWebhook, type ItemWebhookCode } from "../../src/domain/item-webhooks.js";
import type { ItemSnapshot, ItemStatus, PlaidErrorInfo } from "../../src/domain/item.js";
import { makeSnapshot } from "../support/factories.js";

const now = new Date("2030-05-01T12:00:00Z");
const before = new Date("2030-04-01T00:00:00Z");
const error = (errorCode: string): PlaidErrorInfo => ({ errorType: "ITEM_ERROR", errorCode, errorCodeReason: null, message: errorCode, displayMessage: null });
const errorOf: Partial<Record<ItemStatus, PlaidErrorInfo>> = {
  LOGIN_REQUIRED: error("ITEM_LOGIN_REQUIRED"),
  PERMISSION_REVOKED: error("USER_PERMISSION_REVOKED"),
  ERROR: error("INSTITUTION_NOT_RESPONDING"),
};
const snapshotIn = (status: ItemStatus): ItemSnapshot =>
  makeSnapshot({ userId: "u", status, error: errorOf[status] ?? null, statusChangedAt: before, removedAt: status === "REMOVED" ? before : null });

const webhooks: Record<ItemWebhookCode, ItemWebhook> = {
  ERROR: { code: "ERROR", error: error("ITEM_LOGIN_REQUIRED") },
  PENDING_EXPIRATION: { code: "PENDING_EXPIRATION", consentExpiresAt: new Date("2030-05-08T12:00:00Z") },
  PENDING_DISCONNECT: { code: "PENDING_DISCONNECT", reason: "INSTITUTION_MIGRATION", disconnectAt: new Date("2030-05-08T12:00:00Z") },
  USER_PERMISSION_REVOKED: { code: "USER_PERMISSION_REVOKED", error: null },
  USER_ACCOUNT_REVOKED: { code: "USER_ACCOUNT_REVOKED", accountId: "acc-1" },
  LOGIN_REPAIRED: { code: "LOGIN_REPAIRED" },
  NEW_ACCOUNTS_AVAILABLE: { code: "NEW_ACCOUNTS_AVAILABLE" },
  WEBHOOK_UPDATE_ACKNOWLEDGED: { code: "WEBHOOK_UPDATE_ACKNOWLEDGED", newWebhookUrl: "https://new.example/webhooks/plaid" },
};

type Expectation = { status: ItemStatus; event: boolean; reconcile: boolean };
const same = (status: ItemStatus, event = false, reconcile = false): Expectation => ({ status, event, reconcile });

/** For every code, from every state: the status after it, whether subscribers hear of it, and whether /item/get must confirm it. */
const TABLE: Record<ItemWebhookCode, Record<ItemStatus, Expectation>> = {
  ERROR: {
    HEALTHY: same("LOGIN_REQUIRED", true, true),
    LOGIN_REQUIRED: same("LOGIN_REQUIRED", false, true),
    PENDING_EXPIRATION: same("LOGIN_REQUIRED", true, true),
    PENDING_DISCONNECT: same("LOGIN_REQUIRED", true, true),
    PERMISSION_REVOKED: same("LOGIN_REQUIRED", true, true),
    ERROR: same("LOGIN_REQUIRED", true, true),
    REMOVED: same("REMOVED"),
  },
  PENDING_EXPIRATION: {
    HEALTHY: same("PENDING_EXPIRATION", true),
    LOGIN_REQUIRED: same("LOGIN_REQUIRED", true),
    PENDING_EXPIRATION: same("PENDING_EXPIRATION", true),
    PENDING_DISCONNECT: same("PENDING_DISCONNECT", true),
    PERMISSION_REVOKED: same("PERMISSION_REVOKED", true),
    ERROR: same("ERROR", true),
    REMOVED: same("REMOVED"),
  },
  PENDING_DISCONNECT: {
    HEALTHY: same("PENDING_DISCONNECT", true),
    LOGIN_REQUIRED: same("LOGIN_REQUIRED", true),
    PENDING_EXPIRATION: same("PENDING_DISCONNECT", true),
    PENDING_DISCONNECT: same("PENDING_DISCONNECT", true),
    PERMISSION_REVOKED: same("PERMISSION_REVOKED", true),
    ERROR: same("ERROR", true),
    REMOVED: same("REMOVED"),
  },
  USER_PERMISSION_REVOKED: {
    HEALTHY: same("PERMISSION_REVOKED", true, true),
    LOGIN_REQUIRED: same("PERMISSION_REVOKED", true, true),
    PENDING_EXPIRATION: same("PERMISSION_REVOKED", true, true),
    PENDING_DISCONNECT: same("PERMISSION_REVOKED", true, true),
    PERMISSION_REVOKED: same("PERMISSION_REVOKED", false, true),
    ERROR: same("PERMISSION_REVOKED", true, true),
    REMOVED: same("REMOVED"),
  },
  USER_ACCOUNT_REVOKED: {
    HEALTHY: same("HEALTHY", true),
    LOGIN_REQUIRED: same("LOGIN_REQUIRED", true),
    PENDING_EXPIRATION: same("PENDING_EXPIRATION", true),
    PENDING_DISCONNECT: same("PENDING_DISCONNECT", true),
    PERMISSION_REVOKED: same("PERMISSION_REVOKED", true),
    ERROR: same("ERROR", true),
    REMOVED: same("REMOVED"),
  },
  LOGIN_REPAIRED: {
    HEALTHY: same("HEALTHY", false, true),
    LOGIN_REQUIRED: same("HEALTHY", true, true),
    PENDING_EXPIRATION: same("PENDING_EXPIRATION", false, true),
    PENDING_DISCONNECT: same("PENDING_DISCONNECT", false, true),
    PERMISSION_REVOKED: same("PERMISSION_REVOKED", false, true),
    ERROR: same("ERROR", false, true),
    REMOVED: same("REMOVED"),
  },
  NEW_ACCOUNTS_AVAILABLE: {
    HEALTHY: same("HEALTHY", true),
    LOGIN_REQUIRED: same("LOGIN_REQUIRED", true),
    PENDING_EXPIRATION: same("PENDING_EXPIRATION", true),
    PENDING_DISCONNECT: same("PENDING_DISCONNECT", true),
    PERMISSION_REVOKED: same("PERMISSION_REVOKED", true),
    ERROR: same("ERROR", true),
    REMOVED: same("REMOVED"),
  },
  WEBHOOK_UPDATE_ACKNOWLEDGED: {
    HEALTHY: same("HEALTHY"),
    LOGIN_REQUIRED: same("LOGIN_REQUIRED"),
    PENDING_EXPIRATION: same("PENDING_EXPIRATION"),
    PENDING_DISCONNECT: same("PENDING_DISCONNECT"),
    PERMISSION_REVOKED: same("PERMISSION_REVOKED"),
    ERROR: same("ERROR"),
    REMOVED: same("REMOVED"),
  },
};

const cases = Object.entries(TABLE).flatMap(([code, byStatus]) =>
  Object.entries(byStatus).map(([from, expected]) => [code as ItemWebhookCode, from as ItemStatus, expected] as const),
);

describe("the Item status machine under ITEM webhooks", () => {
  it("covers every code from every state", () => {
    expect(cases).toHaveLength(8 * 7);
  });

  it.each(cases)("%s from %s", (code, from, expected) => {
    const previous = snapshotIn(from);
    const { snapshot, event, reconcile } = applyItemWebhook(previous, webhooks[code], now);
    expect(snapshot.status).toBe(expected.status);
    expect(reconcile).toBe(expected.reconcile);
    if (expected.event) {
      expect(event).toEqual({ previousStatus: from, status: expected.status, cause: code, error: snapshot.error });
    } else {
      expect(event).toBeNull();
    }
    expect(snapshot.statusChangedAt).toEqual(expected.status === from ? before : now);
    expect(snapshot.syncedAt).toEqual(previous.syncedAt);
    if (from === "REMOVED") expect(snapshot).toBe(previous);
  });

  it("records what each code says beside the status", () => {
    const healthy = snapshotIn("HEALTHY");
    expect(applyItemWebhook(healthy, webhooks.PENDING_EXPIRATION, now).snapshot.consentExpiresAt).toEqual(new Date("2030-05-08T12:00:00Z"));
    expect(applyItemWebhook(healthy, webhooks.PENDING_DISCONNECT, now).snapshot).toMatchObject({
      disconnectAt: new Date("2030-05-08T12:00:00Z"),
      disconnectReason: "INSTITUTION_MIGRATION",
    });
    expect(applyItemWebhook(healthy, webhooks.USER_ACCOUNT_REVOKED, now).snapshot.revokedAccountIds).toEqual(["acc-1"]);
    expect(applyItemWebhook(healthy, webhooks.NEW_ACCOUNTS_AVAILABLE, now).snapshot.newAccountsAvailable).toBe(true);
    expect(applyItemWebhook(healthy, webhooks.WEBHOOK_UPDATE_ACKNOWLEDGED, now).snapshot.webhookUrl).toBe("https://new.example/webhooks/plaid");
    expect(applyItemWebhook(healthy, webhooks.USER_PERMISSION_REVOKED, now).snapshot.error).toMatchObject({ errorCode: "USER_PERMISSION_REVOKED" });
    expect(applyItemWebhook(snapshotIn("LOGIN_REQUIRED"), webhooks.LOGIN_REPAIRED, now).snapshot.error).toBeNull();
  });

  it("the same flag twice is heard of once", () => {
    const once = applyItemWebhook(snapshotIn("HEALTHY"), webhooks.NEW_ACCOUNTS_AVAILABLE, now);
    const twice = applyItemWebhook(once.snapshot, webhooks.NEW_ACCOUNTS_AVAILABLE, now);
    expect(twice.event).toBeNull();
    expect(twice.snapshot).toBe(once.snapshot);
    const revoked = applyItemWebhook(once.snapshot, webhooks.USER_ACCOUNT_REVOKED, now);
    expect(applyItemWebhook(revoked.snapshot, webhooks.USER_ACCOUNT_REVOKED, now).event).toBeNull();
  });

  it("an ERROR webhook follows the error it carries", () => {
    const healthy = snapshotIn("HEALTHY");
    expect(applyItemWebhook(healthy, { code: "ERROR", error: error("INSTITUTION_NOT_RESPONDING") }, now).snapshot.status).toBe("ERROR");
    expect(applyItemWebhook(healthy, { code: "ERROR", error: error("USER_PERMISSION_REVOKED") }, now).snapshot.status).toBe("PERMISSION_REVOKED");
  });

  it("a webhook that does not fit the snapshot changes nothing and asks for confirmation", () => {
    const healthy = snapshotIn("HEALTHY");
    for (const webhook of [
      { code: "ERROR", error: null },
      { code: "ERROR", error: error("ITEM_NOT_FOUND") },
      { code: "USER_ACCOUNT_REVOKED", accountId: null },
    ] as ItemWebhook[]) {
      expect(applyItemWebhook(healthy, webhook, now)).toEqual({ snapshot: healthy, event: null, reconcile: true });
    }
  });
});
