import { byId } from "./dom.js";

export type MessageKind = "info" | "error";

/** The one-line message above the table. */
export function say(text: string, kind: MessageKind): void {
  const message = byId("message");
  message.textContent = text;
  message.setAttribute("data-kind", kind);
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
