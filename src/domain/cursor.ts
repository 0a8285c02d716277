/** Opaque Relay cursors: a kind and a value, base64url-encoded so clients do not build them by hand. */

export function encodeCursor(kind: string, value: string | number): string {
  return Buffer.from(`${kind}:${value}`, "utf8").toString("base64url");
}

/** The value inside a cursor of the given kind; undefined when the cursor is not one. */
export function decodeCursor(kind: string, cursor: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return undefined;
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const prefix = `${kind}:`;
  return text.startsWith(prefix) ? text.slice(prefix.length) : undefined;
}

/** Cursor of a position in the gateway's Item event log. */
export const eventCursor = (sequence: number): string => encodeCursor("event", sequence);

export function eventSequenceFromCursor(cursor: string): number | undefined {
  const value = decodeCursor("event", cursor);
  if (value === undefined || !/^\d{1,15}$/.test(value)) return undefined;
  return Number(value);
}
