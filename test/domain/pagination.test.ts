import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, eventCursor, eventSequenceFromCursor } from "../../src/domain/cursor.js";
import { pageOfList, type Page } from "../../src/services/pagination.js";

describe("cursors and pages", () => {
  it("round-trips cursors of a kind and refuses other kinds and junk", () => {
    expect(decodeCursor("consent", encodeCursor("consent", 4))).toBe("4");
    expect(decodeCursor("event", encodeCursor("consent", 4))).toBeUndefined();
    expect(decodeCursor("event", "not base64!")).toBeUndefined();
    expect(eventSequenceFromCursor(eventCursor(42))).toBe(42);
    expect(eventSequenceFromCursor(encodeCursor("event", "-1"))).toBeUndefined();
    expect(eventSequenceFromCursor(encodeCursor("event", "1e9"))).toBeUndefined();
  });

  it("walks a list page by page with no gaps or repeats", () => {
    const list = Array.from({ length: 7 }, (_, i) => i);
    const seen: number[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Page<number> = pageOfList(list, 3, after, "n");
      seen.push(...page.edges.map((e) => e.node));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(list);
  });

  it.each([-1, 101, 1.5])("refuses first = %s", (first) => {
    expect(() => pageOfList([1], first, null, "n")).toThrow(/first must be between 0 and 100/);
  });

  it("refuses a cursor from another connection", () => {
    expect(() => pageOfList([1, 2], 1, encodeCursor("other", 0), "n")).toThrow(/not a cursor from this connection/);
  });

  it("answers an empty page for first = 0", () => {
    expect(pageOfList([1, 2], 0, null, "n")).toEqual({ edges: [], pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null } });
  });

  it("gives a full PageInfo: entries before the page exactly when it follows a cursor, and its first and last cursors", () => {
    const first = pageOfList([10, 11, 12, 13, 14], 2, null, "n");
    expect(first.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: first.edges[0]!.cursor, endCursor: first.edges[1]!.cursor });
    const last = pageOfList([10, 11, 12, 13, 14], 5, first.pageInfo.endCursor, "n");
    expect(last.edges.map((edge) => edge.node)).toEqual([12, 13, 14]);
    expect(last.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true, startCursor: last.edges[0]!.cursor, endCursor: last.edges[2]!.cursor });
  });
});
