import { describe, expect, it } from "vitest";
import { applyItemWebhook, type ItemWebhook, type ItemWebhookCode } from "../../src/domain/item-webhooks.js";
import { ITEM_STATUSES, type ItemSnapshot, type ItemStatus, type PlaidErrorInfo } from "../../src/domain/item.js";
import { makeSnapshot, plaidError } from "../support/factories.js";

const now = new Date("2030-05-01T12:00:00Z");
const before = new Date("2030-04-01T00:00:00Z");
const errorOf: Partial<Record<ItemStatus, PlaidErrorInfo>> = {
  LOGIN_REQUIRED: plaidError("ITEM_LOGIN_REQUIRED"),
  PERMISSION_REVOKED: plaidError("USER_PERMISSION_REVOKED"),
  ERROR: plaidError("INSTITUTION_NOT_RESPONDING"),
};
const snapshotIn = (status: ItemStatus): ItemSnapshot =>
  makeSnapshot({ userId: "u", status, error: errorOf[status] ?? null, statusChangedAt: before, removedAt: status === "REMOVED" ? before : null });

const webhooks: Record<ItemWebhookCode, ItemWebhook> = {
  ERROR: { code: "ERROR", error: plaidError("ITEM_LOGIN_REQUIRED") },
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

/** A code that leaves every status as it is, but for `changes`; a removed Item never changes and is never heard of. */
const keeps = (event: boolean, reconcile = false, changes: Partial<Record<ItemStatus, Expectation>> = {}): Record<ItemStatus, Expectation> => ({
  ...(Object.fromEntries(ITEM_STATUSES.map((status) => [status, same(status, event, reconcile)])) as Record<ItemStatus, Expectation>),
  REMOVED: same("REMOVED"),
  ...changes,
});

/** A code that moves every status to `target`, heard of unless it was already there, and always confirmed with /item/get. */
const movesTo = (target: ItemStatus): Record<ItemStatus, Expectation> => ({
  ...(Object.fromEntries(ITEM_STATUSES.map((status) => [status, same(target, status !== target, true)])) as Record<ItemStatus, Expectation>),
  REMOVED: same("REMOVED"),
});

/** For every code, from every state: the status after it, whether subscribers hear of it, and whether /item/get must confirm it. */
const TABLE: Record<ItemWebhookCode, Record<ItemStatus, Expectation>> = {
  ERROR: movesTo("LOGIN_REQUIRED"),
  PENDING_EXPIRATION: keeps(true, false, { HEALTHY: same("PENDING_EXPIRATION", true) }),
  PENDING_DISCONNECT: keeps(true, false, { HEALTHY: same("PENDING_DISCONNECT", true), PENDING_EXPIRATION: same("PENDING_DISCONNECT", true) }),
  USER_PERMISSION_REVOKED: movesTo("PERMISSION_REVOKED"),
  USER_ACCOUNT_REVOKED: keeps(true),
  LOGIN_REPAIRED: keeps(false, true, { LOGIN_REQUIRED: same("HEALTHY", true, true) }),
  NEW_ACCOUNTS_AVAILABLE: keeps(true),
  WEBHOOK_UPDATE_ACKNOWLEDGED: keeps(false),
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
    expect(applyItemWebhook(healthy, { code: "ERROR", error: plaidError("INSTITUTION_NOT_RESPONDING") }, now).snapshot.status).toBe("ERROR");
    expect(applyItemWebhook(healthy, { code: "ERROR", error: plaidError("USER_PERMISSION_REVOKED") }, now).snapshot.status).toBe("PERMISSION_REVOKED");
  });

  it("a webhook that does not fit the snapshot changes nothing and asks for confirmation", () => {
    const healthy = snapshotIn("HEALTHY");
    for (const webhook of [
      { code: "ERROR", error: null },
      { code: "ERROR", error: plaidError("ITEM_NOT_FOUND") },
      { code: "USER_ACCOUNT_REVOKED", accountId: null },
    ] as ItemWebhook[]) {
      expect(applyItemWebhook(healthy, webhook, now)).toEqual({ snapshot: healthy, event: null, reconcile: true });
    }
  });
});
