import { createHash } from "node:crypto";
import type { ConsentEvent } from "../domain/consent.js";

/**
 * Global object ids (the `Node` interface). An Item's id is Plaid's item_id, as everywhere else in the
 * schema; every other object's id is `Type:key`, which no item_id can be (Plaid's are letters, digits
 * and dashes). Clients treat them as opaque.
 */
export type NodeRef =
  { type: "Item"; itemId: string } | { type: "User"; userId: string } | { type: "ItemStatusEvent"; sequence: number } | { type: "ConsentEvent"; itemId: string; digest: string };

const ITEM_ID = /^[A-Za-z0-9_-]{1,128}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SEQUENCE = /^[1-9][0-9]{0,15}$/;
const DIGEST = /^[0-9a-f]{24}$/;

/** Whether the text can be an Item's id (Plaid's item_id): 1 to 128 letters, digits, - or _. */
export const isItemId = (id: string): boolean => ITEM_ID.test(id);

export const userNodeId = (userId: string): string => `User:${userId}`;

export const itemStatusEventNodeId = (sequence: number): string => `ItemStatusEvent:${sequence}`;

/** What identifies one consent event: Plaid gives them no id, so it is made from what they say. */
export function consentEventDigest(event: ConsentEvent): string {
  const identity = [
    event.itemId,
    event.createdAt.toISOString(),
    event.eventType,
    event.eventCode,
    event.initiator,
    event.institutionId ?? "",
    [...event.consentedUseCases].sort().join(","),
    [...event.consentedDataScopes].sort().join(","),
    event.consentedAccounts
      .map((account) => account.accountId)
      .sort()
      .join(","),
  ];
  return createHash("sha256").update(JSON.stringify(identity)).digest("hex").slice(0, 24);
}

export const consentEventNodeId = (event: ConsentEvent): string => `ConsentEvent:${event.itemId}:${consentEventDigest(event)}`;

/** What a global id points at, or null when it is not one the gateway could have made. */
export function parseNodeId(id: string): NodeRef | null {
  const separator = id.indexOf(":");
  if (separator < 0) return ITEM_ID.test(id) ? { type: "Item", itemId: id } : null;
  const type = id.slice(0, separator);
  const key = id.slice(separator + 1);
  switch (type) {
    case "User":
      return UUID.test(key) ? { type, userId: key } : null;
    case "ItemStatusEvent":
      return SEQUENCE.test(key) ? { type, sequence: Number(key) } : null;
    case "ConsentEvent": {
      const last = key.lastIndexOf(":");
      const itemId = key.slice(0, last);
      const digest = key.slice(last + 1);
      return last > 0 && ITEM_ID.test(itemId) && DIGEST.test(digest) ? { type, itemId, digest } : null;
    }
    default:
      return null;
  }
}
