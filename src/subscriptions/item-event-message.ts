import type { ItemEvent } from "../domain/item-event.js";
import type { ItemChange } from "../services/item-event-ports.js";
import { ITEM_STATUSES, type ItemStatus, type PlaidErrorInfo } from "../domain/item.js";

/**
 * What crosses Redis between gateway instances, as JSON:
 *   {"v":1,"kind":"event","origin":"<instance id>","event":{...ItemEvent, "occurredAt":"<ISO 8601>"}}
 *   {"v":1,"kind":"change","origin":"<instance id>","change":{"itemId":"…","userId":"…"}}   (a stored Item changed)
 *   {"v":1,"kind":"resync","origin":"<instance id>"}   (the sender could not publish some events or changes)
 * `origin` lets an instance recognise its own messages, which it has already delivered locally.
 */
export type ItemEventBusMessage = { kind: "event"; origin: string; event: ItemEvent } | { kind: "change"; origin: string; change: ItemChange } | { kind: "resync"; origin: string };

const VERSION = 1;

export function encodeEventMessage(origin: string, event: ItemEvent): string {
  // Date serialises to its ISO string; decodeBusMessage turns it back into a Date.
  return JSON.stringify({ v: VERSION, kind: "event", origin, event });
}

export function encodeChangeMessage(origin: string, change: ItemChange): string {
  return JSON.stringify({ v: VERSION, kind: "change", origin, change: { itemId: change.itemId, userId: change.userId } });
}

export function encodeResyncMessage(origin: string): string {
  return JSON.stringify({ v: VERSION, kind: "resync", origin });
}

/** Parses and checks a message; throws on anything that is not a message of this version. */
export function decodeBusMessage(text: string): ItemEventBusMessage {
  const raw: unknown = JSON.parse(text);
  if (!isRecord(raw) || raw.v !== VERSION) throw new Error("not an Item event bus message of version 1");
  if (typeof raw.origin !== "string") throw new Error("message without origin");
  if (raw.kind === "resync") return { kind: "resync", origin: raw.origin };
  if (raw.kind === "event") return { kind: "event", origin: raw.origin, event: decodeEvent(raw.event) };
  if (raw.kind === "change") return { kind: "change", origin: raw.origin, change: decodeChange(raw.change) };
  throw new Error(`unknown message kind ${String(raw.kind)}`);
}

function decodeEvent(raw: unknown): ItemEvent {
  if (!isRecord(raw)) throw new Error("event is not an object");
  const { sequence, itemId, userId, previousStatus, status, cause, error, occurredAt } = raw;
  if (typeof sequence !== "number" || !Number.isSafeInteger(sequence)) throw new Error("event.sequence is not an integer");
  if (typeof itemId !== "string" || typeof userId !== "string" || typeof cause !== "string") throw new Error("event.itemId, userId or cause is not a string");
  if (!isItemStatus(status)) throw new Error("event.status is not an Item status");
  if (previousStatus !== null && !isItemStatus(previousStatus)) throw new Error("event.previousStatus is not an Item status");
  if (error !== null && !isPlaidErrorInfo(error)) throw new Error("event.error is not a Plaid error");
  const when = typeof occurredAt === "string" ? new Date(occurredAt) : new Date(Number.NaN);
  if (Number.isNaN(when.getTime())) throw new Error("event.occurredAt is not a date");
  return { sequence, itemId, userId, previousStatus, status, cause, error, occurredAt: when };
}

function decodeChange(raw: unknown): ItemChange {
  if (!isRecord(raw) || typeof raw.itemId !== "string" || typeof raw.userId !== "string") throw new Error("change.itemId or userId is not a string");
  return { itemId: raw.itemId, userId: raw.userId };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isItemStatus(value: unknown): value is ItemStatus {
  return typeof value === "string" && (ITEM_STATUSES as readonly string[]).includes(value);
}

function isPlaidErrorInfo(value: unknown): value is PlaidErrorInfo {
  return (
    isRecord(value) &&
    typeof value.errorType === "string" &&
    typeof value.errorCode === "string" &&
    typeof value.message === "string" &&
    (value.errorCodeReason === null || typeof value.errorCodeReason === "string") &&
    (value.displayMessage === null || typeof value.displayMessage === "string")
  );
}
