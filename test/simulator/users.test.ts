import type { Item } from "plaid";
import { describe, expect, it } from "vitest";
import { createUser, linkSandboxItem, useSimulator } from "./support.js";

const h = useSimulator();

describe("/user/create", () => {
  it("is idempotent per client_user_id", async () => {
    const a = await h.plaid("/user/create", { client_user_id: "idem-1" });
    const b = await h.plaid("/user/create", { client_user_id: "idem-1" });
    const c = await h.plaid("/user/create", { client_user_id: "idem-2" });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.body.user_id).toBe(a.body.user_id);
    expect(c.body.user_id).not.toBe(a.body.user_id);
  });
});

describe("/user/items/get", () => {
  it("lists the user's Items, each with its error", async () => {
    const userId = await createUser(h, "lister");
    const healthy = await linkSandboxItem(h, { user_id: userId });
    const broken = await linkSandboxItem(h, { user_id: userId });
    await linkSandboxItem(h);
    await h.plaid("/sandbox/item/reset_login", { access_token: broken.access_token });
    const res = await h.plaid("/user/items/get", { user_id: userId });
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.body.items.map((i: Item) => [i.item_id, i]));
    expect(Object.keys(byId).sort()).toEqual([healthy.item_id, broken.item_id].sort());
    expect(byId[healthy.item_id].error).toBeNull();
    expect(byId[broken.item_id].error).toMatchObject({ error_code: "ITEM_LOGIN_REQUIRED" });
    expect(byId[healthy.item_id]).not.toHaveProperty("consented_use_cases");
  });

  it("accepts the legacy user_token too", async () => {
    const created = await h.plaid("/user/create", { client_user_id: "legacy" });
    await linkSandboxItem(h, { user_id: created.body.user_id });
    const res = await h.plaid("/user/items/get", { user_token: created.body.user_token });
    expect(res.body.items).toHaveLength(1);
  });

  it("refuses unknown and malformed users", async () => {
    const unknown = await h.plaid("/user/items/get", { user_id: "usr_nobodyHere123" });
    expect(unknown.body).toMatchObject({ error_type: "USER_ERROR", error_code: "USER_NOT_FOUND" });
    const malformed = await h.plaid("/user/items/get", { user_id: "42" });
    expect(malformed.body).toMatchObject({ error_type: "INVALID_INPUT", error_code: "INVALID_USER_ID" });
    const none = await h.plaid("/user/items/get", {});
    expect(none.body).toMatchObject({ error_code: "MISSING_FIELDS" });
  });
});

describe("/user/items/remove", () => {
  it("removes the user's Items: their tokens stop working and they are no longer listed", async () => {
    const userId = await createUser(h, "remover");
    const a = await linkSandboxItem(h, { user_id: userId });
    const b = await linkSandboxItem(h, { user_id: userId });
    const res = await h.plaid("/user/items/remove", { user_id: userId, item_ids: [a.item_id] });
    expect(res.status).toBe(200);
    expect((await h.plaid("/item/get", { access_token: a.access_token })).body.error_code).toBe("ITEM_NOT_FOUND");
    expect((await h.plaid("/user/items/get", { user_id: userId })).body.items.map((i: Item) => i.item_id)).toEqual([b.item_id]);
  });

  it("is all or nothing: one foreign item_id removes nothing", async () => {
    const owner = await createUser(h, "atomic-owner");
    const stranger = await createUser(h, "atomic-stranger");
    const mine = await linkSandboxItem(h, { user_id: owner });
    const theirs = await linkSandboxItem(h, { user_id: stranger });
    const res = await h.plaid("/user/items/remove", { user_id: owner, item_ids: [mine.item_id, theirs.item_id] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error_type: "INVALID_REQUEST", error_code: "INVALID_FIELD" });
    expect(res.body.error_message).toContain(theirs.item_id);
    expect((await h.plaid("/item/get", { access_token: mine.access_token })).status).toBe(200);
    expect((await h.plaid("/item/get", { access_token: theirs.access_token })).status).toBe(200);
    expect((await h.plaid("/user/items/get", { user_id: owner })).body.items).toHaveLength(1);
  });

  it("refuses an unknown user", async () => {
    const res = await h.plaid("/user/items/remove", { user_id: "usr_ghostGhost12", item_ids: [] });
    expect(res.body.error_code).toBe("USER_NOT_FOUND");
  });
});

describe("/sandbox/user/reset_login", () => {
  it("breaks every Item of the user when no item_ids are given", async () => {
    const userId = await createUser(h, "reset-all");
    await linkSandboxItem(h, { user_id: userId });
    await linkSandboxItem(h, { user_id: userId });
    expect((await h.plaid("/sandbox/user/reset_login", { user_id: userId })).status).toBe(200);
    const items = (await h.plaid("/user/items/get", { user_id: userId })).body.items;
    expect(items.map((i: Item) => i.error?.error_code)).toEqual(["ITEM_LOGIN_REQUIRED", "ITEM_LOGIN_REQUIRED"]);
  });

  it("breaks only the item_ids given", async () => {
    const userId = await createUser(h, "reset-some");
    const a = await linkSandboxItem(h, { user_id: userId });
    const b = await linkSandboxItem(h, { user_id: userId });
    await h.plaid("/sandbox/user/reset_login", { user_id: userId, item_ids: [b.item_id] });
    const items = Object.fromEntries((await h.plaid("/user/items/get", { user_id: userId })).body.items.map((i: Item) => [i.item_id, i.error]));
    expect(items[a.item_id]).toBeNull();
    expect(items[b.item_id]).toMatchObject({ error_code: "ITEM_LOGIN_REQUIRED" });
  });

  it("refuses an item_id that is not the user's", async () => {
    const userId = await createUser(h, "reset-foreign");
    const other = await linkSandboxItem(h);
    const res = await h.plaid("/sandbox/user/reset_login", { user_id: userId, item_ids: [other.item_id] });
    expect(res.body.error_code).toBe("INVALID_FIELD");
    expect((await h.plaid("/item/get", { access_token: other.access_token })).body.item.error).toBeNull();
  });
});
