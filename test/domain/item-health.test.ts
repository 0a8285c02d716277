import { describe, expect, it } from "vitest";
import { recommendedAction, statusForPlaidError, statusFromPlaidRead } from "../../src/domain/item-health.js";
import { applyLinked, applyPlaidRead } from "../../src/domain/item-transitions.js";
import { ITEM_STATUSES, type ItemStatus } from "../../src/domain/item.js";
import { makeSnapshot, plaidError, plaidItemState } from "../support/factories.js";

const now = new Date("2030-06-01T12:00:00Z");
const days = (n: number) => new Date(now.getTime() + n * 86_400_000);

describe("Item status from what Plaid reports", () => {
  it.each([
    ["ITEM_LOGIN_REQUIRED", "LOGIN_REQUIRED"],
    ["USER_PERMISSION_REVOKED", "PERMISSION_REVOKED"],
    ["ACCESS_NOT_GRANTED", "ERROR"],
    ["ITEM_NOT_FOUND", "REMOVED"],
    ["INSTITUTION_DOWN", "ERROR"],
    ["INTERNAL_SERVER_ERROR", "ERROR"],
  ])("%s means %s", (code, status) => {
    expect(statusForPlaidError(plaidError(code))).toBe(status);
  });

  it("no error means no error status", () => {
    expect(statusForPlaidError(null)).toBeNull();
  });

  it("a healthy read is HEALTHY, and PENDING_EXPIRATION within 7 days of consent expiry", () => {
    expect(statusFromPlaidRead(null, { error: null, consentExpiresAt: null }, now)).toBe("HEALTHY");
    expect(statusFromPlaidRead(null, { error: null, consentExpiresAt: days(30) }, now)).toBe("HEALTHY");
    expect(statusFromPlaidRead(null, { error: null, consentExpiresAt: days(6) }, now)).toBe("PENDING_EXPIRATION");
  });

  it("a pending disconnect announced by webhook holds until its time, unless Plaid reports an error", () => {
    const pending = makeSnapshot({ userId: "u", status: "PENDING_DISCONNECT", disconnectAt: days(3) });
    expect(statusFromPlaidRead(pending, { error: null, consentExpiresAt: null }, now)).toBe("PENDING_DISCONNECT");
    expect(statusFromPlaidRead(pending, { error: plaidError("ITEM_LOGIN_REQUIRED"), consentExpiresAt: null }, now)).toBe("LOGIN_REQUIRED");
    const passed = { ...pending, disconnectAt: days(-1) };
    expect(statusFromPlaidRead(passed, { error: null, consentExpiresAt: null }, now)).toBe("HEALTHY");
  });
});

describe("recommended action", () => {
  const expected: Record<ItemStatus, string> = {
    HEALTHY: "NONE",
    LOGIN_REQUIRED: "UPDATE_LOGIN",
    PENDING_EXPIRATION: "RENEW_CONSENT",
    PENDING_DISCONNECT: "RENEW_CONSENT",
    PERMISSION_REVOKED: "RELINK",
    ERROR: "NONE",
    REMOVED: "NONE",
  };
  it.each(ITEM_STATUSES.map((s) => [s, expected[s]]))("%s → %s", (status, action) => {
    expect(recommendedAction({ status, newAccountsAvailable: false, countryCodes: ["US"] })).toBe(action);
  });

  it("new accounts: select them in update mode in the US and Canada, relink in the UK and EU", () => {
    expect(recommendedAction({ status: "HEALTHY", newAccountsAvailable: true, countryCodes: ["US"] })).toBe("SELECT_NEW_ACCOUNTS");
    expect(recommendedAction({ status: "HEALTHY", newAccountsAvailable: true, countryCodes: ["CA"] })).toBe("SELECT_NEW_ACCOUNTS");
    expect(recommendedAction({ status: "HEALTHY", newAccountsAvailable: true, countryCodes: ["GB"] })).toBe("RELINK");
    expect(recommendedAction({ status: "HEALTHY", newAccountsAvailable: true, countryCodes: ["US", "FR"] })).toBe("RELINK");
  });

  it("a broken login outranks new accounts", () => {
    expect(recommendedAction({ status: "LOGIN_REQUIRED", newAccountsAvailable: true, countryCodes: ["US"] })).toBe("UPDATE_LOGIN");
  });
});

describe("reconciling a snapshot with /item/get", () => {
  it("takes Plaid's fields and reports a status change with a new change time", () => {
    const before = makeSnapshot({ userId: "u", statusChangedAt: days(-10), syncedAt: days(-10) });
    const { snapshot, event } = applyPlaidRead(before, plaidItemState({ error: plaidError("ITEM_LOGIN_REQUIRED"), billedProducts: ["auth"] }), now);
    expect(event).toEqual({ previousStatus: "HEALTHY", status: "LOGIN_REQUIRED", cause: "RECONCILED", error: plaidError("ITEM_LOGIN_REQUIRED") });
    expect(snapshot.status).toBe("LOGIN_REQUIRED");
    expect(snapshot.billedProducts).toEqual(["auth"]);
    expect(snapshot.syncedAt).toEqual(now);
    expect(snapshot.statusChangedAt).toEqual(now);
    expect(snapshot.userId).toBe("u");
  });

  it("keeps the change time when only fields changed", () => {
    const before = makeSnapshot({ userId: "u", statusChangedAt: days(-10), syncedAt: days(-10) });
    const { snapshot, event } = applyPlaidRead(before, plaidItemState({ products: ["transactions", "auth"] }), now);
    expect(event).toBeNull();
    expect(snapshot.statusChangedAt).toEqual(days(-10));
    expect(snapshot.syncedAt).toEqual(now);
  });

  it("never revives a removed Item", () => {
    const removed = makeSnapshot({ userId: "u", status: "REMOVED", removedAt: days(-1) });
    expect(applyPlaidRead(removed, plaidItemState(), now)).toEqual({ snapshot: removed, event: null });
  });

  it("clears disconnect details once the Item leaves PENDING_DISCONNECT", () => {
    const pending = makeSnapshot({ userId: "u", status: "PENDING_DISCONNECT", disconnectAt: days(2), disconnectReason: "INSTITUTION_MIGRATION" });
    const { snapshot } = applyPlaidRead(pending, plaidItemState({ error: plaidError("ITEM_LOGIN_REQUIRED") }), now);
    expect(snapshot).toMatchObject({ status: "LOGIN_REQUIRED", disconnectAt: null, disconnectReason: null });
  });

  it("a newly linked Item starts from Plaid's read and the session's countries", () => {
    const { snapshot, event } = applyLinked("u", plaidItemState({ error: plaidError("ITEM_LOGIN_REQUIRED") }), ["GB"], ["acc1"], now);
    expect(snapshot).toMatchObject({
      userId: "u",
      status: "LOGIN_REQUIRED",
      countryCodes: ["GB"],
      accountIds: ["acc1"],
      syncedAt: now,
      linkedAt: now,
      statusChangedAt: now,
      removedAt: null,
    });
    expect(event).toMatchObject({ previousStatus: null, status: "LOGIN_REQUIRED", cause: "LINKED" });
  });
});
