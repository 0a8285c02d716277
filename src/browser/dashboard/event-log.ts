import type { ItemStatusChangeFragment } from "../../../generated/graphql.js";
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
