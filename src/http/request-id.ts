import { randomUUID } from "node:crypto";

/** The caller's X-Request-Id when it is a sane value, else a fresh one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && /^[A-Za-z0-9._-]{8,64}$/.test(value) ? value : randomUUID();
}
