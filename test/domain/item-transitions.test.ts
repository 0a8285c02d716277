import { describe, expect, it } from "vitest";
import { statusForCallError } from "../../src/domain/item-health.js";
import { applyCallError, applyRemoval, applyUpdateCompleted } from "../../src/domain/item-transitions.js";
import { ITEM_STATUSES } from "../../src/domain/item.js";
import { makeSnapshot, plaidError, plaidItemState } from "../support/factories.js";

const now = new Date("2030-01-01T00:00:00Z");

describe("learning from errors answered by any Plaid call", () => {
  it.each([
    ["ITEM_LOGIN_REQUIRED", "LOGIN_REQUIRED"],
    ["PASSWORD_RESET_REQUIRED", "LOGIN_REQUIRED"],
    ["USER_PERMISSION_REVOKED", "PERMISSION_REVOKED"],
    ["ITEM_NOT_FOUND", "REMOVED"],
    ["PRODUCT_NOT_READY", null],
    ["INSTITUTION_DOWN", null],
    ["RATE_LIMIT", null],
    ["INTERNAL_SERVER_ERROR", null],
  ])("%s → %s", (code, status) => {
    expect(statusForCallError({ errorType: "ITEM_ERROR", errorCode: code })).toBe(status);
  });

  it.each(ITEM_STATUSES.filter((s) => s !== "REMOVED" && s !== "LOGIN_REQUIRED"))("ITEM_LOGIN_REQUIRED moves a %s Item to LOGIN_REQUIRED with one event", (status) => {
    const before = makeSnapshot({ userId: "u", status });
    const { snapshot, event } = applyCallError(before, plaidError("ITEM_LOGIN_REQUIRED"), now);
    expect(snapshot).toMatchObject({ status: "LOGIN_REQUIRED", error: plaidError("ITEM_LOGIN_REQUIRED"), statusChangedAt: now });
    expect(event).toEqual({ previousStatus: status, status: "LOGIN_REQUIRED", cause: "ITEM_LOGIN_REQUIRED", error: plaidError("ITEM_LOGIN_REQUIRED") });
  });

  it("the same error again changes nothing: recorded once", () => {
    const first = applyCallError(makeSnapshot({ userId: "u" }), plaidError("ITEM_LOGIN_REQUIRED"), now);
    const again = applyCallError(first.snapshot, plaidError("ITEM_LOGIN_REQUIRED"), new Date(now.getTime() + 1000));
    expect(again.event).toBeNull();
    expect(again.snapshot).toBe(first.snapshot);
  });

  it("errors that say nothing about the Item change nothing", () => {
    const before = makeSnapshot({ userId: "u" });
    expect(applyCallError(before, plaidError("RATE_LIMIT", "RATE_LIMIT_EXCEEDED"), now)).toEqual({ snapshot: before, event: null });
  });

  it("ITEM_NOT_FOUND removes the Item; a removed Item learns nothing more", () => {
    const { snapshot, event } = applyCallError(makeSnapshot({ userId: "u" }), plaidError("ITEM_NOT_FOUND"), now);
    expect(snapshot).toMatchObject({ status: "REMOVED", removedAt: now });
    expect(event).toMatchObject({ status: "REMOVED", cause: "ITEM_NOT_FOUND" });
    expect(applyCallError(snapshot, plaidError("ITEM_LOGIN_REQUIRED"), now).event).toBeNull();
  });
});

describe("removal", () => {
  it.each(ITEM_STATUSES.filter((s) => s !== "REMOVED"))("removes a %s Item, keeping it with its removal time", (status) => {
    const { snapshot, event } = applyRemoval(makeSnapshot({ userId: "u", status, newAccountsAvailable: true }), now);
    expect(snapshot).toMatchObject({ status: "REMOVED", removedAt: now, statusChangedAt: now, newAccountsAvailable: false });
    expect(event).toEqual({ previousStatus: status, status: "REMOVED", cause: "REMOVED", error: null });
  });

  it("removing twice records nothing the second time", () => {
    const removed = makeSnapshot({ userId: "u", status: "REMOVED", removedAt: now });
    expect(applyRemoval(removed, now)).toEqual({ snapshot: removed, event: null });
  });
});

describe("completing update mode", () => {
  it("a repaired login becomes HEALTHY, recorded as UPDATE_COMPLETED", () => {
    const broken = makeSnapshot({ userId: "u", status: "LOGIN_REQUIRED", error: plaidError("ITEM_LOGIN_REQUIRED"), accountIds: ["a"] });
    const { snapshot, event } = applyUpdateCompleted(broken, plaidItemState({ error: null }), ["a"], now);
    expect(snapshot).toMatchObject({ status: "HEALTHY", error: null, syncedAt: now, statusChangedAt: now });
    expect(event).toEqual({ previousStatus: "LOGIN_REQUIRED", status: "HEALTHY", cause: "UPDATE_COMPLETED", error: null });
  });

  it("clears new accounts only when the shared accounts changed", () => {
    const flagged = makeSnapshot({ userId: "u", newAccountsAvailable: true, accountIds: ["a", "b"] });
    expect(applyUpdateCompleted(flagged, plaidItemState(), ["b", "a"], now).snapshot.newAccountsAvailable).toBe(true);
    const changed = applyUpdateCompleted(flagged, plaidItemState(), ["a", "b", "c"], now).snapshot;
    expect(changed).toMatchObject({ newAccountsAvailable: false, accountIds: ["a", "b", "c"] });
  });

  it("keeps the stored accounts when they could not be read", () => {
    const flagged = makeSnapshot({ userId: "u", newAccountsAvailable: true, accountIds: ["a"] });
    expect(applyUpdateCompleted(flagged, plaidItemState(), null, now).snapshot).toMatchObject({ newAccountsAvailable: true, accountIds: ["a"] });
  });

  it("a removed Item stays removed", () => {
    const removed = makeSnapshot({ userId: "u", status: "REMOVED", removedAt: now });
    expect(applyUpdateCompleted(removed, plaidItemState(), [], now)).toEqual({ snapshot: removed, event: null });
  });
});
