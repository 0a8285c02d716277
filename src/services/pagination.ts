import { BadInputError } from "../domain/errors.js";
import { decodeCursor, encodeCursor } from "../domain/cursor.js";

export interface Edge<T> {
  cursor: string;
  node: T;
}
export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}
export interface Page<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

/**
 * A forward page's PageInfo: entries precede it exactly when it was asked for after a cursor (the entry
 * at that cursor at least), and its cursors are those of its first and last edges.
 */
export function pageInfoOf(edges: ReadonlyArray<Edge<unknown>>, hasNextPage: boolean, after: string | null | undefined): PageInfo {
  return { hasNextPage, hasPreviousPage: Boolean(after), startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null };
}

/** Largest page a client may ask for. */
export const MAX_PAGE_SIZE = 100;

export function checkPageSize(first: number): number {
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new BadInputError(`first must be between 0 and ${MAX_PAGE_SIZE} (got ${first})`, { argument: "first" });
  }
  return first;
}

export function invalidCursor(): BadInputError {
  return new BadInputError("after is not a cursor from this connection", { argument: "after" });
}

/** One page of an in-memory list, with offset cursors of the given kind. */
export function pageOfList<T>(list: readonly T[], first: number, after: string | null | undefined, kind: string): Page<T> {
  checkPageSize(first);
  let start = 0;
  if (after) {
    const value = decodeCursor(kind, after);
    if (value === undefined || !/^\d{1,9}$/.test(value)) throw invalidCursor();
    start = Number(value) + 1;
  }
  const slice = list.slice(start, start + first);
  const edges = slice.map((node, i) => ({ cursor: encodeCursor(kind, start + i), node }));
  return {
    edges,
    pageInfo: pageInfoOf(edges, start + first < list.length, after),
  };
}
