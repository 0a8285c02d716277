import { SignJWT } from "jose";
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { AdminItemsDocument, AdminUserDocument, ItemDetailsDocument, ItemHistoryDocument, ViewerDocument, ViewerItemsDocument } from "../../generated/graphql.js";
import { useTestGateway } from "../support/gateway-harness.js";
import { createSandboxItem } from "../support/link-helpers.js";

describe("who may ask what", () => {
  const { harness, tokens } = useTestGateway({ users: { alice: "user", bob: "user", ops: "admin" } });
  let aliceItem: string;

  beforeAll(async () => {
    aliceItem = await createSandboxItem(harness, tokens.alice);
  });

  it("answers 401 UNAUTHENTICATED without a token", async () => {
    const result = await harness.graphql(ViewerDocument, {}, null);
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(result.data ?? null).toBeNull();
  });

  it("answers UNAUTHENTICATED for an expired token", async () => {
    const secret = new TextEncoder().encode(harness.configuredSecrets[0]);
    const expired = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("alice").setIssuedAt(1_700_000_000).setExpirationTime(1_700_000_060).sign(secret);
    const result = await harness.graphql(ViewerDocument, {}, expired);
    expect(result.status).toBe(401);
    expect(result.errors?.[0]).toMatchObject({ message: "Token expired", extensions: { code: "UNAUTHENTICATED" } });
  });

  it("answers UNAUTHENTICATED for a token with the wrong signature", async () => {
    const forged = await new SignJWT({ roles: ["admin"] }).setProtectedHeader({ alg: "HS256" }).setSubject("alice").setExpirationTime("1h").sign(randomBytes(32));
    const result = await harness.graphql(ViewerItemsDocument, {}, forged);
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(result.errors?.[0]?.extensions?.requestId).toEqual(expect.any(String));
  });

  it("a second user cannot read the first user's Item: it reads as null, exactly like a missing one, and costs no Plaid call", async () => {
    const before = harness.exchanges.length;
    const foreign = await harness.graphql(ItemDetailsDocument, { id: aliceItem }, tokens.bob);
    const missing = await harness.graphql(ItemDetailsDocument, { id: "no-such-item" }, tokens.bob);
    expect(foreign.errors).toBeUndefined();
    expect(foreign.data).toEqual({ item: null });
    expect(missing).toEqual({ ...foreign, status: missing.status });
    expect(harness.exchanges.length).toBe(before);
    const history = await harness.graphql(ItemHistoryDocument, { id: aliceItem }, tokens.bob);
    expect(history.data).toEqual({ item: null });
    const bobsItems = await harness.graphql(ViewerItemsDocument, {}, tokens.bob);
    expect(bobsItems.data?.viewer.items).toEqual({ totalCount: 0, edges: [] });
  });

  it("the owner reads it", async () => {
    const own = await harness.graphql(ItemDetailsDocument, { id: aliceItem }, tokens.alice);
    expect(own.data?.item?.id).toBe(aliceItem);
  });

  it("admins read any Item, every user's list, and a user by id", async () => {
    const item = await harness.graphql(ItemDetailsDocument, { id: aliceItem }, tokens.ops);
    expect(item.data?.item?.owner.clientUserId).toBe("alice");
    const all = await harness.graphql(AdminItemsDocument, {}, tokens.ops);
    expect(all.errors).toBeUndefined();
    expect(all.data?.items.edges.map((e) => e.node.id)).toContain(aliceItem);
    const user = await harness.graphql(AdminUserDocument, { clientUserId: "alice" }, tokens.ops);
    expect(user.data?.user).toMatchObject({ clientUserId: "alice", items: { edges: [{ node: { id: aliceItem } }] } });
    const nobody = await harness.graphql(AdminUserDocument, { clientUserId: "nobody-here" }, tokens.ops);
    expect(nobody.data?.user).toBeNull();
  });

  it("non-admins get FORBIDDEN from the admin queries", async () => {
    const items = await harness.graphql(AdminItemsDocument, {}, tokens.bob);
    expect(items.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(items.data).toBeNull();
    const user = await harness.graphql(AdminUserDocument, { clientUserId: "alice" }, tokens.bob);
    expect(user.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(user.data).toEqual({ user: null });
  });

  it("the admin list filters by status and pages without repeats", async () => {
    await createSandboxItem(harness, tokens.bob);
    await createSandboxItem(harness, tokens.bob);
    const ids: string[] = [];
    let after: string | null | undefined = null;
    for (let page = 0; page < 10; page++) {
      const result: Awaited<
        ReturnType<typeof harness.graphql<{ items: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor?: string | null }; edges: Array<{ node: { id: string } }> } }>>
      > = await harness.graphql(AdminItemsDocument, { first: 1, after }, tokens.ops);
      ids.push(...result.data!.items.edges.map((e) => e.node.id));
      expect(result.data!.items.totalCount).toBe(3);
      if (!result.data!.items.pageInfo.hasNextPage) break;
      after = result.data!.items.pageInfo.endCursor;
    }
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    const loginRequired = await harness.graphql(AdminItemsDocument, { status: ["LOGIN_REQUIRED"] }, tokens.ops);
    expect(loginRequired.data?.items).toMatchObject({ totalCount: 0, edges: [] });
  });
});
