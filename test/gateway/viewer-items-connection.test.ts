import { describe, expect, it } from "vitest";
// The example frontend's list query: the viewer's Items a page at a time.
import { ViewerItemsDocument as ViewerItemsPageDocument, type ViewerItemsQueryVariables as ViewerItemsPageQueryVariables } from "../../examples/frontend/src/gql/graphql.js";
import { AdminItemsDocument, RemoveItemDocument, SandboxResetLoginDocument } from "../../generated/graphql.js";
import { useTestGateway } from "../support/gateway-harness.js";
import { createSandboxItem } from "../support/link-helpers.js";

describe("viewer.items: a connection of the viewer's Items", () => {
  const { harness, tokens } = useTestGateway({ users: { carol: "user", dave: "user", empty: "user", ops: "admin" } });

  const page = async (variables: ViewerItemsPageQueryVariables, token = tokens.carol) => {
    const result = await harness.graphql(ViewerItemsPageDocument, variables, token);
    expect(result.errors).toBeUndefined();
    return result.data!.viewer.items;
  };
  const ids = (connection: Awaited<ReturnType<typeof page>>) => connection.edges.map((edge) => edge.node.id);

  it("pages most recently linked first, with totalCount and a full PageInfo, no Item twice", async () => {
    const linked: string[] = [];
    for (let i = 0; i < 3; i++) linked.push(await createSandboxItem(harness, tokens.carol));
    const first = await page({ first: 2 });
    expect(ids(first)).toEqual([linked[2], linked[1]]);
    expect(first.totalCount).toBe(3);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false, startCursor: first.edges[0]!.cursor, endCursor: first.edges[1]!.cursor });
    const second = await page({ first: 2, after: first.pageInfo.endCursor });
    expect(ids(second)).toEqual([linked[0]]);
    expect(second.totalCount).toBe(3);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true, startCursor: second.edges[0]!.cursor, endCursor: second.edges[0]!.cursor });
    // The default page holds them all.
    expect(ids(await page({}))).toEqual([...linked].reverse());
  });

  it("an Item linked or removed between two pages neither repeats nor skips another", async () => {
    const before = ids(await page({}));
    expect(before.length).toBeGreaterThanOrEqual(3);
    const firstPage = await page({ first: 1 });
    expect(ids(firstPage)).toEqual([before[0]]);
    // A newer Item arrives before the list's start; the next page still starts right after the cursor.
    const newer = await createSandboxItem(harness, tokens.carol);
    expect(ids(await page({ first: 1, after: firstPage.pageInfo.endCursor }))).toEqual([before[1]]);
    // The Item the cursor points at is removed: the next page starts at the Item linked before it.
    const secondPage = await page({ first: 1, after: firstPage.pageInfo.endCursor });
    const removed = await harness.graphql(RemoveItemDocument, { itemId: before[1]! }, tokens.carol);
    expect(removed.data?.removeItem.status).toBe("REMOVED");
    expect(ids(await page({ first: 1, after: secondPage.pageInfo.endCursor }))).toEqual([before[2]]);
    expect(ids(await page({}))).toEqual([newer, before[0], ...before.slice(2)]);
  });

  it("filters by status like the admin list: REMOVED only when asked for", async () => {
    const all = ids(await page({}));
    const broken = all[0]!;
    const reset = await harness.graphql(SandboxResetLoginDocument, { itemId: broken }, tokens.carol);
    expect(reset.data?.sandboxResetLogin.status).toBe("LOGIN_REQUIRED");
    const loginRequired = await page({ status: ["LOGIN_REQUIRED"] });
    expect(ids(loginRequired)).toEqual([broken]);
    expect(loginRequired.totalCount).toBe(1);
    const removed = await page({ status: ["REMOVED"] });
    expect(removed.totalCount).toBe(1);
    expect(removed.edges.every((edge) => edge.node.status === "REMOVED")).toBe(true);
    expect(ids(await page({ status: [] }))).toEqual(all);
    expect((await page({ status: ["HEALTHY", "LOGIN_REQUIRED", "REMOVED"] })).totalCount).toBe(all.length + 1);
  });

  it("first: 0 answers only the count; a user without Items gets an empty page", async () => {
    const none = await page({ first: 0 });
    expect(none.edges).toEqual([]);
    expect(none.totalCount).toBeGreaterThan(0);
    expect(none.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null });
    const empty = await page({}, tokens.empty);
    expect(empty).toMatchObject({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } });
  });

  it("only ever lists the viewer's own Items", async () => {
    const daves = await createSandboxItem(harness, tokens.dave);
    expect(ids(await page({}, tokens.dave))).toEqual([daves]);
    expect(ids(await page({}))).not.toContain(daves);
    // A cursor from another user's list is only a position: it reads the viewer's own Items after it.
    const davesPage = await page({ first: 1 }, tokens.dave);
    const after = await page({ after: davesPage.pageInfo.endCursor });
    expect(after.edges.every((edge) => !ids(davesPage).includes(edge.node.id))).toBe(true);
  });

  it.each([
    ["a page over 100", { first: 101 }, "first"],
    ["a negative page", { first: -1 }, "first"],
    ["a cursor that is not one", { after: "not-a-cursor" }, "after"],
    ["a cursor made by hand", { after: Buffer.from("user-item:yesterday|x").toString("base64url") }, "after"],
  ] satisfies Array<[string, ViewerItemsPageQueryVariables, string]>)("%s is BAD_USER_INPUT naming the argument", async (_, variables, argument) => {
    const result = await harness.graphql(ViewerItemsPageDocument, variables, tokens.carol);
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument });
  });

  it("a cursor of the admin list is not one of this connection (and the reverse)", async () => {
    const admin = await harness.graphql(AdminItemsDocument, { first: 1 }, tokens.ops);
    const adminCursor = admin.data!.items.pageInfo.endCursor!;
    const mine = await harness.graphql(ViewerItemsPageDocument, { after: adminCursor }, tokens.carol);
    expect(mine.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "after" });
    const viewerCursor = (await page({ first: 1 })).pageInfo.endCursor!;
    const theirs = await harness.graphql(AdminItemsDocument, { first: 1, after: viewerCursor }, tokens.ops);
    expect(theirs.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "after" });
  });
});
