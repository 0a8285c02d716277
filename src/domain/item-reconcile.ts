import { statusFromPlaidRead } from "./item-health.js";
import type { ItemSnapshot, PlaidItemState } from "./item.js";

/** The first snapshot of a freshly linked Item. */
export function snapshotForLinkedItem(userId: string, read: PlaidItemState, countryCodes: string[], now: Date): ItemSnapshot {
  return {
    ...read,
    userId,
    status: statusFromPlaidRead(null, read, now),
    newAccountsAvailable: false,
    disconnectAt: null,
    disconnectReason: null,
    revokedAccountIds: [],
    countryCodes,
    syncedAt: now,
    statusChangedAt: now,
    linkedAt: now,
    removedAt: null,
  };
}

/**
 * The snapshot after a fresh /item/get read: Plaid's fields replace the stored ones and the status
 * follows what Plaid reports. A removed Item stays removed.
 */
export function reconcileWithPlaid(previous: ItemSnapshot, read: PlaidItemState, now: Date): { snapshot: ItemSnapshot; statusChanged: boolean } {
  if (previous.status === "REMOVED") return { snapshot: previous, statusChanged: false };
  const status = statusFromPlaidRead(previous, read, now);
  const statusChanged = status !== previous.status;
  const leftPendingDisconnect = previous.status === "PENDING_DISCONNECT" && status !== "PENDING_DISCONNECT";
  return {
    snapshot: {
      ...previous,
      ...read,
      userId: previous.userId,
      status,
      disconnectAt: leftPendingDisconnect ? null : previous.disconnectAt,
      disconnectReason: leftPendingDisconnect ? null : previous.disconnectReason,
      syncedAt: now,
      statusChangedAt: statusChanged ? now : previous.statusChangedAt,
    },
    statusChanged,
  };
}
