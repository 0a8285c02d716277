import type { ItemStatusChangeFragment } from "../generated/graphql.js";
import { byId, element, timeElement } from "./dom.js";

const MAX_EVENTS = 50;

/** Adds a live event at the top of the list below the table (the newest 50 stay). */
export function logEvent(event: ItemStatusChangeFragment): void {
  const log = byId("event-log");
  const text = `${event.itemId}: ${event.previousStatus ?? "new"} \u2192 ${event.status} (${event.cause})`;
  const attributes = { "data-cursor": event.cursor, "data-item-id": event.itemId, "data-status": event.status, "data-cause": event.cause };
  log.prepend(element("li", { attributes }, [timeElement(event.occurredAt), element("span", { text: ` ${text}` })]));
  while (log.children.length > MAX_EVENTS) log.lastElementChild!.remove();
}

export function clearEventLog(): void {
  byId("event-log").replaceChildren();
}

export type LiveState = "offline" | "connecting" | "reconnecting" | "live";

/** The badge in the header: the connection's state, and the cursor of the last event seen (where a reconnection resumes). */
export function showLiveState(state: LiveState, cursor: string | null): void {
  const badge = byId("live-status");
  badge.setAttribute("data-state", state);
  badge.textContent = state;
  if (cursor) showCursor(cursor);
}

export function showCursor(cursor: string): void {
  byId("live-status").setAttribute("data-cursor", cursor);
}
