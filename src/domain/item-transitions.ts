import { statusForCallError, statusFromPlaidRead } from "./item-health.js";
import type { ItemSnapshot, ItemStatus, PlaidErrorInfo, PlaidItemState } from "./item.js";

/** What a transition records in the event log. */
export interface TransitionEvent {
  previousStatus: ItemStatus | null;
  status: ItemStatus;
  cause: string;
  error: PlaidErrorInfo | null;
}

/** Every input moves an Item to a new snapshot and, when something a subscriber cares about changed, one event. */
export interface ItemTransition {
  snapshot: ItemSnapshot;
  event: TransitionEvent | null;
}

const unchanged = (snapshot: ItemSnapshot): ItemTransition => ({ snapshot, event: null });

/** The first snapshot of a freshly linked Item, and its LINKED event. */
export function applyLinked(userId: string, read: PlaidItemState, countryCodes: string[], accountIds: string[], now: Date): ItemTransition {
  const snapshot: ItemSnapshot = {
    ...read,
    userId,
    status: statusFromPlaidRead(null, read, now),
    newAccountsAvailable: false,
    disconnectAt: null,
    disconnectReason: null,
    revokedAccountIds: [],
    accountIds,
    countryCodes,
    syncedAt: now,
    statusChangedAt: now,
    linkedAt: now,
    removedAt: null,
  };
  return { snapshot, event: { previousStatus: null, status: snapshot.status, cause: "LINKED", error: snapshot.error } };
}

/** A Plaid call for the Item failed with an Item error: the status follows, recorded once. */
export function applyCallError(snapshot: ItemSnapshot, error: PlaidErrorInfo, now: Date): ItemTransition {
  const status = statusForCallError(error);
  if (!status || snapshot.status === "REMOVED") return unchanged(snapshot);
  if (status === "REMOVED") return applyRemoval(snapshot, now, error.errorCode);
  if (snapshot.status === status && snapshot.error?.errorCode === error.errorCode) return unchanged(snapshot);
  return {
    snapshot: { ...snapshot, status, error, statusChangedAt: snapshot.status === status ? snapshot.statusChangedAt : now },
    event: { previousStatus: snapshot.status, status, cause: error.errorCode, error },
  };
}

/** The Item was removed at Plaid: it keeps its history and loses its access token. */
export function applyRemoval(snapshot: ItemSnapshot, now: Date, cause = "REMOVED"): ItemTransition {
  if (snapshot.status === "REMOVED") return unchanged(snapshot);
  return {
    snapshot: { ...snapshot, status: "REMOVED", removedAt: now, statusChangedAt: now, newAccountsAvailable: false },
    event: { previousStatus: snapshot.status, status: "REMOVED", cause, error: null },
  };
}

/**
 * A fresh /item/get read replaces Plaid's fields; the status follows what Plaid reports. A status
 * change is an event with the given cause. A removed Item stays removed.
 */
export function applyPlaidRead(previous: ItemSnapshot, read: PlaidItemState, now: Date, cause = "RECONCILED"): ItemTransition {
  if (previous.status === "REMOVED") return unchanged(previous);
  const status = statusFromPlaidRead(previous, read, now);
  const statusChanged = status !== previous.status;
  const leftPendingDisconnect = previous.status === "PENDING_DISCONNECT" && status !== "PENDING_DISCONNECT";
  const snapshot: ItemSnapshot = {
    ...previous,
    ...read,
    userId: previous.userId,
    status,
    disconnectAt: leftPendingDisconnect ? null : previous.disconnectAt,
    disconnectReason: leftPendingDisconnect ? null : previous.disconnectReason,
    syncedAt: now,
    statusChangedAt: statusChanged ? now : previous.statusChangedAt,
  };
  return { snapshot, event: statusChanged ? { previousStatus: previous.status, status, cause, error: snapshot.error } : null };
}

/**
 * The user finished Link update mode and /item/get confirms the Item has no error. New accounts stop
 * being flagged once the shared accounts changed. Always recorded, so subscribers learn of the repair.
 */
export function applyUpdateCompleted(previous: ItemSnapshot, read: PlaidItemState, accountIds: string[] | null, now: Date): ItemTransition {
  if (previous.status === "REMOVED") return unchanged(previous);
  const { snapshot } = applyPlaidRead(previous, read, now);
  const accountsChanged = accountIds !== null && !sameSet(accountIds, previous.accountIds);
  const next: ItemSnapshot = {
    ...snapshot,
    accountIds: accountIds ?? previous.accountIds,
    newAccountsAvailable: accountsChanged ? false : previous.newAccountsAvailable,
    revokedAccountIds: accountsChanged ? previous.revokedAccountIds.filter((id) => accountIds.includes(id)) : previous.revokedAccountIds,
  };
  return { snapshot: next, event: { previousStatus: previous.status, status: next.status, cause: "UPDATE_COMPLETED", error: next.error } };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((value) => right.has(value));
}
